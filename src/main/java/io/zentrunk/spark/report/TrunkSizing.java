package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.HOUR_SEC;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import io.zentrunk.spark.source.CdrColumns;
import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Trunk sizing as pure DataFrame functions: from the carried and offered traffic of each trunk by UTC hour
 * ({@link TrunkHours#of}, offered estimated by {@link OfferedTraffic}), the busy hour, the peaks and the Erlang B channel count of each trunk by day and for
 * the whole window ({@link #sizing}). Calls without a {@code trunk_id} are a trunk of their own, {@code trunk_id} NULL.
 */
public final class TrunkSizing {

  public static final String TRUNK_ID = CdrColumns.TRUNK_ID;
  public static final String HOUR_START = ReportColumns.HOUR_START;
  public static final String CARRIED_SECONDS = "carried_seconds";
  public static final String CARRIED_ERLANGS = "carried_erlangs";
  public static final String MEAN_HOLDING_SECONDS = "mean_holding_seconds";
  public static final String OFFERED_ERLANGS = "offered_erlangs";
  public static final String CALLS_STARTED = ReportColumns.CALLS_STARTED;
  public static final String PEAK_CONCURRENT_CALLS = ReportColumns.PEAK_CONCURRENT_CALLS;
  public static final String PEAK_CALLS_PER_SECOND = ReportColumns.PEAK_CALLS_PER_SECOND;
  public static final String CPS_REJECTIONS = "cps_rejections";
  public static final String CHANNEL_REJECTIONS = "channel_rejections";
  public static final String DAY = "day";
  public static final String BUSY_HOUR_START = "busy_hour_start";
  public static final String BUSY_HOUR_CARRIED_SECONDS = "busy_hour_carried_seconds";
  public static final String BUSY_HOUR_CARRIED_ERLANGS = "busy_hour_carried_erlangs";
  public static final String BUSY_HOUR_REFUSALS = "busy_hour_refusals";
  public static final String BUSY_HOUR_OFFERED_ERLANGS = "busy_hour_offered_erlangs";
  public static final String CARRIED_ERLANG_B_CHANNELS = "carried_erlang_b_channels";
  public static final String GRADE_OF_SERVICE = "grade_of_service";
  public static final String ERLANG_B_CHANNELS = "erlang_b_channels";
  public static final String CHANNELS = "channels";
  public static final String CHANNEL_UTILISATION = "channel_utilisation";
  public static final String ERLANG_B_BLOCKING = "erlang_b_blocking";
  public static final String CPS_LIMIT = "cps_limit";
  public static final String CPS_UTILISATION = "cps_utilisation";
  public static final String BUSY_HOUR_ATTEMPTS = "busy_hour_attempts";
  public static final String BUSY_HOUR_CHANNEL_REJECTIONS = "busy_hour_channel_rejections";
  public static final String OBSERVED_BLOCKING = "observed_blocking";

  /** Zentrunk's hangup codes of the trunk limits: calls per second and concurrent calls (channels). */
  public static final int CPS_LIMIT_CODE = 5180;
  public static final int CHANNEL_LIMIT_CODE = 5190;


  private TrunkSizing() {}

  // ---- sizing -----------------------------------------------------------------------------------------------

  /**
   * One limit of a trunk (channels or calls per second): one value for every trunk ({@code all}), or values per
   * {@code trunk_id}; a trunk with neither has none (NULL). Calls without a trunk get {@code all} only.
   */
  public record Limit(Integer all, Map<String, Integer> perTrunk) implements Serializable {

    public static final Limit NONE = new Limit(null, Map.of());

    public Limit {
      perTrunk = Map.copyOf(perTrunk);
    }

    /** The limit of {@code trunkId} (null for calls without a trunk), or null. */
    public Integer of(String trunkId) {
      return trunkId != null && perTrunk.containsKey(trunkId) ? perTrunk.get(trunkId) : all;
    }

    Column column() {
      Column c = null;
      for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(perTrunk).entrySet()) {
        Column v = lit(e.getValue());
        c = c == null ? when(col(TRUNK_ID).equalTo(e.getKey()), v) : c.when(col(TRUNK_ID).equalTo(e.getKey()), v);
      }
      Column otherwise = all == null ? lit(null).cast(DataTypes.IntegerType) : lit(all);
      return c == null ? otherwise : c.otherwise(otherwise);
    }

    /**
     * Parses an option's value: one whole number >= 1 for every trunk, or {@code TRUNK=N,...}; null is no limit.
     *
     * @throws IllegalArgumentException in one line starting with {@code option}
     */
    public static Limit parse(String value, String option) {
      if (value == null) {
        return NONE;
      }
      String v = value.trim();
      if (!v.contains("=")) {
        return new Limit(positive(v, value, option), Map.of());
      }
      Map<String, Integer> m = new LinkedHashMap<>();
      for (String p : v.split(",", -1)) {
        int eq = p.indexOf('=');
        String trunk = eq < 0 ? "" : p.substring(0, eq).trim();
        if (trunk.isEmpty()) {
          throw new IllegalArgumentException(option + " must be N or TRUNK=N,... (N a whole number >= 1), not '" + value + "'");
        }
        if (m.put(trunk, positive(p.substring(eq + 1).trim(), value, option)) != null) {
          throw new IllegalArgumentException(option + " names trunk " + trunk + " twice in '" + value + "'");
        }
      }
      return new Limit(null, m);
    }

    private static int positive(String s, String value, String option) {
      try {
        int n = Integer.parseInt(s);
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // the message below
      }
      throw new IllegalArgumentException(option + " must be N or TRUNK=N,... (N a whole number >= 1), not '" + value + "'");
    }
  }

  /** What a sizing is judged against: the grade of service (the Erlang B blocking allowed) and the limits. */
  public record Limits(double gradeOfService, Limit channels, Limit cps) implements Serializable {

    public static final double DEFAULT_GRADE_OF_SERVICE = 0.01;

    public Limits {
      if (!(gradeOfService > 0 && gradeOfService < 1)) {
        throw new IllegalArgumentException("grade of service must be in (0,1), got " + gradeOfService);
      }
      java.util.Objects.requireNonNull(channels, "channels");
      java.util.Objects.requireNonNull(cps, "cps");
    }

    public static Limits defaults() {
      return new Limits(DEFAULT_GRADE_OF_SERVICE, Limit.NONE, Limit.NONE);
    }
  }

  /**
   * One row per trunk and UTC {@code day} of the hours of {@code trunkHours}, plus one row per trunk for the
   * whole window ({@code day} NULL):
   * <ul>
   *   <li>{@code busy_hour_start}: the hour with the most offered traffic (the earliest of equal ones; NULL when
   *       no traffic was offered); its {@code busy_hour_carried_seconds} and {@code busy_hour_carried_erlangs}, its
   *       {@code busy_hour_refusals} (attempts refused 5180 or 5190), the trunk's {@code mean_holding_seconds} and
   *       {@code busy_hour_offered_erlangs} (carried + refusals x mean holding time, {@link OfferedTraffic});
   *   <li>{@code calls_started}, and the largest {@code peak_concurrent_calls} and {@code peak_calls_per_second}
   *       of the hours;
   *   <li>{@code erlang_b_channels}: the fewest channels with Erlang B blocking at most {@code grade_of_service}
   *       at the busy hour's offered traffic (NULL when it cannot be estimated), and, for comparison,
   *       {@code carried_erlang_b_channels} at its carried traffic: what a sizing on carried traffic would say, too
   *       few for a trunk whose limits refused calls;
   *   <li>{@code channels}, {@code cps_limit}: the limits given (NULL when none), {@code channel_utilisation} =
   *       peak_concurrent_calls / channels, {@code cps_utilisation} = peak_calls_per_second / cps_limit,
   *       {@code erlang_b_blocking}: the blocking Erlang B predicts at {@code channels} for the offered traffic;
   *   <li>{@code busy_hour_attempts} (calls started in the busy hour), {@code busy_hour_channel_rejections}
   *       (those that ended 5190) and {@code observed_blocking}, their ratio (NULL without attempts).
   * </ul>
   */
  public static Dataset<Row> sizing(Dataset<Row> trunkHours, Limits limits) {
    Dataset<Row> h = trunkHours
        .withColumn(HOUR_SEC, unix_seconds(col(HOUR_START)))
        .withColumn(DAY, expr("date_from_unix_date(CAST(floor(unix_seconds(" + HOUR_START + ") / 86400) AS INT))"));
    // the busy hour: the largest (offered Erlangs, -hour) carries the hour's traffic, attempts and rejections along
    List<Column> aggs = List.of(
        // an hour whose offered traffic has no estimate (refusals on a trunk that carried nothing) comes first
        max(struct(coalesce(col(OFFERED_ERLANGS), lit(Double.POSITIVE_INFINITY)).as("k"), col(HOUR_SEC).multiply(-1).as("neg_hour"),
            col(OFFERED_ERLANGS).as("o"), col(CARRIED_SECONDS).as("s"), col(CPS_REJECTIONS).plus(col(CHANNEL_REJECTIONS)).as("x"),
            col(CALLS_STARTED).as("a"), col(CHANNEL_REJECTIONS).as("r"))).as("busy"),
        max(col(MEAN_HOLDING_SECONDS)).as(MEAN_HOLDING_SECONDS),
        sum(col(CALLS_STARTED)).as(CALLS_STARTED),
        max(col(PEAK_CONCURRENT_CALLS)).as(PEAK_CONCURRENT_CALLS),
        max(col(PEAK_CALLS_PER_SECOND)).as(PEAK_CALLS_PER_SECOND));
    Column first = aggs.get(0);
    Column[] rest = aggs.subList(1, aggs.size()).toArray(new Column[0]);
    Dataset<Row> days = h.groupBy(col(TRUNK_ID), col(DAY)).agg(first, rest);
    Dataset<Row> window = h.groupBy(col(TRUNK_ID)).agg(first, rest)
        .withColumn(DAY, lit(null).cast(DataTypes.DateType));
    Dataset<Row> all = days.unionByName(window);

    Column busy = col("busy.k").gt(0);
    Column carried = col("busy.s").cast(DataTypes.DoubleType).divide(3600.0);
    Column erlangs = col("busy.o");
    Column channels = limits.channels().column();
    Column cps = limits.cps().column();
    return all
        .withColumn(CHANNELS, channels)
        .withColumn(CPS_LIMIT, cps)
        .select(
            col(TRUNK_ID), col(DAY),
            when(busy, timestamp_seconds(col("busy.neg_hour").multiply(-1))).as(BUSY_HOUR_START),
            col("busy.s").as(BUSY_HOUR_CARRIED_SECONDS),
            carried.as(BUSY_HOUR_CARRIED_ERLANGS),
            col("busy.x").as(BUSY_HOUR_REFUSALS),
            col(MEAN_HOLDING_SECONDS),
            erlangs.as(BUSY_HOUR_OFFERED_ERLANGS),
            col(CALLS_STARTED), col(PEAK_CONCURRENT_CALLS), col(PEAK_CALLS_PER_SECOND),
            lit(limits.gradeOfService()).as(GRADE_OF_SERVICE),
            ErlangB.CHANNELS_UDF.apply(erlangs, lit(limits.gradeOfService())).as(ERLANG_B_CHANNELS),
            ErlangB.CHANNELS_UDF.apply(carried, lit(limits.gradeOfService())).as(CARRIED_ERLANG_B_CHANNELS),
            col(CHANNELS),
            col(PEAK_CONCURRENT_CALLS).cast(DataTypes.DoubleType).divide(col(CHANNELS)).as(CHANNEL_UTILISATION),
            ErlangB.BLOCKING_UDF.apply(erlangs, col(CHANNELS)).as(ERLANG_B_BLOCKING),
            col(CPS_LIMIT),
            col(PEAK_CALLS_PER_SECOND).cast(DataTypes.DoubleType).divide(col(CPS_LIMIT)).as(CPS_UTILISATION),
            when(busy, col("busy.a")).as(BUSY_HOUR_ATTEMPTS),
            when(busy, col("busy.r")).as(BUSY_HOUR_CHANNEL_REJECTIONS),
            when(busy.and(col("busy.a").gt(0)), col("busy.r").cast(DataTypes.DoubleType).divide(col("busy.a")))
                .as(OBSERVED_BLOCKING))
        .orderBy(col(TRUNK_ID).asc_nulls_last(), col(DAY).asc_nulls_last());
  }

  /**
   * The console lines, one per trunk, from the whole-window rows of {@code sizing}: "trunk X: busy hour ..., E
   * Erlangs, needs C channels at 1%, has N, peak P", the offered traffic's estimate spelled out when the busy hour
   * had refusals. Collects one row per trunk.
   */
  public static String summary(Dataset<Row> sizing) {
    return summary(sizing.collectAsList());
  }

  /** As {@link #summary(Dataset)}, from the rows of {@code sizing}. */
  static String summary(List<Row> sizing) {
    List<Row> rows = LocalRows.sorted(sizing.stream().filter(r -> r.isNullAt(r.fieldIndex(DAY))).toList(),
        LocalRows.ascNullsLast(TRUNK_ID), -1);
    StringBuilder out = new StringBuilder("Trunk sizing (Erlang B at the busy hour):\n");
    if (rows.isEmpty()) {
      out.append("  no calls\n");
    }
    for (Row r : rows) {
      Long busy = LocalRows.epochSeconds(r, BUSY_HOUR_START);
      out.append(String.format(Locale.ROOT, "  trunk %s: busy hour %s, %s, has %s, peak %d (%d calls/s%s)%n",
          r.isNullAt(r.fieldIndex(TRUNK_ID)) ? "(none)" : r.<String>getAs(TRUNK_ID),
          busy == null ? "none" : Instant.ofEpochSecond(busy).toString(), traffic(r),
          r.isNullAt(r.fieldIndex(CHANNELS)) ? "no --channels" : String.valueOf(r.<Integer>getAs(CHANNELS)),
          r.<Long>getAs(PEAK_CONCURRENT_CALLS), r.<Long>getAs(PEAK_CALLS_PER_SECOND),
          r.isNullAt(r.fieldIndex(CPS_LIMIT)) ? "" : ", limit " + r.<Integer>getAs(CPS_LIMIT)));
    }
    return out.toString();
  }

  /**
   * "E Erlangs, needs C channels at 1%" when nothing was refused in the busy hour (offered = carried); with
   * refusals, the offered traffic and how it was estimated, and the channels carried traffic alone would give.
   */
  private static String traffic(Row r) {
    String gos = percent(r.<Double>getAs(GRADE_OF_SERVICE));
    Long refusals = r.getAs(BUSY_HOUR_REFUSALS);
    double carried = r.<Double>getAs(BUSY_HOUR_CARRIED_ERLANGS);
    if (refusals == null || refusals == 0) {
      return String.format(Locale.ROOT, "%.3f Erlangs, needs %d channels at %s", carried,
          r.<Integer>getAs(CARRIED_ERLANG_B_CHANNELS), gos);
    }
    String estimate = String.format(Locale.ROOT, "%.3f carried + %d refused", carried, refusals);
    if (r.isNullAt(r.fieldIndex(BUSY_HOUR_OFFERED_ERLANGS))) {
      return String.format(Locale.ROOT, "offered traffic unknown (%s, no call carried to time them)", estimate);
    }
    return String.format(Locale.ROOT, "%.3f Erlangs offered (%s x %.1f s), needs %d channels at %s (%d on carried traffic)",
        r.<Double>getAs(BUSY_HOUR_OFFERED_ERLANGS), estimate, r.<Double>getAs(MEAN_HOLDING_SECONDS),
        r.<Integer>getAs(ERLANG_B_CHANNELS), gos, r.<Integer>getAs(CARRIED_ERLANG_B_CHANNELS));
  }

  static String percent(double share) {
    return new java.math.BigDecimal(Double.toString(share * 100)).stripTrailingZeros().toPlainString() + "%";
  }
}
