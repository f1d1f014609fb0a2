package io.zentrunk.spark.report;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Group-bys, sums and orders over the rows of a (small) report dataset collected to the driver, with Spark SQL's
 * semantics: what the summary and the page compute, without a Spark job each. Sums of longs are longs, of decimals
 * exact decimals (NULL when every value is NULL, as Spark's {@code sum}), of doubles added in row order; orders
 * put NULL first ascending and last descending unless said otherwise, as Spark's {@code asc()} and {@code desc()}.
 */
final class LocalRows {

  private LocalRows() {}

  /** The rows grouped by the values of {@code keys} (NULL a value of its own), groups in order of first row. */
  static Map<List<Object>, List<Row>> group(List<Row> rows, String... keys) {
    Map<List<Object>, List<Row>> m = new LinkedHashMap<>();
    for (Row r : rows) {
      Object[] k = new Object[keys.length];
      for (int i = 0; i < keys.length; i++) {
        k[i] = r.get(r.fieldIndex(keys[i]));
      }
      m.computeIfAbsent(Arrays.asList(k), x -> new ArrayList<>()).add(r);
    }
    return m;
  }

  /** One row per group: its key values, then each aggregate over its rows. */
  @SafeVarargs
  static List<Row> aggregate(List<Row> rows, String[] keys, Function<List<Row>, Object>... aggs) {
    List<Row> out = new ArrayList<>();
    for (Map.Entry<List<Object>, List<Row>> g : group(rows, keys).entrySet()) {
      Object[] v = new Object[keys.length + aggs.length];
      for (int i = 0; i < keys.length; i++) {
        v[i] = g.getKey().get(i);
      }
      for (int i = 0; i < aggs.length; i++) {
        v[keys.length + i] = aggs[i].apply(g.getValue());
      }
      out.add(RowFactory.create(v));
    }
    return out;
  }

  static String[] keys(String... keys) {
    return keys;
  }

  /** {@code sum} of a bigint column: NULL when all are NULL (or none). */
  static Function<List<Row>, Object> sumLong(String column) {
    return rs -> {
      Long s = null;
      for (Row r : rs) {
        int i = r.fieldIndex(column);
        if (!r.isNullAt(i)) {
          s = s == null ? r.getLong(i) : s + r.getLong(i);
        }
      }
      return s;
    };
  }

  /** {@code sum} of a decimal column, exact. */
  static Function<List<Row>, Object> sumDecimal(String column) {
    return rs -> {
      BigDecimal s = null;
      for (Row r : rs) {
        int i = r.fieldIndex(column);
        if (!r.isNullAt(i)) {
          s = s == null ? r.getDecimal(i) : s.add(r.getDecimal(i));
        }
      }
      return s;
    };
  }

  /** {@code sum} of a double expression of each row, in row order. */
  static Function<List<Row>, Object> sumDouble(Function<Row, Double> value) {
    return rs -> {
      Double s = null;
      for (Row r : rs) {
        Double v = value.apply(r);
        if (v != null) {
          s = s == null ? v : s + v;
        }
      }
      return s;
    };
  }

  /** {@code sum} over every row of a bigint column, as {@link #sumLong}. */
  static Long total(List<Row> rows, String column) {
    return (Long) sumLong(column).apply(rows);
  }

  /** A column's values as comparable values: dates, timestamps, numbers and strings. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Comparator<Object> values() {
    return (a, b) -> {
      if (a instanceof Double x && b instanceof Double y) {
        return Double.compare(x, y); // NaN largest, as Spark orders it
      }
      if (a instanceof Date || a instanceof java.time.LocalDate) {
        return day(a).compareTo(day(b));
      }
      if (a instanceof Timestamp x && b instanceof Timestamp y) {
        return x.compareTo(y);
      }
      return ((Comparable) a).compareTo(b);
    };
  }

  /** Ascending by the value at {@code i}, NULL first (Spark's {@code asc()}). */
  static Comparator<Row> asc(int i) {
    return (a, b) -> compare(a, b, i, true, true);
  }

  /** Ascending by the value at {@code i}, NULL last ({@code asc_nulls_last()}). */
  static Comparator<Row> ascNullsLast(int i) {
    return (a, b) -> compare(a, b, i, true, false);
  }

  /** Descending by the value at {@code i}, NULL last (Spark's {@code desc()}). */
  static Comparator<Row> desc(int i) {
    return (a, b) -> compare(a, b, i, false, false);
  }

  static Comparator<Row> asc(String column) {
    return (a, b) -> compare(a, b, a.fieldIndex(column), true, true);
  }

  static Comparator<Row> ascNullsLast(String column) {
    return (a, b) -> compare(a, b, a.fieldIndex(column), true, false);
  }

  static Comparator<Row> desc(String column) {
    return (a, b) -> compare(a, b, a.fieldIndex(column), false, false);
  }

  private static int compare(Row a, Row b, int i, boolean ascending, boolean nullsFirst) {
    boolean an = a.isNullAt(i);
    boolean bn = b.isNullAt(i);
    if (an || bn) {
      return an && bn ? 0 : (an == nullsFirst ? -1 : 1);
    }
    int c = values().compare(a.get(i), b.get(i));
    return ascending ? c : -c;
  }

  /** The rows sorted (stable) and cut to {@code limit} (negative: all). */
  static List<Row> sorted(List<Row> rows, Comparator<Row> order, int limit) {
    List<Row> s = new ArrayList<>(rows);
    s.sort(order);
    return limit >= 0 && s.size() > limit ? new ArrayList<>(s.subList(0, limit)) : s;
  }

  /** A date value as Spark returns it (java.sql.Date, or LocalDate with the Java 8 time API on), as a LocalDate. */
  static java.time.LocalDate day(Object v) {
    return v instanceof Date d ? d.toLocalDate() : (java.time.LocalDate) v;
  }

  /** Epoch seconds of a timestamp (Spark's {@code unix_seconds}), or null. */
  static Long epochSeconds(Row r, String column) {
    int i = r.fieldIndex(column);
    if (r.isNullAt(i)) {
      return null;
    }
    Object v = r.get(i);
    java.time.Instant t = v instanceof Timestamp ts ? ts.toInstant() : (java.time.Instant) v;
    return t.getEpochSecond();
  }
}
