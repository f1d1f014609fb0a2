package io.zentrunk.spark.alerts;

import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.zentrunk.spark.report.FraudRule;
import io.zentrunk.spark.report.Kpis;
import io.zentrunk.spark.report.Quality;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The watch job's alerts as pure DataFrame functions of the recent CDRs. Each kind is judged at every minute
 * boundary {@code m} of a range ({@link Minutes}) over its window {@code [m - length, m)}: the hour for IRSF and NER
 * drops, 5 minutes for trunk limits. All minutes are judged in one pass: each CDR is placed in every sliding window
 * that holds it ({@code window(end_time, length, '1 minute')}), then grouped by window and destination. A NULL
 * destination is a destination of its own, named as the report names it ({@link #NO_COUNTRY}, {@link #NO_TRUNK}).
 * One row per candidate alert, in {@link #CANDIDATE}; {@link #SCHEMA} adds what the batch knows when it raises it.
 */
public final class Alerts {

  public static final String ALERT_ID = "alert_id";
  public static final String KIND = "kind";
  public static final String DESTINATION = "destination";
  public static final String WINDOW_START = "window_start";
  public static final String WINDOW_END = "window_end";
  public static final String CALLS = "calls";
  public static final String AMOUNT = "amount";
  public static final String BASELINE_AMOUNT = "baseline_amount";
  public static final String NER = "ner";
  public static final String REASON = "reason";
  /** True when the alert's window ended before the batch that raised it was due (a catch-up, the first batch). */
  public static final String LATE = "late";
  /** When the job raised the alert (the machine's clock). */
  public static final String DETECTED_AT = "detected_at";
  /** The baseline's columns: a destination's outbound amount over the baseline days ... */
  public static final String BASELINE_SUM = "baseline_sum";
  /** ... for the judged minutes of this day (days since the epoch, UTC). */
  public static final String BASELINE_DAY = "baseline_day";
  /** A NULL trunk_id, named as the report names it. */
  public static final String NO_TRUNK = "(no trunk_id)";
  /** A NULL to_carrier (Insights that name no terminating carrier). */
  public static final String NO_CARRIER = "(no carrier)";
  /** The Insights' score column. */
  static final String QUALITY_SCORE = "quality_score";
  /** A NULL to_country, named as the report names it. */
  public static final String NO_COUNTRY = "??";

  static final DataType MONEY = DataTypes.createDecimalType(18, 5);

  /** A judged rule's row, before the batch decides whether to raise it. */
  public static final StructType CANDIDATE = new StructType()
      .add(ALERT_ID, DataTypes.StringType, false)
      .add(KIND, DataTypes.StringType, false)
      .add(DESTINATION, DataTypes.StringType, false)
      .add(WINDOW_START, DataTypes.TimestampType, false)
      .add(WINDOW_END, DataTypes.TimestampType, false)
      .add(CALLS, DataTypes.LongType, false)
      .add(AMOUNT, MONEY, true)
      .add(BASELINE_AMOUNT, MONEY, true)
      .add(NER, DataTypes.DoubleType, true)
      .add(REASON, DataTypes.StringType, false);

  /** An alert as raised. */
  public static final StructType SCHEMA = CANDIDATE
      .add(LATE, DataTypes.BooleanType, false)
      .add(DETECTED_AT, DataTypes.TimestampType, false);

  /**
   * The minute boundaries {@code m} with {@code after < m <= upTo}. A window reaching before the stream's start is
   * judged over the CDRs held (fewer calls and a smaller amount than the full window's: the first hour after a start
   * can miss an alert, never raise a false one from missing calls, but for NER, whose least calls guard it).
   */
  public record Minutes(Instant after, Instant upTo) implements Serializable {

    /** The one minute boundary {@code end}. */
    public static Minutes at(Instant end) {
      return new Minutes(end.minusSeconds(60), end);
    }

    /** The minute boundaries, in order. */
    public List<Instant> all() {
      List<Instant> out = new ArrayList<>();
      for (long m = Math.floorDiv(after.getEpochSecond(), 60) + 1; m * 60 <= upTo.getEpochSecond(); m++) {
        out.add(Instant.ofEpochSecond(m * 60));
      }
      return out;
    }
  }

  private Alerts() {}

  /**
   * The CDRs of the windows of {@code length} ending at the judged minutes, each CDR once per window holding it,
   * with the window's {@link #WINDOW_START} and {@link #WINDOW_END}.
   */
  static Dataset<Row> windows(Dataset<Row> cdrs, Duration length, Minutes minutes) {
    Instant from = minutes.after().minus(length);
    Dataset<Row> held = cdrs.filter(col(END_TIME).geq(ts(from)).and(col(END_TIME).lt(ts(minutes.upTo()))));
    return held.withColumn("_w", functions.window(col(END_TIME), length.toSeconds() + " seconds", "1 minute"))
        .withColumn(WINDOW_START, col("_w.start")).withColumn(WINDOW_END, col("_w.end")).drop("_w")
        .filter(col(WINDOW_END).gt(ts(minutes.after())).and(col(WINDOW_END).leq(ts(minutes.upTo()))));
  }

  /** The day (since the epoch, UTC) of the last instant of a window ending at {@code end}. */
  static Column windowDay(Column end) {
    return functions.floor(functions.unix_micros(end).minus(lit(1L)).divide(lit(86_400_000_000L))).cast(DataTypes.LongType);
  }

  /** An instant column as the reasons write it: '2026-10-28 13:05:00 UTC' (the job's session time zone is UTC). */
  static Column hhmm(Column t) {
    return functions.date_format(t, "yyyy-MM-dd HH:mm:ss 'UTC'");
  }

  /** The IRSF rule at the single minute {@code end} (the baseline of end's day covering {@code baselineHours}). */
  public static Dataset<Row> irsf(Dataset<Row> recent, Dataset<Row> baseline, long baselineHours, Instant end,
      FraudRule rule) {
    long day = Math.floorDiv(end.minusNanos(1).getEpochSecond(), 86_400);
    return irsf(recent, baseline.withColumn(BASELINE_DAY, lit(day)), Map.of(day, baselineHours), Minutes.at(end), rule);
  }

  /**
   * IRSF bursts, by the report's {@link FraudRule} per hour: outbound calls of the hour to each judged minute by
   * destination; flagged when the amount is at least {@code minAmount} and either the destination has no amount in
   * the baseline of the minute's day ({@code baselines}: columns {@link #BASELINE_DAY}, {@code to_country},
   * {@link #BASELINE_SUM}) or amount x baselineHours >= baseline_sum x ratio, i.e. at least ratio times its average
   * hour. A day whose {@code baselineHours} is 0 or missing covers no baseline day: nothing is judged.
   */
  public static Dataset<Row> irsf(Dataset<Row> recent, Dataset<Row> baselines, Map<Long, Long> baselineHours,
      Minutes minutes, FraudRule rule) {
    Dataset<Row> hour = windows(recent.filter(col(CALL_DIRECTION).equalTo("outbound")), AlertRules.IRSF_WINDOW, minutes)
        .groupBy(col(WINDOW_START), col(WINDOW_END), coalesce(col(TO_COUNTRY), lit(NO_COUNTRY)).as(DESTINATION))
        .agg(count(lit(1)).as(CALLS), coalesce(sum(col(BILL_DURATION)), lit(0L)).as("billed"),
            sum(col(TOTAL_AMOUNT)).as(AMOUNT))
        .withColumn(BASELINE_DAY, windowDay(col(WINDOW_END)));
    Column hoursOfDay = lit(0L);
    for (Map.Entry<Long, Long> e : new TreeMap<>(baselineHours).entrySet()) {
      hoursOfDay = when(col(BASELINE_DAY).equalTo(e.getKey()), lit(e.getValue())).otherwise(hoursOfDay);
    }
    Dataset<Row> joined = hour.join(baselines.select(col(BASELINE_DAY),
                coalesce(col(TO_COUNTRY), lit(NO_COUNTRY)).as(DESTINATION), col(BASELINE_SUM)),
            CollectionConverters.asScala(List.of(BASELINE_DAY, DESTINATION)).toSeq(), "left")
        .withColumn(BASELINE_SUM, coalesce(col(BASELINE_SUM), lit(BigDecimal.ZERO)))
        .withColumn("hours", hoursOfDay);
    Column amount = col(AMOUNT);
    Column hours = col("hours");
    Column isNew = FraudRule.isNew(col(BASELINE_SUM));
    // the report's predicate, with hours for days: the hour against its average hour over the held days
    Column flagged = hours.gt(0).and(rule.flagged(amount, col(BASELINE_SUM), hours));
    Column avgHour = FraudRule.average(col(BASELINE_SUM), hours);
    Column days = hours.divide(lit(24L)).cast(DataTypes.LongType);
    Column reason = when(isNew, format_string(
            "USD %s to %s in the hour to %s (%d calls, %d billed s); nothing billed to %s in the %d days before",
            amount.cast(MONEY).cast(DataTypes.StringType), col(DESTINATION), hhmm(col(WINDOW_END)), col(CALLS),
            col("billed"), col(DESTINATION), days))
        .otherwise(format_string(
            "USD %s to %s in the hour to %s (%d calls, %d billed s): %.1f times its average hour of USD %s over the %d days before",
            amount.cast(MONEY).cast(DataTypes.StringType), col(DESTINATION), hhmm(col(WINDOW_END)), col(CALLS),
            col("billed"), amount.cast(DataTypes.DoubleType).divide(avgHour.cast(DataTypes.DoubleType)),
            avgHour.cast(DataTypes.StringType), days));
    return rows(joined.filter(flagged), AlertRules.IRSF, col(CALLS), amount, avgHour,
        lit(null).cast(DataTypes.DoubleType), reason);
  }

  /** Trunk limits at the single minute {@code end}. */
  public static Dataset<Row> trunkLimits(Dataset<Row> recent, Instant end, long threshold) {
    return trunkLimits(recent, Minutes.at(end), threshold);
  }

  /** Trunk-limit failures: calls of the 5 minutes to each judged minute ended 5180 or 5190, by trunk, at least {@code threshold}. */
  public static Dataset<Row> trunkLimits(Dataset<Row> recent, Minutes minutes, long threshold) {
    Dataset<Row> failed = windows(recent.filter(col(HANGUP_CAUSE_CODE).isin(5180, 5190)), AlertRules.LIMIT_WINDOW, minutes)
        .groupBy(col(WINDOW_START), col(WINDOW_END), coalesce(col(TRUNK_ID), lit(NO_TRUNK)).as(DESTINATION))
        .agg(count(lit(1)).as(CALLS), count(when(col(HANGUP_CAUSE_CODE).equalTo(5180), lit(1))).as("cps"))
        .filter(col(CALLS).geq(threshold));
    Column reason = format_string(
        "%d calls ended on the trunk's limits on trunk %s in the 5 minutes to %s (%d cps_limit_reached 5180, "
            + "%d concurrent_call_limit_exceeded 5190); threshold %d",
        col(CALLS), col(DESTINATION), hhmm(col(WINDOW_END)), col("cps"), col(CALLS).minus(col("cps")), lit(threshold));
    return rows(failed, AlertRules.TRUNK_LIMIT, col(CALLS), lit(null), lit(null), lit(null).cast(DataTypes.DoubleType),
        reason);
  }

  /** NER drops at the single minute {@code end}. */
  public static Dataset<Row> nerDrops(Dataset<Row> recent, Instant end, double below, long minCalls) {
    return nerDrops(recent, Minutes.at(end), below, minCalls);
  }

  /**
   * NER drops: outbound calls of the hour to each judged minute by destination, NER as the report's ({@link Kpis}:
   * answered calls plus unanswered ones that ended with a user-side code, over all calls) below {@code below} with
   * at least {@code minCalls} calls.
   */
  public static Dataset<Row> nerDrops(Dataset<Row> recent, Minutes minutes, double below, long minCalls) {
    Dataset<Row> hour = windows(recent.filter(col(CALL_DIRECTION).equalTo("outbound")), AlertRules.NER_WINDOW, minutes)
        .groupBy(col(WINDOW_START), col(WINDOW_END), coalesce(col(TO_COUNTRY), lit(NO_COUNTRY)).as(DESTINATION))
        .agg(count(lit(1)).as(CALLS), count(when(Kpis.delivered(), lit(1))).as("delivered"))
        .withColumn(NER, Kpis.ner(col("delivered"), col(CALLS)))
        .filter(col(CALLS).geq(minCalls).and(col(NER).lt(below)));
    Column reason = format_string(
        "NER %.2f to %s in the hour to %s (%d of %d outbound calls delivered); threshold below %.2f with at least %d calls",
        col(NER), col(DESTINATION), hhmm(col(WINDOW_END)), col("delivered"), col(CALLS), lit(below), lit(minCalls));
    return rows(hour, AlertRules.NER_DROP, col(CALLS), lit(null), lit(null), col(NER), reason);
  }

  /**
   * Quality drops, by the report's carrier rule ({@link Quality#dropped}): the scored calls of the hour to each judged
   * minute by terminating carrier ({@code to_carrier} of the Insights rows in {@code insights}: columns end_time,
   * to_carrier, status, quality_score) against the same carrier's scored calls of the UTC day before the window's
   * start (its baseline, from the same rows): dropped when the hour's median score is more than the rule's threshold
   * below the baseline's median. A carrier with fewer than {@link Quality#MIN_SCORED_CALLS} scored calls in the hour
   * or in its baseline day is not judged. The reason gives the medians, the means and the shares below 3.
   */
  public static Dataset<Row> qualityDrops(Dataset<Row> insights, Minutes minutes, Quality.Rule rule) {
    Dataset<Row> scored = Quality.measured(insights).filter(col(QUALITY_SCORE).isNotNull());
    Column[] figures = Quality.scoreAggregates();
    Column carrier = coalesce(col(Quality.TO_CARRIER), lit(NO_CARRIER)).as(DESTINATION);
    Column day = functions.floor(functions.unix_micros(col(WINDOW_START)).divide(lit(86_400_000_000L))).cast(DataTypes.LongType);
    Dataset<Row> hour = windows(scored, AlertRules.QUALITY_WINDOW, minutes)
        .groupBy(col(WINDOW_START), col(WINDOW_END), carrier).agg(Quality.medianScore(), figures)
        .withColumn(BASELINE_DAY, day);
    // the rows of day d are the baseline of the windows that start on day d + 1
    Column next = functions.floor(functions.unix_seconds(col(END_TIME)).divide(lit(86_400L))).cast(DataTypes.LongType).plus(1L);
    Dataset<Row> base = scored.withColumn(BASELINE_DAY, next).groupBy(col(BASELINE_DAY), carrier)
        .agg(Quality.medianScore(), figures)
        .select(col(BASELINE_DAY), col(DESTINATION), col(Quality.SCORED_CALLS).as("b_scored"),
            col(Quality.MEDIAN_QUALITY_SCORE).as("b_median"), col(Quality.MEAN_QUALITY_SCORE).as("b_mean"),
            col(Quality.SHARE_BELOW_3).as("b_share"));
    Dataset<Row> judged = hour.join(base, CollectionConverters.asScala(List.of(BASELINE_DAY, DESTINATION)).toSeq(), "inner")
        .filter(Quality.dropped(rule, col(Quality.SCORED_CALLS), col(Quality.MEDIAN_QUALITY_SCORE), col("b_scored"),
            col("b_median")));
    Column baseDay = functions.date_format(functions.timestamp_seconds(col(BASELINE_DAY).minus(1L).multiply(86_400L)),
        "yyyy-MM-dd");
    Column reason = format_string(
        "quality of carrier %s in the hour to %s: median score %.2f against its baseline %.2f (mean %.2f against %.2f, "
            + "%.1f%% of %d scored calls below 3 against %.1f%% of %d) on %s, the UTC day before the window; a drop is "
            + "a median more than %.2f below, with at least %d scored calls in each",
        col(DESTINATION), hhmm(col(WINDOW_END)), col(Quality.MEDIAN_QUALITY_SCORE), col("b_median"),
        col(Quality.MEAN_QUALITY_SCORE), col("b_mean"), col(Quality.SHARE_BELOW_3).multiply(100), col(Quality.SCORED_CALLS),
        col("b_share").multiply(100), col("b_scored"), baseDay, lit(rule.threshold()), lit(Quality.MIN_SCORED_CALLS));
    return rows(judged, AlertRules.QUALITY_DROP, col(Quality.SCORED_CALLS), lit(null), lit(null),
        lit(null).cast(DataTypes.DoubleType), reason);
  }

  /** The three kinds at every judged minute, before the batch's once-per-window choice ({@link OncePerWindow}). */
  public static Dataset<Row> candidates(Dataset<Row> recent, Dataset<Row> baselines, Map<Long, Long> baselineHours,
      Minutes minutes, AlertRules rules) {
    return irsf(recent, baselines, baselineHours, minutes, rules.irsf())
        .unionByName(trunkLimits(recent, minutes, rules.limitFailures()))
        .unionByName(nerDrops(recent, minutes, rules.nerBelow(), rules.nerMinCalls()));
  }

  /**
   * The candidates whose window does not overlap the window of an earlier alert of the same kind and destination:
   * an alert that keeps firing is raised again only once its window lies wholly after the last one raised.
   */
  public static Dataset<Row> notRaisedBefore(Dataset<Row> candidates, Dataset<Row> earlier) {
    Dataset<Row> e = earlier.select(col(KIND).as("e_kind"), col(DESTINATION).as("e_dest"), col(WINDOW_END).as("e_end"));
    Column overlaps = col(KIND).equalTo(col("e_kind")).and(col(DESTINATION).equalTo(col("e_dest")))
        .and(col("e_end").gt(col(WINDOW_START)));
    return candidates.join(e, overlaps, "left_anti");
  }

  /** The window's key in an alert id: kind, destination and the window's start in epoch seconds. */
  private static Dataset<Row> rows(Dataset<Row> flagged, String kind, Column calls, Column amount, Column baseline,
      Column ner, Column reason) {
    Column startSeconds = functions.unix_seconds(col(WINDOW_START)).cast(DataTypes.StringType);
    return flagged.select(
        substring(sha2(concat_ws("|", lit(kind), col(DESTINATION), startSeconds), 256), 1, 16).as(ALERT_ID),
        lit(kind).as(KIND), col(DESTINATION).as(DESTINATION), col(WINDOW_START), col(WINDOW_END),
        calls.cast(DataTypes.LongType).as(CALLS), amount.cast(MONEY).as(AMOUNT), baseline.cast(MONEY).as(BASELINE_AMOUNT),
        ner.as(NER), reason.as(REASON));
  }

  static Timestamp ts(Instant t) {
    return Timestamp.from(t);
  }
}
