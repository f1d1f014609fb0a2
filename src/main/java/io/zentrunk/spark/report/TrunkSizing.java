package io.zentrunk.spark.report;

import static io.zentrunk.spark.source.CdrColumns.END_TIME;
import static io.zentrunk.spark.source.CdrColumns.HANGUP_CAUSE_CODE;
import static io.zentrunk.spark.source.CdrColumns.INITIATION_TIME;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.udf;
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
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Trunk sizing as pure DataFrame functions: the offered traffic of each trunk by UTC hour ({@link #trunkHours}),
 * and from it the busy hour, the peaks and the Erlang B channel count of each trunk by day and for the whole
 * window ({@link #sizing}). Calls without a {@code trunk_id} are a trunk of their own, {@code trunk_id} NULL.
 */
public final class TrunkSizing {

  public static final String TRUNK_ID = CdrColumns.TRUNK_ID;
  public static final String HOUR_START = ReportColumns.HOUR_START;
  public static final String OFFERED_SECONDS = "offered_seconds";
  public static final String ERLANGS = "erlangs";
  public static final String CALLS_STARTED = ReportColumns.CALLS_STARTED;
  public static final String PEAK_CONCURRENT_CALLS = ReportColumns.PEAK_CONCURRENT_CALLS;
  public static final String PEAK_CALLS_PER_SECOND = ReportColumns.PEAK_CALLS_PER_SECOND;
  public static final String CPS_REJECTIONS = "cps_rejections";
  public static final String CHANNEL_REJECTIONS = "channel_rejections";
  public static final String DAY = "day";
  public static final String BUSY_HOUR_START = "busy_hour_start";
  public static final String BUSY_HOUR_SECONDS = "busy_hour_seconds";
  public static final String BUSY_HOUR_ERLANGS = "busy_hour_erlangs";
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

  private static final String HOUR_SEC = "hour_sec";

  private TrunkSizing() {}

  // ---- Erlang B ---------------------------------------------------------------------------------------------

  /**
   * Erlang B blocking probability of {@code erlangs} offered to {@code channels} channels, by the stable
   * recursion B(E,0) = 1, B(E,m) = E·B(E,m-1) / (m + E·B(E,m-1)): every step is a contraction, so it stays exact
   * to about 1e-15 relative where the textbook formula (E^N/N!) / sum E^k/k! overflows beyond ~170 channels.
   * No traffic is never blocked: 0 for 0 Erlangs (any channel count, even 0).
   */
  public static double erlangB(double erlangs, long channels) {
    check(erlangs);
    if (channels < 0) {
      throw new IllegalArgumentException("channels must be >= 0, got " + channels);
    }
    if (erlangs == 0) {
      return 0;
    }
    double b = 1;
    for (long m = 1; m <= channels; m++) {
      b = erlangs * b / (m + erlangs * b);
    }
    return b;
  }

  /**
   * The fewest channels whose Erlang B blocking at {@code erlangs} is at most {@code gradeOfService}; 0 for 0
   * Erlangs (nothing offered, nothing to carry). One pass of the recursion, O(channels): 5,010 steps for 5,000
   * Erlangs at 1%.
   */
  public static int erlangBChannels(double erlangs, double gradeOfService) {
    check(erlangs);
    if (!(gradeOfService > 0 && gradeOfService < 1)) {
      throw new IllegalArgumentException("grade of service must be in (0,1), got " + gradeOfService);
    }
    if (erlangs == 0) {
      return 0;
    }
    double b = 1;
    int m = 0;
    while (b > gradeOfService) {
      m++;
      b = erlangs * b / (m + erlangs * b);
    }
    return m;
  }

  private static void check(double erlangs) {
    if (!(erlangs >= 0) || Double.isInfinite(erlangs)) {
      throw new IllegalArgumentException("traffic must be a finite number of Erlangs >= 0, got " + erlangs);
    }
  }

  static final UserDefinedFunction CHANNELS_UDF = udf(
      (UDF2<Double, Double, Integer>) (e, gos) -> e == null ? null : erlangBChannels(e, gos), DataTypes.IntegerType);

  static final UserDefinedFunction BLOCKING_UDF = udf(
      (UDF2<Double, Integer, Double>) (e, n) -> e == null || n == null ? null : erlangB(e, n), DataTypes.DoubleType);

  // ---- the hourly traffic -----------------------------------------------------------------------------------

  /**
   * One row per trunk ({@code trunk_id}, NULL for calls without one) and UTC hour overlapping {@code [start, end)},
   * quiet hours too, for every trunk that has a call in {@code cdrs} (the report's window: calls with
   * {@code start <= end_time < end}):
   * <ul>
   *   <li>{@code offered_seconds}: the sum over calls of the seconds of {@code [initiation_time, end_time)} inside
   *       the hour (a channel is held from the INVITE, ringing included); {@code erlangs} = offered_seconds / 3600;
   *   <li>{@code calls_started}, {@code peak_concurrent_calls}, {@code peak_calls_per_second}: as in
   *       {@link Capacity#of}, of the trunk's calls only;
   *   <li>{@code cps_rejections} / {@code channel_rejections}: calls started in the hour that ended with 5180 /
   *       5190.
   * </ul>
   * A call is exploded over the 1..n hours it spans (n-1 hour boundaries crossed); the peak is capacity's sweep
   * partitioned by trunk, the level carried into an hour a running sum over the small per-trunk-hour table.
   * Nothing is collected.
   */
  public static Dataset<Row> trunkHours(Dataset<Row> cdrs, Instant start, Instant end) {
    long firstHour = Math.floorDiv(start.getEpochSecond(), 3600) * 3600;
    long endSec = end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0);
    Dataset<Row> hours = cdrs.sparkSession().range(firstHour, endSec, 3600).toDF(HOUR_SEC);
    Dataset<Row> timed = cdrs
        .filter(col(INITIATION_TIME).isNotNull().and(col(END_TIME).isNotNull()))
        .select(col(TRUNK_ID), unix_seconds(col(INITIATION_TIME)).as("init_sec"), unix_seconds(col(END_TIME)).as("end_sec"),
            col(HANGUP_CAUSE_CODE));
    Dataset<Row> grid = timed.select(col(TRUNK_ID)).distinct().crossJoin(hours);

    // offered seconds: each call over the hours it spans, clipped to each
    Dataset<Row> offered = timed
        .filter(col("end_sec").gt(col("init_sec")))
        .withColumn(HOUR_SEC, explode(sequence(hourOf(col("init_sec")), hourOf(col("end_sec").minus(1)), lit(3600L))))
        .groupBy(col(TRUNK_ID), col(HOUR_SEC))
        .agg(sum(least(col("end_sec"), col(HOUR_SEC).plus(3600)).minus(greatest(col("init_sec"), col(HOUR_SEC))))
            .as(OFFERED_SECONDS));

    Dataset<Row> starts = timed
        .groupBy(col(TRUNK_ID), hourOf(col("init_sec")).as(HOUR_SEC), col("init_sec"))
        .agg(count(lit(1)).as("n"),
            count(when(col(HANGUP_CAUSE_CODE).equalTo(CPS_LIMIT_CODE), lit(1))).as("r5180"),
            count(when(col(HANGUP_CAUSE_CODE).equalTo(CHANNEL_LIMIT_CODE), lit(1))).as("r5190"))
        .groupBy(col(TRUNK_ID), col(HOUR_SEC))
        .agg(sum(col("n")).as(CALLS_STARTED), max(col("n")).as(PEAK_CALLS_PER_SECOND), sum(col("r5180")).as(CPS_REJECTIONS),
            sum(col("r5190")).as(CHANNEL_REJECTIONS));

    // the sweep, per trunk: +1 at initiation, -1 at end, and a zero event at every hour start of the grid
    Dataset<Row> events = timed.select(col(TRUNK_ID), col("init_sec").as("sec"), lit(1L).as("d"))
        .union(timed.select(col(TRUNK_ID), col("end_sec").as("sec"), lit(-1L).as("d")))
        .union(grid.select(col(TRUNK_ID), col(HOUR_SEC).as("sec"), lit(0L).as("d")));
    Dataset<Row> perSecond = events
        .groupBy(col(TRUNK_ID), hourOf(col("sec")).as(HOUR_SEC), col("sec"))
        .agg(sum(col("d")).as("d"));
    Dataset<Row> carried = perSecond
        .groupBy(col(TRUNK_ID), col(HOUR_SEC))
        .agg(sum(col("d")).as("hd"))
        .withColumn("carry", coalesce(sum(col("hd")).over(Window.partitionBy(col(TRUNK_ID)).orderBy(col(HOUR_SEC))
            .rowsBetween(Window.unboundedPreceding(), -1)), lit(0L)))
        .select(col(TRUNK_ID), col(HOUR_SEC), col("carry"));
    Dataset<Row> peaks = perSecond
        .withColumn("level", sum(col("d")).over(Window.partitionBy(col(TRUNK_ID), col(HOUR_SEC)).orderBy(col("sec"))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .groupBy(col(TRUNK_ID), col(HOUR_SEC))
        .agg(max(col("level")).as("peak_in_hour"))
        .alias("p")
        .join(carried.alias("c"), on("p", "c"), "inner")
        .select(col("p." + TRUNK_ID).as(TRUNK_ID), col("p." + HOUR_SEC).as(HOUR_SEC),
            col("carry").plus(col("peak_in_hour")).as(PEAK_CONCURRENT_CALLS));

    Dataset<Row> g = grid.alias("g");
    return g
        .join(offered.alias("o"), on("g", "o"), "left")
        .join(starts.alias("s"), on("g", "s"), "left")
        .join(peaks.alias("k"), on("g", "k"), "left")
        .select(
            col("g." + TRUNK_ID).as(TRUNK_ID),
            timestamp_seconds(col("g." + HOUR_SEC)).as(HOUR_START),
            coalesce(col("o." + OFFERED_SECONDS), lit(0L)).as(OFFERED_SECONDS),
            coalesce(col("o." + OFFERED_SECONDS), lit(0L)).cast(DataTypes.DoubleType).divide(3600.0).as(ERLANGS),
            coalesce(col("s." + CALLS_STARTED), lit(0L)).as(CALLS_STARTED),
            coalesce(col("k." + PEAK_CONCURRENT_CALLS), lit(0L)).as(PEAK_CONCURRENT_CALLS),
            coalesce(col("s." + PEAK_CALLS_PER_SECOND), lit(0L)).as(PEAK_CALLS_PER_SECOND),
            coalesce(col("s." + CPS_REJECTIONS), lit(0L)).as(CPS_REJECTIONS),
            coalesce(col("s." + CHANNEL_REJECTIONS), lit(0L)).as(CHANNEL_REJECTIONS))
        .orderBy(col(TRUNK_ID).asc_nulls_last(), col(HOUR_START));
  }

  /** The join of two per-trunk-hour tables: trunk (NULL equal to NULL) and hour. */
  private static Column on(String a, String b) {
    return col(a + "." + TRUNK_ID).eqNullSafe(col(b + "." + TRUNK_ID)).and(col(a + "." + HOUR_SEC).equalTo(col(b + "." + HOUR_SEC)));
  }

  private static Column hourOf(Column epochSeconds) {
    return floor(epochSeconds.divide(3600)).multiply(3600).cast(DataTypes.LongType);
  }

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
   *   <li>{@code busy_hour_start}: the hour with the most offered seconds (the earliest of equal ones; NULL when
   *       no traffic was offered), {@code busy_hour_seconds} and {@code busy_hour_erlangs} its traffic;
   *   <li>{@code calls_started}, and the largest {@code peak_concurrent_calls} and {@code peak_calls_per_second}
   *       of the hours;
   *   <li>{@code erlang_b_channels}: the fewest channels with Erlang B blocking at most {@code grade_of_service}
   *       at the busy hour's traffic;
   *   <li>{@code channels}, {@code cps_limit}: the limits given (NULL when none), {@code channel_utilisation} =
   *       peak_concurrent_calls / channels, {@code cps_utilisation} = peak_calls_per_second / cps_limit,
   *       {@code erlang_b_blocking}: the blocking Erlang B predicts at {@code channels};
   *   <li>{@code busy_hour_attempts} (calls started in the busy hour), {@code busy_hour_channel_rejections}
   *       (those that ended 5190) and {@code observed_blocking}, their ratio (NULL without attempts).
   * </ul>
   */
  public static Dataset<Row> sizing(Dataset<Row> trunkHours, Limits limits) {
    Dataset<Row> h = trunkHours
        .withColumn(HOUR_SEC, unix_seconds(col(HOUR_START)))
        .withColumn(DAY, expr("date_from_unix_date(CAST(floor(unix_seconds(" + HOUR_START + ") / 86400) AS INT))"));
    // the busy hour: the largest (offered seconds, -hour) carries the hour's attempts and rejections along
    List<Column> aggs = List.of(
        max(struct(col(OFFERED_SECONDS).as("s"), col(HOUR_SEC).multiply(-1).as("neg_hour"), col(CALLS_STARTED).as("a"),
            col(CHANNEL_REJECTIONS).as("r"))).as("busy"),
        sum(col(CALLS_STARTED)).as(CALLS_STARTED),
        max(col(PEAK_CONCURRENT_CALLS)).as(PEAK_CONCURRENT_CALLS),
        max(col(PEAK_CALLS_PER_SECOND)).as(PEAK_CALLS_PER_SECOND));
    Column first = aggs.get(0);
    Column[] rest = aggs.subList(1, aggs.size()).toArray(new Column[0]);
    Dataset<Row> days = h.groupBy(col(TRUNK_ID), col(DAY)).agg(first, rest);
    Dataset<Row> window = h.groupBy(col(TRUNK_ID)).agg(first, rest)
        .withColumn(DAY, lit(null).cast(DataTypes.DateType));
    Dataset<Row> all = days.unionByName(window);

    Column busy = col("busy.s").gt(0);
    Column erlangs = col("busy.s").cast(DataTypes.DoubleType).divide(3600.0);
    Column channels = limits.channels().column();
    Column cps = limits.cps().column();
    return all
        .withColumn(CHANNELS, channels)
        .withColumn(CPS_LIMIT, cps)
        .select(
            col(TRUNK_ID), col(DAY),
            when(busy, timestamp_seconds(col("busy.neg_hour").multiply(-1))).as(BUSY_HOUR_START),
            col("busy.s").as(BUSY_HOUR_SECONDS),
            erlangs.as(BUSY_HOUR_ERLANGS),
            col(CALLS_STARTED), col(PEAK_CONCURRENT_CALLS), col(PEAK_CALLS_PER_SECOND),
            lit(limits.gradeOfService()).as(GRADE_OF_SERVICE),
            CHANNELS_UDF.apply(erlangs, lit(limits.gradeOfService())).as(ERLANG_B_CHANNELS),
            col(CHANNELS),
            col(PEAK_CONCURRENT_CALLS).cast(DataTypes.DoubleType).divide(col(CHANNELS)).as(CHANNEL_UTILISATION),
            BLOCKING_UDF.apply(erlangs, col(CHANNELS)).as(ERLANG_B_BLOCKING),
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
   * Erlangs, needs C channels at 1%, has N, peak P". Collects one row per trunk.
   */
  public static String summary(Dataset<Row> sizing) {
    List<Row> rows = sizing.filter(col(DAY).isNull())
        .orderBy(col(TRUNK_ID).asc_nulls_last())
        .select(col(TRUNK_ID), unix_seconds(col(BUSY_HOUR_START)), col(BUSY_HOUR_ERLANGS), col(ERLANG_B_CHANNELS),
            col(GRADE_OF_SERVICE), col(CHANNELS), col(PEAK_CONCURRENT_CALLS), col(PEAK_CALLS_PER_SECOND), col(CPS_LIMIT))
        .collectAsList();
    StringBuilder out = new StringBuilder("Trunk sizing (Erlang B at the busy hour):\n");
    if (rows.isEmpty()) {
      out.append("  no calls\n");
    }
    for (Row r : rows) {
      out.append(String.format(Locale.ROOT, "  trunk %s: busy hour %s, %.3f Erlangs, needs %d channels at %s, has %s, peak %d"
              + " (%d calls/s%s)%n",
          r.isNullAt(0) ? "(none)" : r.getString(0),
          r.isNullAt(1) ? "none" : Instant.ofEpochSecond(r.getLong(1)).toString(),
          r.getDouble(2), r.getInt(3), percent(r.getDouble(4)),
          r.isNullAt(5) ? "no --channels" : String.valueOf(r.getInt(5)),
          r.getLong(6), r.getLong(7), r.isNullAt(8) ? "" : ", limit " + r.getInt(8)));
    }
    return out.toString();
  }

  static String percent(double share) {
    return new java.math.BigDecimal(Double.toString(share * 100)).stripTrailingZeros().toPlainString() + "%";
  }
}
