package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.HourGrid.hourOf;
import static io.zentrunk.spark.report.ReportColumns.HOUR_SEC;
import static io.zentrunk.spark.report.TrunkSizing.CALLS_STARTED;
import static io.zentrunk.spark.report.TrunkSizing.CHANNEL_LIMIT_CODE;
import static io.zentrunk.spark.report.TrunkSizing.CHANNEL_REJECTIONS;
import static io.zentrunk.spark.report.TrunkSizing.CPS_LIMIT_CODE;
import static io.zentrunk.spark.report.TrunkSizing.CPS_REJECTIONS;
import static io.zentrunk.spark.report.TrunkSizing.CARRIED_ERLANGS;
import static io.zentrunk.spark.report.TrunkSizing.CARRIED_SECONDS;
import static io.zentrunk.spark.report.TrunkSizing.HOUR_START;
import static io.zentrunk.spark.report.TrunkSizing.MEAN_HOLDING_SECONDS;
import static io.zentrunk.spark.report.TrunkSizing.OFFERED_ERLANGS;
import static io.zentrunk.spark.report.TrunkSizing.PEAK_CALLS_PER_SECOND;
import static io.zentrunk.spark.report.TrunkSizing.PEAK_CONCURRENT_CALLS;
import static io.zentrunk.spark.report.TrunkSizing.TRUNK_ID;
import static io.zentrunk.spark.source.CdrColumns.HANGUP_CAUSE_CODE;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
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
   * One pass over per-trunk-second events: a call's start (+1, its limit rejections) at its initiation second, its
   * end (-1) at its end second, its carried seconds (unless refused) in each of the 1..n hours it spans (n-1 hour boundaries
   * crossed) at the hour's start, and a zero event at every hour start of the grid for every trunk; summed per trunk
   * and second, the level after each second a running sum per trunk over the sorted seconds, then rolled up per
   * trunk and hour (hours before the grid, of calls that started before {@code start}, only carry their level).
   * Nothing is collected.
   */
  public static Dataset<Row> of(Dataset<Row> cdrs, Instant start, Instant end) {
    Dataset<Row> timed = HourGrid.timed(cdrs, col(TRUNK_ID));
    // every trunk's hours: a generator over the distinct trunks keeps their partitioning (a cross join would not,
    // nor be planned without a broadcast, a job of its own)
    Dataset<Row> grid = timed.select(col(TRUNK_ID)).distinct().select(col(TRUNK_ID), HourGrid.hourColumn(start, end));
    Column refused = coalesce(col(HANGUP_CAUSE_CODE).isin(CPS_LIMIT_CODE, CHANNEL_LIMIT_CODE), lit(false));
    Column r5180 = when(col(HANGUP_CAUSE_CODE).equalTo(CPS_LIMIT_CODE), lit(1L)).otherwise(lit(0L));
    Column r5190 = when(col(HANGUP_CAUSE_CODE).equalTo(CHANNEL_LIMIT_CODE), lit(1L)).otherwise(lit(0L));
    Dataset<Row> offered = timed
        .filter(col("end_sec").gt(col("init_sec")).and(not(refused)))
        .withColumn(HOUR_SEC, explode(sequence(hourOf(col("init_sec")), hourOf(col("end_sec").minus(1)), lit(3600L))))
        .select(col(TRUNK_ID), col(HOUR_SEC).as("sec"), lit(0L).as("started"), lit(0L).as("net"), lit(0L).as("r5180"),
            lit(0L).as("r5190"),
            least(col("end_sec"), col(HOUR_SEC).plus(3600)).minus(greatest(col("init_sec"), col(HOUR_SEC))).as("offered"));
    Dataset<Row> events = timed.select(col(TRUNK_ID), col("init_sec").as("sec"), lit(1L), lit(1L), r5180, r5190, lit(0L))
        .union(timed.select(col(TRUNK_ID), col("end_sec"), lit(0L), lit(-1L), lit(0L), lit(0L), lit(0L)))
        .union(grid.select(col(TRUNK_ID), col(HOUR_SEC), lit(0L), lit(0L), lit(0L), lit(0L), lit(0L)))
        .toDF(offered.columns())
        .union(offered);
    Dataset<Row> perSecond = events.groupBy(col(TRUNK_ID), col("sec"))
        .agg(sum(col("started")).as("started"), sum(col("net")).as("net"), sum(col("r5180")).as("r5180"),
            sum(col("r5190")).as("r5190"), sum(col("offered")).as("offered"));
    Dataset<Row> levels = perSecond.withColumn("level", sum(col("net")).over(Window.partitionBy(col(TRUNK_ID)).orderBy(col("sec"))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow())));
    // the holding time of the calls carried, per trunk over the window: what a refused attempt would have held
    Dataset<Row> holding = timed.filter(not(refused)).groupBy(col(TRUNK_ID).as("h_trunk"))
        .agg(avg(col("end_sec").minus(col("init_sec"))).as(MEAN_HOLDING_SECONDS));
    Column carriedSeconds = coalesce(col(CARRIED_SECONDS), lit(0L));
    Column carriedErlangs = carriedSeconds.cast(DataTypes.DoubleType).divide(3600.0);
    Column cpsRejections = coalesce(col(CPS_REJECTIONS), lit(0L));
    Column channelRejections = coalesce(col(CHANNEL_REJECTIONS), lit(0L));
    Dataset<Row> perHour = levels
        .groupBy(col(TRUNK_ID), hourOf(col("sec")).as(HOUR_SEC))
        .agg(sum(col("offered")).as(CARRIED_SECONDS), sum(col("started")).as(CALLS_STARTED),
            max(col("level")).as(PEAK_CONCURRENT_CALLS), max(col("started")).as(PEAK_CALLS_PER_SECOND),
            sum(col("r5180")).as(CPS_REJECTIONS), sum(col("r5190")).as(CHANNEL_REJECTIONS))
        .filter(HourGrid.inGrid(col(HOUR_SEC), start, end));
    return perHour.join(holding, perHour.col(TRUNK_ID).eqNullSafe(holding.col("h_trunk")), "left")
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
