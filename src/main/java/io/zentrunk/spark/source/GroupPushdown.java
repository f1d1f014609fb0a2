package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.ApiValues;
import io.zentrunk.spark.client.CdrField;
import io.zentrunk.spark.window.GroupDim;
import java.io.Serializable;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.connector.expressions.Cast;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Extract;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Which {@code GROUP BY} expressions a count can be answered for from {@code total_count}
 * probes, and how group keys become Spark values.
 *
 * <p>Pushable: the columns the API filters by equality over a documented value set
 * ({@code call_direction}, {@code hangup_source}, {@code stir_verification},
 * {@code hangup_cause_code}), and the UTC day or hour of {@code end_time}: {@code to_date(end_time)}
 * (Spark hands it over as {@code CAST(end_time AS DATE)}) and {@code hour(end_time)}, which are
 * {@code end_time} windows only when the session time zone is UTC (Spark hands {@code hour} over as
 * {@code EXTRACT(HOUR FROM end_time)}). Spark 4.1 does not translate
 * {@code date_trunc} for data sources at all, so {@code date_trunc('DAY'|'HOUR', end_time)} is
 * computed by Spark over rows.
 */
final class GroupPushdown implements Serializable {
  private static final long serialVersionUID = 1L;

  enum Kind { VALUE, DAY, HOUR_OF_DAY }

  /** One GROUP BY expression: what it is, and its index in the counter's dimension order. */
  record Column(Kind kind, String param, String sql, int dim) implements Serializable {}

  final List<Column> columns;
  final List<GroupDim> dims;

  private GroupPushdown(List<Column> columns, List<GroupDim> dims) {
    this.columns = columns;
    this.dims = dims;
  }

  /** The grouping, or null if an expression is not pushable (Spark then groups the rows). */
  static GroupPushdown of(Expression[] groupBy, String sessionTimeZone) {
    boolean utc;
    try {
      utc = ZoneId.of(sessionTimeZone).normalized().equals(ZoneOffset.UTC);
    } catch (RuntimeException e) {
      utc = false;
    }
    List<Raw> raws = new ArrayList<>();
    for (Expression e : groupBy) {
      if (e instanceof NamedReference ref && ref.fieldNames().length == 1 && ApiValues.of(ref.fieldNames()[0]) != null) {
        raws.add(new Raw(Kind.VALUE, ref.fieldNames()[0], ref.fieldNames()[0]));
      } else if (utc && e instanceof Cast c && c.dataType().equals(DataTypes.DateType) && isEndTime(c.expression())) {
        raws.add(new Raw(Kind.DAY, null, "to_date(end_time)"));
      } else if (utc && e instanceof Extract x && x.field().equals("HOUR") && isEndTime(x.source())) {
        raws.add(new Raw(Kind.HOUR_OF_DAY, null, "hour(end_time)"));
      } else {
        return null;
      }
    }
    // Dimension order: time first (days before hours), then the value sets by size, largest
    // first. Real values are skewed (most calls end 3000/3010), so after a split by code only a
    // few codes hold enough records to be worth splitting again; the rest are whole in their
    // probe (<= 20 records) or cheaper to read. GROUP BY code, direction over 30 days of 5,000
    // calls a day: 1 + 79 + 2 x (the few big codes) probes, against 1 + 2 + 2 x 79 the other way.
    List<String> order = new ArrayList<>();
    raws.stream().map(GroupPushdown::dimKey).distinct().sorted(Comparator.comparingInt(GroupPushdown::rank))
        .forEach(order::add);
    List<GroupDim> dims = new ArrayList<>();
    for (String k : order) {
      dims.add(switch (k) {
        case "DAY" -> new GroupDim.TimeBuckets(ApiTime.MICROS_PER_DAY);
        case "HOUR" -> new GroupDim.TimeBuckets(ApiTime.MICROS_PER_DAY / 24);
        default -> new GroupDim.Values(k, ApiValues.of(k));
      });
    }
    List<Column> cols = new ArrayList<>();
    for (Raw r : raws) {
      cols.add(new Column(r.kind, r.param, r.sql, order.indexOf(dimKey(r))));
    }
    return new GroupPushdown(List.copyOf(cols), List.copyOf(dims));
  }

  private record Raw(Kind kind, String param, String sql) {}

  private static String dimKey(Raw r) {
    return r.kind == Kind.VALUE ? r.param : r.kind == Kind.DAY ? "DAY" : "HOUR";
  }

  private static int rank(String dimKey) {
    return switch (dimKey) {
      case "DAY" -> 0;
      case "HOUR" -> 1;
      default -> 1000 - ApiValues.of(dimKey).size();
    };
  }

  private static boolean isEndTime(Expression e) {
    return e instanceof NamedReference r && r.fieldNames().length == 1 && r.fieldNames()[0].equals(CdrField.END_TIME.jsonName());
  }

  /** The scan's output: one column per GROUP BY expression, then the partial count (Spark adds them up). */
  StructType schema() {
    StructType s = new StructType();
    for (int i = 0; i < columns.size(); i++) {
      s = s.add("group_col_" + i, type(columns.get(i)), true);
    }
    return s.add("agg_func_0", DataTypes.LongType, false);
  }

  private static DataType type(Column c) {
    return switch (c.kind) {
      case DAY -> DataTypes.DateType;
      case HOUR_OF_DAY -> DataTypes.IntegerType;
      case VALUE -> CdrSchema.sparkType(CdrField.byJsonName(c.param));
    };
  }

  /** The fields the rows path needs to compute the keys, by ordinal. */
  boolean[] wanted() {
    boolean[] w = new boolean[CdrField.count()];
    w[CdrField.CALL_UUID.ordinal()] = true;
    w[CdrField.END_TIME.ordinal()] = true;
    for (Column c : columns) {
      if (c.kind == Kind.VALUE) {
        w[CdrField.byJsonName(c.param).ordinal()] = true;
      }
    }
    return w;
  }

  /** A probe's group as a Spark row's values: the dimension keys in output order, then the count. */
  Object[] fromProbe(List<Object> key, long count) {
    Object[] out = new Object[columns.size() + 1];
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      Object k = key.get(c.dim);
      out[i] = switch (c.kind) {
        case DAY -> (int) Math.floorDiv((Long) k, ApiTime.MICROS_PER_DAY);
        case HOUR_OF_DAY -> (int) (Math.floorMod((Long) k, ApiTime.MICROS_PER_DAY) / (ApiTime.MICROS_PER_DAY / 24));
        case VALUE -> c.param.equals(CdrField.HANGUP_CAUSE_CODE.jsonName()) ? Integer.valueOf((String) k) : UTF8String.fromString((String) k);
      };
    }
    out[columns.size()] = count;
    return out;
  }

  /** A record read as a row, as a Spark row's values: its keys, then a count of 1. */
  Object[] fromRecord(Object[] rec) {
    Object[] out = new Object[columns.size() + 1];
    long end = (Long) rec[CdrField.END_TIME.ordinal()];
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      out[i] = switch (c.kind) {
        case DAY -> (int) Math.floorDiv(end, ApiTime.MICROS_PER_DAY);
        case HOUR_OF_DAY -> (int) (Math.floorMod(end, ApiTime.MICROS_PER_DAY) / (ApiTime.MICROS_PER_DAY / 24));
        case VALUE -> {
          Object v = rec[CdrField.byJsonName(c.param).ordinal()];
          yield v instanceof String s ? UTF8String.fromString(s) : v;
        }
      };
    }
    out[columns.size()] = 1L;
    return out;
  }

  String describe() {
    return columns.stream().map(Column::sql).toList().toString();
  }
}
