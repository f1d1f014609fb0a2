package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.HOUR_SEC;
import static io.zentrunk.spark.source.CdrColumns.END_TIME;
import static io.zentrunk.spark.source.CdrColumns.HANGUP_CAUSE_CODE;
import static io.zentrunk.spark.source.CdrColumns.INITIATION_TIME;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.unix_seconds;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The hourly grid of a window and the calls' held time in epoch seconds: what {@link Capacity} and
 * {@link TrunkHours} sweep.
 */
final class HourGrid {

  private HourGrid() {}

  /** One row per UTC hour overlapping {@code [start, end)}: {@code hour_sec}, the epoch second it starts. */
  static Dataset<Row> hours(SparkSession spark, Instant start, Instant end) {
    long firstHour = Math.floorDiv(start.getEpochSecond(), 3600) * 3600;
    long endSec = end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0);
    // one partition: a few thousand rows at most, and a one-partition report's plans stay without a shuffle
    return spark.range(firstHour, endSec, 3600, 1).toDF(HOUR_SEC);
  }

  /**
   * The rows of {@link #hours} as a generator column: {@code hour_sec}, one output row per hour for each input row.
   */
  static Column hourColumn(Instant start, Instant end) {
    long firstHour = Math.floorDiv(start.getEpochSecond(), 3600) * 3600;
    long endSec = end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0);
    long lastHour = firstHour + Math.max(0, Math.floorDiv(endSec - 1 - firstHour, 3600)) * 3600;
    return explode(sequence(lit(firstHour), lit(lastHour), lit(3600L))).as(HOUR_SEC);
  }

  /**
   * The calls with both an initiation and an end time, as {@code keys}, {@code init_sec}, {@code end_sec} (epoch
   * seconds) and {@code hangup_cause_code}.
   */
  static Dataset<Row> timed(Dataset<Row> cdrs, Column... keys) {
    List<Column> cols = new ArrayList<>(List.of(keys));
    cols.addAll(List.of(unix_seconds(col(INITIATION_TIME)).as("init_sec"), unix_seconds(col(END_TIME)).as("end_sec"),
        col(HANGUP_CAUSE_CODE)));
    return cdrs
        .filter(col(INITIATION_TIME).isNotNull().and(col(END_TIME).isNotNull()))
        .select(cols.toArray(new Column[0]));
  }

  /** Whether the hour starting at epoch second {@code hourSec} is one of {@link #hours}' rows. */
  static Column inGrid(Column hourSec, Instant start, Instant end) {
    long firstHour = Math.floorDiv(start.getEpochSecond(), 3600) * 3600;
    long endSec = end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0);
    return hourSec.geq(firstHour).and(hourSec.lt(endSec));
  }

  /** The start of the UTC hour of an epoch second, as a bigint. */
  static Column hourOf(Column epochSeconds) {
    return floor(epochSeconds.divide(3600)).multiply(3600).cast(DataTypes.LongType);
  }
}
