package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.HourGrid.hourOf;
import static io.zentrunk.spark.report.ReportColumns.HOUR_SEC;
import static io.zentrunk.spark.report.TrunkSizing.CALLS_STARTED;
import static io.zentrunk.spark.report.TrunkSizing.CHANNEL_LIMIT_CODE;
import static io.zentrunk.spark.report.TrunkSizing.CHANNEL_REJECTIONS;
import static io.zentrunk.spark.report.TrunkSizing.CPS_LIMIT_CODE;
import static io.zentrunk.spark.report.TrunkSizing.CPS_REJECTIONS;
import static io.zentrunk.spark.report.TrunkSizing.ERLANGS;
import static io.zentrunk.spark.report.TrunkSizing.HOUR_START;
import static io.zentrunk.spark.report.TrunkSizing.OFFERED_SECONDS;
import static io.zentrunk.spark.report.TrunkSizing.PEAK_CALLS_PER_SECOND;
import static io.zentrunk.spark.report.TrunkSizing.PEAK_CONCURRENT_CALLS;
import static io.zentrunk.spark.report.TrunkSizing.TRUNK_ID;
import static io.zentrunk.spark.source.CdrColumns.HANGUP_CAUSE_CODE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.when;

import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/** The offered traffic of each trunk by UTC hour, as a pure DataFrame function; {@link TrunkSizing} sizes from it. */
public final class TrunkHours {

  private TrunkHours() {}

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
  public static Dataset<Row> of(Dataset<Row> cdrs, Instant start, Instant end) {
    Dataset<Row> hours = HourGrid.hours(cdrs.sparkSession(), start, end);
    Dataset<Row> timed = HourGrid.timed(cdrs, col(TRUNK_ID));
    Dataset<Row> grid = timed.select(col(TRUNK_ID)).distinct().crossJoin(hours);
    return grid.alias("g")
        .join(offered(timed).alias("o"), on("g", "o"), "left")
        .join(starts(timed).alias("s"), on("g", "s"), "left")
        .join(peaks(timed, grid).alias("k"), on("g", "k"), "left")
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

  /** Offered seconds per trunk and hour: each call over the hours it spans, clipped to each. */
  private static Dataset<Row> offered(Dataset<Row> timed) {
    return timed
        .filter(col("end_sec").gt(col("init_sec")))
        .withColumn(HOUR_SEC, explode(sequence(hourOf(col("init_sec")), hourOf(col("end_sec").minus(1)), lit(3600L))))
        .groupBy(col(TRUNK_ID), col(HOUR_SEC))
        .agg(sum(least(col("end_sec"), col(HOUR_SEC).plus(3600)).minus(greatest(col("init_sec"), col(HOUR_SEC))))
            .as(OFFERED_SECONDS));
  }

  /** Calls started per trunk and hour, the most in one second, and those that ended on a trunk limit. */
  private static Dataset<Row> starts(Dataset<Row> timed) {
    return timed
        .groupBy(col(TRUNK_ID), hourOf(col("init_sec")).as(HOUR_SEC), col("init_sec"))
        .agg(count(lit(1)).as("n"),
            count(when(col(HANGUP_CAUSE_CODE).equalTo(CPS_LIMIT_CODE), lit(1))).as("r5180"),
            count(when(col(HANGUP_CAUSE_CODE).equalTo(CHANNEL_LIMIT_CODE), lit(1))).as("r5190"))
        .groupBy(col(TRUNK_ID), col(HOUR_SEC))
        .agg(sum(col("n")).as(CALLS_STARTED), max(col("n")).as(PEAK_CALLS_PER_SECOND), sum(col("r5180")).as(CPS_REJECTIONS),
            sum(col("r5190")).as(CHANNEL_REJECTIONS));
  }

  /**
   * The peak of concurrent calls per trunk and hour, by a sweep per trunk: +1 at initiation, -1 at end, and a
   * zero event at every hour start of the grid; the level carried into an hour is the running sum of the hours
   * before it.
   */
  private static Dataset<Row> peaks(Dataset<Row> timed, Dataset<Row> grid) {
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
    return perSecond
        .withColumn("level", sum(col("d")).over(Window.partitionBy(col(TRUNK_ID), col(HOUR_SEC)).orderBy(col("sec"))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .groupBy(col(TRUNK_ID), col(HOUR_SEC))
        .agg(max(col("level")).as("peak_in_hour"))
        .alias("p")
        .join(carried.alias("c"), on("p", "c"), "inner")
        .select(col("p." + TRUNK_ID).as(TRUNK_ID), col("p." + HOUR_SEC).as(HOUR_SEC),
            col("carry").plus(col("peak_in_hour")).as(PEAK_CONCURRENT_CALLS));
  }

  /** The join of two per-trunk-hour tables: trunk (NULL equal to NULL) and hour. */
  private static Column on(String a, String b) {
    return col(a + "." + TRUNK_ID).eqNullSafe(col(b + "." + TRUNK_ID)).and(col(a + "." + HOUR_SEC).equalTo(col(b + "." + HOUR_SEC)));
  }
}
