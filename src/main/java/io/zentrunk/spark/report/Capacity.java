package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.*;
import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.broadcast;
import static io.zentrunk.spark.report.HourGrid.hourOf;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.timestamp_seconds;

import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** Trunk capacity by UTC hour (calls started, peak concurrency, peak CPS, limit failures), a pure DataFrame function. */
public final class Capacity {

  /** Zentrunk's trunk limits: 5180 cps_limit_reached, 5190 concurrent_call_limit_exceeded. */
  public static final List<Integer> LIMIT_CODES = List.of(5180, 5190);

  /**
   * Trunk capacity by UTC hour, one row for every hour that overlaps {@code [start, end)}, quiet hours too.
   * The calls counted are the calls given (the report's window: {@code start <= end_time < end}); a call that
   * started before {@code start} counts from its {@code initiation_time}, a call still running at {@code end}
   * is not in the window and does not count.
   * <ul>
   *   <li>{@code calls_started}: calls whose {@code initiation_time} falls in the hour;
   *   <li>{@code peak_concurrent_calls}: the largest number, at any instant t of the hour, of calls with
   *       {@code initiation_time <= t < end_time};
   *   <li>{@code peak_calls_per_second}: the largest number of calls started within one second of the hour;
   *   <li>{@code limit_failures}: calls started in the hour that ended with 5180 or 5190.
   * </ul>
   * The concurrency is a sweep over +1 (initiation) and -1 (end) events, summed per second, ranged by hour: the
   * level carried into an hour is the sum of all earlier hours' net events (a small per-hour table), the level
   * within the hour a running sum partitioned by hour. Nothing is collected; no row per second without events.
   */
  public static Dataset<Row> of(Dataset<Row> cdrs, Instant start, Instant end) {
    Dataset<Row> hours = HourGrid.hours(cdrs.sparkSession(), start, end);
    Dataset<Row> timed = HourGrid.timed(cdrs);
    // per second of the hours with starts: calls started and limit failures
    Dataset<Row> starts = timed
        .groupBy(hourOf(col("init_sec")).as(HOUR_SEC), col("init_sec"))
        .agg(count(lit(1)).as("calls_in_second"), count(when(col(HANGUP_CAUSE_CODE).isin(LIMIT_CODES.toArray()), lit(1))).as("failures_in_second"))
        .groupBy(col(HOUR_SEC))
        .agg(sum(col("calls_in_second")).as(CALLS_STARTED), max(col("calls_in_second")).as(PEAK_CALLS_PER_SECOND), sum(col("failures_in_second")).as(LIMIT_FAILURES));
    // the sweep: net events per second, plus a zero event at every hour start so that the level at the first
    // instant of each hour is seen (a call ending exactly at the hour start no longer counts there)
    Dataset<Row> events = timed.select(col("init_sec").as("sec"), lit(1L).as("net"))
        .union(timed.select(col("end_sec").as("sec"), lit(-1L).as("net")))
        .union(hours.select(col(HOUR_SEC).as("sec"), lit(0L).as("net")));
    Dataset<Row> perSecond = events
        .groupBy(hourOf(col("sec")).as(HOUR_SEC), col("sec"))
        .agg(sum(col("net")).as("net"));
    // the level carried into each hour: the net events of all earlier hours, from the per-hour table (one row an
    // hour, 2,160 for 90 days) joined with itself; small enough to broadcast
    Dataset<Row> hourly = perSecond.groupBy(col(HOUR_SEC)).agg(sum(col("net")).as("net_in_hour"));
    Dataset<Row> earlier = hourly.select(col(HOUR_SEC).as("earlier_sec"), col("net_in_hour"));
    Dataset<Row> carried = hourly.select(col(HOUR_SEC))
        .join(broadcast(earlier), col("earlier_sec").lt(col(HOUR_SEC)), "left")
        .groupBy(col(HOUR_SEC))
        .agg(coalesce(sum(col("net_in_hour")), lit(0L)).as("level_at_hour_start"));
    Dataset<Row> peaks = perSecond
        .withColumn("level", sum(col("net")).over(Window.partitionBy(col(HOUR_SEC)).orderBy(col("sec"))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .groupBy(col(HOUR_SEC))
        .agg(max(col("level")).as("peak_in_hour"))
        .join(carried, HOUR_SEC)
        .select(col(HOUR_SEC), col("level_at_hour_start").plus(col("peak_in_hour")).as(PEAK_CONCURRENT_CALLS));
    return hours
        .join(starts, hours.col(HOUR_SEC).equalTo(starts.col(HOUR_SEC)), "left")
        .join(peaks, hours.col(HOUR_SEC).equalTo(peaks.col(HOUR_SEC)), "left")
        .select(
            timestamp_seconds(hours.col(HOUR_SEC)).as(HOUR_START),
            coalesce(starts.col(CALLS_STARTED), lit(0L)).as(CALLS_STARTED),
            coalesce(peaks.col(PEAK_CONCURRENT_CALLS), lit(0L)).as(PEAK_CONCURRENT_CALLS),
            coalesce(starts.col(PEAK_CALLS_PER_SECOND), lit(0L)).as(PEAK_CALLS_PER_SECOND),
            coalesce(starts.col(LIMIT_FAILURES), lit(0L)).as(LIMIT_FAILURES))
        .orderBy(col(HOUR_START));
  }

  private Capacity() {}
}
