package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.HOUR_SEC;
import static io.zentrunk.spark.report.TrunkSizing.CALLS_STARTED;
import static io.zentrunk.spark.report.TrunkSizing.CHANNEL_REJECTIONS;
import static io.zentrunk.spark.report.TrunkSizing.CPS_REJECTIONS;
import static io.zentrunk.spark.report.TrunkSizing.CARRIED_ERLANGS;
import static io.zentrunk.spark.report.TrunkSizing.CARRIED_SECONDS;
import static io.zentrunk.spark.report.TrunkSizing.HOUR_START;
import static io.zentrunk.spark.report.TrunkSizing.MEAN_HOLDING_SECONDS;
import static io.zentrunk.spark.report.TrunkSizing.OFFERED_ERLANGS;
import static io.zentrunk.spark.report.TrunkSizing.PEAK_CALLS_PER_SECOND;
import static io.zentrunk.spark.report.TrunkSizing.PEAK_CONCURRENT_CALLS;
import static io.zentrunk.spark.report.TrunkSizing.TRUNK_ID;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_seconds;

import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The carried and the offered traffic of each trunk by UTC hour, as a pure DataFrame function; {@link TrunkSizing}
 * sizes from it.
 */
public final class TrunkHours {

  private TrunkHours() {}

  /**
   * One row per trunk ({@code trunk_id}, NULL for calls without one) and UTC hour overlapping {@code [start, end)},
   * quiet hours too, for every trunk that has a call in {@code cdrs} (the report's window: calls with
   * {@code start <= end_time < end}):
   * <ul>
   *   <li>{@code carried_seconds}: the sum over the calls the trunk's limits did not refuse (any hangup cause but
   *       5180 and 5190) of the seconds of {@code [initiation_time, end_time)} inside the hour (a channel is held from
   *       the INVITE, ringing included); {@code carried_erlangs} = carried_seconds / 3600;
   *   <li>{@code calls_started}, {@code peak_concurrent_calls}, {@code peak_calls_per_second}: as in
   *       {@link Capacity#of}, of the trunk's calls only;
   *   <li>{@code cps_rejections} / {@code channel_rejections}: calls started in the hour that ended with 5180 /
   *       5190;
   *   <li>{@code mean_holding_seconds}: the trunk's mean holding time over the window, the mean of
   *       {@code end_time - initiation_time} of its calls not refused (NULL if every call was refused), the same on
   *       every hour of the trunk;
   *   <li>{@code offered_erlangs}: {@link OfferedTraffic#erlangs} of the hour: carried_erlangs + (cps_rejections +
   *       channel_rejections) x mean_holding_seconds / 3600 (NULL when there were refusals and no holding time).
   * </ul>
   * One sorted pass per trunk over its calls' start and end events ({@link HourSweep}). Nothing is collected.
   */
  public static Dataset<Row> of(Dataset<Row> cdrs, Instant start, Instant end) {
    Dataset<Row> perHour = HourSweep.of(HourGrid.timed(cdrs, col(TRUNK_ID)), col(TRUNK_ID), start, end, null)
        .withColumnRenamed(HourSweep.KEY, TRUNK_ID);
    Column carriedSeconds = col(CARRIED_SECONDS);
    Column carriedErlangs = carriedSeconds.cast(DataTypes.DoubleType).divide(3600.0);
    Column cpsRejections = col(CPS_REJECTIONS);
    Column channelRejections = col(CHANNEL_REJECTIONS);
    return perHour
        .select(
            col(TRUNK_ID),
            // never NULL; the coalesce says so to Spark, so that the Parquet column stays REQUIRED
            timestamp_seconds(coalesce(col(HOUR_SEC), lit(0L))).as(HOUR_START),
            carriedSeconds.as(CARRIED_SECONDS),
            carriedErlangs.as(CARRIED_ERLANGS),
            coalesce(col(CALLS_STARTED), lit(0L)).as(CALLS_STARTED),
            coalesce(col(PEAK_CONCURRENT_CALLS), lit(0L)).as(PEAK_CONCURRENT_CALLS),
            coalesce(col(PEAK_CALLS_PER_SECOND), lit(0L)).as(PEAK_CALLS_PER_SECOND),
            cpsRejections.as(CPS_REJECTIONS),
            channelRejections.as(CHANNEL_REJECTIONS),
            col(MEAN_HOLDING_SECONDS),
            OfferedTraffic.ERLANGS_UDF.apply(carriedErlangs, cpsRejections.plus(channelRejections), col(MEAN_HOLDING_SECONDS))
                .as(OFFERED_ERLANGS))
        .orderBy(col(TRUNK_ID).asc_nulls_last(), col(HOUR_START));
  }

}
