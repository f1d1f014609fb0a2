package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.*;
import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static io.zentrunk.spark.report.HourGrid.hourOf;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.timestamp_seconds;

import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Column;
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
   * The concurrency is a sweep: per second with an event, the calls started (+1 each) and ended (-1 each), and a
   * zero event at every hour start (so that the level at the first instant of each hour is seen: a call ending
   * exactly at the hour start no longer counts there); the level after each second is a running sum over the
   * sorted seconds, the hour's peak the largest level of its seconds. One pass: the per-second frame is summed
   * once, sorted once, and rolled up per hour. Nothing is collected; no row per second without events.
   */
  public static Dataset<Row> of(Dataset<Row> cdrs, Instant start, Instant end) {
    Dataset<Row> hours = HourGrid.hours(cdrs.sparkSession(), start, end);
    Dataset<Row> timed = HourGrid.timed(cdrs);
    Column failed = when(col(HANGUP_CAUSE_CODE).isin(LIMIT_CODES.toArray()), lit(1L)).otherwise(lit(0L));
    Dataset<Row> events = timed.select(col("init_sec").as("sec"), lit(1L).as("started"), lit(1L).as("net"), failed.as("failed"))
        .union(timed.select(col("end_sec").as("sec"), lit(0L), lit(-1L), lit(0L)))
        .union(hours.select(col(HOUR_SEC).as("sec"), lit(0L), lit(0L), lit(0L)));
    Dataset<Row> perSecond = events.groupBy(col("sec"))
        .agg(sum(col("started")).as("started"), sum(col("net")).as("net"), sum(col("failed")).as("failed"));
    // the level after each second: all events up to it (the window's calls that started before it too); one
    // partition on purpose, the sweep is sequential (a row per second with events: small)
    Dataset<Row> levels = perSecond.withColumn("level", sum(col("net")).over(Window.orderBy(col("sec"))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow())));
    return levels
        .groupBy(hourOf(col("sec")).as(HOUR_SEC))
        .agg(sum(col("started")).as(CALLS_STARTED), max(col("level")).as(PEAK_CONCURRENT_CALLS),
            max(col("started")).as(PEAK_CALLS_PER_SECOND), sum(col("failed")).as(LIMIT_FAILURES))
        .filter(HourGrid.inGrid(col(HOUR_SEC), start, end))
        .select(
            // never NULL; the coalesce says so to Spark, so that the Parquet column stays REQUIRED
            timestamp_seconds(coalesce(col(HOUR_SEC), lit(0L))).as(HOUR_START),
            coalesce(col(CALLS_STARTED), lit(0L)).as(CALLS_STARTED),
            coalesce(col(PEAK_CONCURRENT_CALLS), lit(0L)).as(PEAK_CONCURRENT_CALLS),
            coalesce(col(PEAK_CALLS_PER_SECOND), lit(0L)).as(PEAK_CALLS_PER_SECOND),
            coalesce(col(LIMIT_FAILURES), lit(0L)).as(LIMIT_FAILURES))
        .orderBy(col(HOUR_START));
  }

  private Capacity() {}
}
