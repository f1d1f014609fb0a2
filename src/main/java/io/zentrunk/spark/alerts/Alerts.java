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
import io.zentrunk.spark.report.ReportColumns;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The watch job's alerts as pure DataFrame functions of the recent CDRs. Each kind is judged over its window
 * {@code [end - length, end)}, {@code end} being the stream's offset after a batch: the last hour for IRSF and NER
 * drops, the last 5 minutes for trunk limits. One row per alert, in {@link #SCHEMA}.
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
  /** The baseline's columns: a destination's outbound amount over the baseline days. */
  public static final String BASELINE_SUM = "baseline_sum";
  /** Trunk-limit alerts of calls without a trunk_id name this destination. */
  public static final String NO_TRUNK = "(no trunk)";

  static final DataType MONEY = DataTypes.createDecimalType(18, 5);

  public static final StructType SCHEMA = new StructType()
      .add(ALERT_ID, DataTypes.StringType, false)
      .add(KIND, DataTypes.StringType, false)
      .add(DESTINATION, DataTypes.StringType, true)
      .add(WINDOW_START, DataTypes.TimestampType, false)
      .add(WINDOW_END, DataTypes.TimestampType, false)
      .add(CALLS, DataTypes.LongType, false)
      .add(AMOUNT, MONEY, true)
      .add(BASELINE_AMOUNT, MONEY, true)
      .add(NER, DataTypes.DoubleType, true)
      .add(REASON, DataTypes.StringType, false);

  private Alerts() {}

  /** The CDRs of {@code [end - length, end)}. */
  static Dataset<Row> window(Dataset<Row> cdrs, Instant end, Duration length) {
    return cdrs.filter(col(END_TIME).geq(ts(end.minus(length))).and(col(END_TIME).lt(ts(end))));
  }

  /**
   * IRSF bursts, by the report's {@link FraudRule} per hour: outbound calls of the last hour by destination; flagged
   * when the amount is at least {@code minAmount} and either the destination has no amount in {@code baseline}
   * (columns {@code to_country}, {@link #BASELINE_SUM}) or amount x baselineHours >= baseline_sum x ratio, i.e. at
   * least ratio times its average hour. {@code baselineHours} is 0 when no baseline day is covered: nothing is judged.
   */
  public static Dataset<Row> irsf(Dataset<Row> recent, Dataset<Row> baseline, long baselineHours, Instant end,
      FraudRule rule) {
    Dataset<Row> hour = window(recent, end, AlertRules.IRSF_WINDOW)
        .filter(col(CALL_DIRECTION).equalTo("outbound"))
        .groupBy(col(TO_COUNTRY))
        .agg(count(lit(1)).as(CALLS), coalesce(sum(col(BILL_DURATION)), lit(0L)).as("billed"),
            sum(col(TOTAL_AMOUNT)).as(AMOUNT));
    Dataset<Row> joined = hour.join(baseline.select(col(TO_COUNTRY), col(BASELINE_SUM)), TO_COUNTRY, "left")
        .withColumn(BASELINE_SUM, coalesce(col(BASELINE_SUM), lit(BigDecimal.ZERO)));
    Column amount = col(AMOUNT);
    Column isNew = col(BASELINE_SUM).equalTo(0);
    Column flagged = lit(baselineHours > 0).and(amount.geq(lit(rule.minAmount())))
        .and(isNew.or(amount.multiply(lit(baselineHours)).geq(col(BASELINE_SUM).multiply(lit(rule.ratio())))));
    Column avgHour = ReportColumns.MONEY_RATIO.apply(col(BASELINE_SUM), lit(1L), lit(baselineHours));
    long days = baselineHours / 24;
    Column reason = when(isNew, format_string(
            "USD %s to %s in the hour to %s (%d calls, %d billed s); nothing billed to %s in the %d days before",
            amount.cast(MONEY).cast(DataTypes.StringType), col(TO_COUNTRY), lit(hhmm(end)), col(CALLS), col("billed"),
            col(TO_COUNTRY), lit(days)))
        .otherwise(format_string(
            "USD %s to %s in the hour to %s (%d calls, %d billed s): %.1f times its average hour of USD %s over the %d days before",
            amount.cast(MONEY).cast(DataTypes.StringType), col(TO_COUNTRY), lit(hhmm(end)), col(CALLS), col("billed"),
            amount.cast(DataTypes.DoubleType).divide(avgHour.cast(DataTypes.DoubleType)),
            avgHour.cast(DataTypes.StringType), lit(days)));
    return rows(joined.filter(flagged), AlertRules.IRSF, col(TO_COUNTRY), end, AlertRules.IRSF_WINDOW, col(CALLS),
        amount, avgHour, lit(null).cast(DataTypes.DoubleType), reason);
  }

  /** Trunk-limit failures: calls of the last 5 minutes ended 5180 or 5190, by trunk, at least {@code threshold}. */
  public static Dataset<Row> trunkLimits(Dataset<Row> recent, Instant end, long threshold) {
    Dataset<Row> failed = window(recent, end, AlertRules.LIMIT_WINDOW)
        .filter(col(HANGUP_CAUSE_CODE).isin(5180, 5190))
        .groupBy(coalesce(col(TRUNK_ID), lit(NO_TRUNK)).as(DESTINATION))
        .agg(count(lit(1)).as(CALLS), count(when(col(HANGUP_CAUSE_CODE).equalTo(5180), lit(1))).as("cps"))
        .filter(col(CALLS).geq(threshold));
    Column reason = format_string(
        "%d calls ended on the trunk's limits on trunk %s in the 5 minutes to %s (%d cps_limit_reached 5180, "
            + "%d concurrent_call_limit_exceeded 5190); threshold %d",
        col(CALLS), col(DESTINATION), lit(hhmm(end)), col("cps"), col(CALLS).minus(col("cps")), lit(threshold));
    return rows(failed, AlertRules.TRUNK_LIMIT, col(DESTINATION), end, AlertRules.LIMIT_WINDOW, col(CALLS),
        lit(null), lit(null), lit(null).cast(DataTypes.DoubleType), reason);
  }

  /**
   * NER drops: outbound calls of the last hour by destination, NER as the report's ({@link Kpis}: answered calls
   * plus unanswered ones that ended with a user-side code, over all calls) below {@code below} with at least
   * {@code minCalls} calls.
   */
  public static Dataset<Row> nerDrops(Dataset<Row> recent, Instant end, double below, long minCalls) {
    Column delivered = col(ANSWER_TIME).isNotNull()
        .or(col(HANGUP_CAUSE_CODE).isin(Kpis.USER_FAILURE_CODES.toArray()));
    Dataset<Row> hour = window(recent, end, AlertRules.NER_WINDOW)
        .filter(col(CALL_DIRECTION).equalTo("outbound"))
        .groupBy(col(TO_COUNTRY))
        .agg(count(lit(1)).as(CALLS), count(when(delivered, lit(1))).as("delivered"))
        .withColumn(NER, col("delivered").cast(DataTypes.DoubleType).divide(col(CALLS)))
        .filter(col(CALLS).geq(minCalls).and(col(NER).lt(below)));
    Column reason = format_string(
        "NER %.2f to %s in the hour to %s (%d of %d outbound calls delivered); threshold below %.2f with at least %d calls",
        col(NER), col(TO_COUNTRY), lit(hhmm(end)), col("delivered"), col(CALLS), lit(below), lit(minCalls));
    return rows(hour, AlertRules.NER_DROP, col(TO_COUNTRY), end, AlertRules.NER_WINDOW, col(CALLS), lit(null),
        lit(null), col(NER), reason);
  }

  /** The three kinds at {@code end}, before {@link #notRaisedBefore}. */
  public static Dataset<Row> candidates(Dataset<Row> recent, Dataset<Row> baseline, long baselineHours, Instant end,
      AlertRules rules) {
    return irsf(recent, baseline, baselineHours, end, rules.irsf())
        .unionByName(trunkLimits(recent, end, rules.limitFailures()))
        .unionByName(nerDrops(recent, end, rules.nerBelow(), rules.nerMinCalls()));
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

  private static Dataset<Row> rows(Dataset<Row> flagged, String kind, Column destination, Instant end, Duration length,
      Column calls, Column amount, Column baseline, Column ner, Column reason) {
    Timestamp start = ts(end.minus(length));
    return flagged.select(
        substring(sha2(concat_ws("|", lit(kind), destination, lit(String.valueOf(start.toInstant().getEpochSecond()))),
            256), 1, 16).as(ALERT_ID),
        lit(kind).as(KIND), destination.as(DESTINATION), lit(start).as(WINDOW_START), lit(ts(end)).as(WINDOW_END),
        calls.cast(DataTypes.LongType).as(CALLS), amount.cast(MONEY).as(AMOUNT), baseline.cast(MONEY).as(BASELINE_AMOUNT),
        ner.as(NER), reason.as(REASON));
  }

  static Timestamp ts(Instant t) {
    return Timestamp.from(t);
  }

  /** An instant as the reasons write it: '2026-10-28 13:05:00 UTC'. */
  static String hhmm(Instant t) {
    return t.toString().replace('T', ' ').replace("Z", " UTC");
  }
}
