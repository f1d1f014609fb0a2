package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.*;
import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_seconds;

import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
   * The concurrency is a sweep ({@link HourSweep}): the calls' start and end events sorted by second and walked
   * once, the level after each second the running sum of the events up to it (a call ending exactly at an hour's
   * start no longer counts there). Nothing is collected; no row per second without events.
   */
  public static Dataset<Row> of(Dataset<Row> cdrs, Instant start, Instant end) {
    // one key for all calls; it has every hour of the grid even without a call
    return HourSweep.of(HourGrid.timed(cdrs), lit(0), start, end, 0)
        .withColumn(LIMIT_FAILURES, col(HourSweep.R5180).plus(col(HourSweep.R5190)))
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
