package io.zentrunk.spark.report;

import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_seconds;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The three CDR reports as pure DataFrame functions (no I/O): each groups by {@code end_date}, the UTC date of
 * {@code end_time}. Money stays decimal end to end; seconds and counts are bigint.
 */
public final class Reports {

  public static final String CALLS = "calls";
  public static final String ANSWERED_CALLS = "answered_calls";
  public static final String CALL_SECONDS = "call_seconds";
  public static final String BILLED_SECONDS = "billed_seconds";
  public static final String AMOUNT = "amount";
  public static final String ASR = "asr";
  public static final String ACD_SECONDS = "acd_seconds";
  public static final String SHARE = "share";
  public static final String NER = "ner";
  public static final String SHORT_CALLS = "short_calls";
  public static final String SHORT_CALL_RATIO = "short_call_ratio";
  public static final String BILLING_OVERHEAD_SECONDS = "billing_overhead_seconds";
  public static final String COST_PER_BILLED_MINUTE = "cost_per_billed_minute";
  public static final String HOUR_START = "hour_start";
  public static final String CALLS_STARTED = "calls_started";
  public static final String PEAK_CONCURRENT_CALLS = "peak_concurrent_calls";
  public static final String PEAK_CALLS_PER_SECOND = "peak_calls_per_second";
  public static final String LIMIT_FAILURES = "limit_failures";
  public static final String KIND = "kind";
  public static final String IRSF = "irsf";
  public static final String BASELINE_AMOUNT = "baseline_amount";
  public static final String SCORE = "score";
  public static final String REASON = "reason";
  private static final String HOUR_SEC = "hour_sec";

  private Reports() {}

  /** Calls, seconds and money by day, direction, hangup source and hangup cause. */
  public static Dataset<Row> hangupCauses(Dataset<Row> cdrs) {
    return withEndDate(cdrs)
        .groupBy(col(END_DATE), col(CALL_DIRECTION), col(HANGUP_SOURCE), col(HANGUP_CAUSE_CODE), col(HANGUP_CAUSE_NAME))
        .agg(calls(), callSeconds(), billedSeconds(), amount());
  }

  /**
   * Calls by day, direction and country pair, with ASR (answered / all calls) and ACD (talked seconds per
   * answered call, NULL when no call was answered).
   */
  public static Dataset<Row> countries(Dataset<Row> cdrs) {
    Column answered = col(ANSWERED_CALLS);
    return withEndDate(cdrs)
        .groupBy(col(END_DATE), col(CALL_DIRECTION), col(FROM_COUNTRY), col(TO_COUNTRY))
        .agg(calls(), count(col(ANSWER_TIME)).as(ANSWERED_CALLS), callSeconds(), billedSeconds(), amount())
        .withColumn(ASR, answered.cast(DataTypes.DoubleType).divide(col(CALLS)))
        .withColumn(
            ACD_SECONDS,
            when(answered.gt(0), col(CALL_SECONDS).cast(DataTypes.DoubleType).divide(answered)))
        .select(
            col(END_DATE), col(CALL_DIRECTION), col(FROM_COUNTRY), col(TO_COUNTRY), col(CALLS), answered,
            col(CALL_SECONDS), col(BILLED_SECONDS), col(AMOUNT), col(ASR), col(ACD_SECONDS));
  }

  /**
   * The STIR/SHAKEN mix: calls by day, direction, verification and attestation (NULL where none), and their
   * share of all calls of that day and direction.
   */
  public static Dataset<Row> attestation(Dataset<Row> cdrs) {
    return withEndDate(cdrs)
        .groupBy(col(END_DATE), col(CALL_DIRECTION), col(STIR_VERIFICATION), col(ATTESTATION_INDICATOR))
        .agg(calls())
        .withColumn(
            SHARE,
            col(CALLS).cast(DataTypes.DoubleType)
                .divide(sum(col(CALLS)).over(Window.partitionBy(col(END_DATE), col(CALL_DIRECTION)))));
  }

  /**
   * A short human summary over the whole window of the three reports: the top hangup causes, ASR by
   * destination country and the attestation mix. Collects only small aggregates to the driver.
   */
  public static String summary(Dataset<Row> hangupCauses, Dataset<Row> countries, Dataset<Row> attestation) {
    StringBuilder out = new StringBuilder();
    List<Row> causes = hangupCauses
        .groupBy(col(HANGUP_CAUSE_CODE), col(HANGUP_CAUSE_NAME))
        .agg(sum(col(CALLS)).as(CALLS))
        .orderBy(col(CALLS).desc(), col(HANGUP_CAUSE_CODE).asc())
        .limit(5)
        .collectAsList();
    long total = causes.isEmpty() ? 0 : hangupCauses.agg(sum(col(CALLS))).first().getLong(0);
    out.append("Calls: ").append(total).append('\n');
    out.append("Top hangup causes:\n");
    for (Row r : causes) {
      long n = r.getLong(2);
      out.append(String.format(Locale.ROOT, "  %s %s: %d (%s)%n",
          r.isNullAt(0) ? "?" : r.get(0), r.isNullAt(1) ? "?" : r.getString(1), n, pct(n, total)));
    }
    List<Row> asr = countries
        .groupBy(col(TO_COUNTRY))
        .agg(sum(col(CALLS)).as(CALLS), sum(col(ANSWERED_CALLS)).as(ANSWERED_CALLS), sum(col(AMOUNT)).as(AMOUNT))
        .orderBy(col(CALLS).desc(), col(TO_COUNTRY).asc_nulls_last())
        .limit(10)
        .collectAsList();
    out.append("ASR by destination country:\n");
    for (Row r : asr) {
      long calls = r.getLong(1);
      long answered = r.getLong(2);
      BigDecimal amount = r.isNullAt(3) ? BigDecimal.ZERO : r.getDecimal(3);
      out.append(String.format(Locale.ROOT, "  %s: %d calls, ASR %s, USD %s%n",
          r.isNullAt(0) ? "??" : r.getString(0), calls, pct(answered, calls), amount.toPlainString()));
    }
    List<Row> mix = attestation
        .groupBy(col(STIR_VERIFICATION), col(ATTESTATION_INDICATOR))
        .agg(sum(col(CALLS)).as(CALLS))
        .orderBy(col(CALLS).desc(), col(STIR_VERIFICATION).asc_nulls_last(), col(ATTESTATION_INDICATOR).asc_nulls_last())
        .collectAsList();
    out.append("Attestation mix:\n");
    for (Row r : mix) {
      long n = r.getLong(2);
      out.append(String.format(Locale.ROOT, "  %s/%s: %d (%s)%n",
          r.isNullAt(0) ? "none" : r.getString(0), r.isNullAt(1) ? "-" : r.getString(1), n, pct(n, total)));
    }
    return out.toString();
  }

  // ---- kpis -------------------------------------------------------------------------------------------------

  /**
   * Hangup codes of unanswered calls that the network delivered to the user (ITU-T E.425 network effectiveness):
   * 4410 user_busy, 4550 user_cancelled, 6000 busy_everywhere, 6030 alloted_timeout.
   */
  public static final List<Integer> USER_FAILURE_CODES = List.of(4410, 4550, 6000, 6030);

  /** Zentrunk's trunk limits: 5180 cps_limit_reached, 5190 concurrent_call_limit_exceeded. */
  public static final List<Integer> LIMIT_CODES = List.of(5180, 5190);

  /** Answered calls shorter than this many talked seconds are short calls. */
  public static final int SHORT_CALL_SECONDS = 6;

  /**
   * The operations KPIs by day, direction and destination country: calls, answered calls, ASR, NER (answered
   * plus unanswered calls that ended with a user-side code of {@link #USER_FAILURE_CODES}, over all calls), short
   * calls (answered, {@code call_duration} < 6 s) and their share of answered calls (NULL when none was answered),
   * talked and billed seconds and what billing increments add, the amount and the cost per billed minute
   * (amount x 60 / billed_seconds, HALF_UP to 5 places, NULL when nothing was billed).
   */
  public static Dataset<Row> kpis(Dataset<Row> cdrs) {
    Column answered = col(ANSWER_TIME).isNotNull();
    Column userFailure = col(ANSWER_TIME).isNull().and(col(HANGUP_CAUSE_CODE).isin(USER_FAILURE_CODES.toArray()));
    return withEndDate(cdrs)
        .groupBy(col(END_DATE), col(CALL_DIRECTION), col(TO_COUNTRY))
        .agg(calls(), count(col(ANSWER_TIME)).as(ANSWERED_CALLS),
            count(when(userFailure, lit(1))).as("user_failures"),
            count(when(answered.and(col(CALL_DURATION).lt(SHORT_CALL_SECONDS)), lit(1))).as(SHORT_CALLS),
            callSeconds(), billedSeconds(), amount())
        .select(
            col(END_DATE), col(CALL_DIRECTION), col(TO_COUNTRY), col(CALLS), col(ANSWERED_CALLS),
            col(ANSWERED_CALLS).cast(DataTypes.DoubleType).divide(col(CALLS)).as(ASR),
            col(ANSWERED_CALLS).plus(col("user_failures")).cast(DataTypes.DoubleType).divide(col(CALLS)).as(NER),
            col(SHORT_CALLS),
            when(col(ANSWERED_CALLS).gt(0), col(SHORT_CALLS).cast(DataTypes.DoubleType).divide(col(ANSWERED_CALLS)))
                .as(SHORT_CALL_RATIO),
            col(CALL_SECONDS), col(BILLED_SECONDS),
            col(BILLED_SECONDS).minus(col(CALL_SECONDS)).as(BILLING_OVERHEAD_SECONDS),
            col(AMOUNT),
            MONEY_RATIO.apply(col(AMOUNT), lit(60L), col(BILLED_SECONDS)).as(COST_PER_BILLED_MINUTE));
  }

  /**
   * {@code a x mul / div} rounded HALF_UP to 5 places, in BigDecimal: Spark's decimal division would first round
   * to its own result scale and then again to 5 places (double rounding). NULL when {@code a} is NULL or
   * {@code div} is 0.
   */
  static final UserDefinedFunction MONEY_RATIO = udf(
      (UDF3<BigDecimal, Long, Long, BigDecimal>) (a, mul, div) ->
          a == null || div == null || div == 0 ? null
              : a.multiply(BigDecimal.valueOf(mul)).divide(BigDecimal.valueOf(div), 5, RoundingMode.HALF_UP),
      DataTypes.createDecimalType(18, 5));

  // ---- capacity ---------------------------------------------------------------------------------------------

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
  public static Dataset<Row> capacity(Dataset<Row> cdrs, Instant start, Instant end) {
    long firstHour = Math.floorDiv(start.getEpochSecond(), 3600) * 3600;
    long endSec = end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0);
    Dataset<Row> hours = cdrs.sparkSession().range(firstHour, endSec, 3600).toDF(HOUR_SEC);
    Dataset<Row> timed = cdrs
        .filter(col(INITIATION_TIME).isNotNull().and(col(END_TIME).isNotNull()))
        .select(unix_seconds(col(INITIATION_TIME)).as("init_sec"), unix_seconds(col(END_TIME)).as("end_sec"),
            col(HANGUP_CAUSE_CODE));
    // per second of the hours with starts: calls started and limit failures
    Dataset<Row> starts = timed
        .groupBy(hourOf(col("init_sec")).as(HOUR_SEC), col("init_sec"))
        .agg(count(lit(1)).as("n"), count(when(col(HANGUP_CAUSE_CODE).isin(LIMIT_CODES.toArray()), lit(1))).as("f"))
        .groupBy(col(HOUR_SEC))
        .agg(sum(col("n")).as(CALLS_STARTED), max(col("n")).as(PEAK_CALLS_PER_SECOND), sum(col("f")).as(LIMIT_FAILURES));
    // the sweep: net events per second, plus a zero event at every hour start so that the level at the first
    // instant of each hour is seen (a call ending exactly at the hour start no longer counts there)
    Dataset<Row> events = timed.select(col("init_sec").as("sec"), lit(1L).as("d"))
        .union(timed.select(col("end_sec").as("sec"), lit(-1L).as("d")))
        .union(hours.select(col(HOUR_SEC).as("sec"), lit(0L).as("d")));
    Dataset<Row> perSecond = events
        .groupBy(hourOf(col("sec")).as(HOUR_SEC), col("sec"))
        .agg(sum(col("d")).as("d"));
    // the level carried into each hour: the net events of all earlier hours, from the per-hour table (one row an
    // hour, 2,160 for 90 days) joined with itself; small enough to broadcast
    Dataset<Row> hourly = perSecond.groupBy(col(HOUR_SEC)).agg(sum(col("d")).as("hd"));
    Dataset<Row> earlier = hourly.select(col(HOUR_SEC).as("earlier_sec"), col("hd"));
    Dataset<Row> carried = hourly.select(col(HOUR_SEC))
        .join(broadcast(earlier), col("earlier_sec").lt(col(HOUR_SEC)), "left")
        .groupBy(col(HOUR_SEC))
        .agg(coalesce(sum(col("hd")), lit(0L)).as("carry"));
    Dataset<Row> peaks = perSecond
        .withColumn("level", sum(col("d")).over(Window.partitionBy(col(HOUR_SEC)).orderBy(col("sec"))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .groupBy(col(HOUR_SEC))
        .agg(max(col("level")).as("peak_in_hour"))
        .join(carried, HOUR_SEC)
        .select(col(HOUR_SEC), col("carry").plus(col("peak_in_hour")).as(PEAK_CONCURRENT_CALLS));
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

  private static Column hourOf(Column epochSeconds) {
    return floor(epochSeconds.divide(3600)).multiply(3600).cast(DataTypes.LongType);
  }

  // ---- fraud signals ----------------------------------------------------------------------------------------

  /**
   * The IRSF rule's thresholds. A destination (outbound {@code to_country}) is flagged on a day when its
   * amount that day is at least {@code minAmount} and either it was not called in the baseline days (a new
   * destination) or its amount is at least {@code ratio} times its baseline: its average daily amount over the
   * up to {@code baselineDays} days before, counting only days the data covers (days from {@code coveredFrom}).
   * A day with no covered day before it is not judged.
   */
  public record FraudRule(BigDecimal minAmount, BigDecimal ratio, int baselineDays) implements java.io.Serializable {
    public static final BigDecimal DEFAULT_MIN_AMOUNT = new BigDecimal("25.00");
    public static final BigDecimal DEFAULT_RATIO = new BigDecimal("5");
    public static final int DEFAULT_BASELINE_DAYS = 7;

    public static FraudRule defaults() {
      return new FraudRule(DEFAULT_MIN_AMOUNT, DEFAULT_RATIO, DEFAULT_BASELINE_DAYS);
    }
  }

  /**
   * Fraud signals of the days {@code firstDay} onwards: one row per flagged {@code end_date} and destination, by
   * {@link FraudRule}. {@code cdrs} holds the window's calls and the baseline days' calls (only outbound calls
   * are looked at); {@code coveredFrom} is the first day the data covers completely. {@code score} is
   * amount / max(baseline_amount, minAmount); {@code baseline_amount} is HALF_UP to 5 places.
   */
  public static Dataset<Row> fraudSignals(Dataset<Row> cdrs, LocalDate firstDay, LocalDate coveredFrom, FraudRule rule) {
    int first = (int) firstDay.toEpochDay();
    int covered = (int) coveredFrom.toEpochDay();
    Column day = expr("unix_date(" + END_DATE + ")");
    Dataset<Row> daily = withEndDate(cdrs.filter(col(CALL_DIRECTION).equalTo("outbound")))
        .groupBy(col(END_DATE), col(TO_COUNTRY))
        .agg(calls(), billedSeconds(), amount())
        .withColumn("day", day);
    // sum of the destination's amounts over the baseline days before (a range window over day numbers)
    Dataset<Row> judged = daily
        .withColumn("baseline_sum", coalesce(
            sum(col(AMOUNT)).over(Window.partitionBy(col(TO_COUNTRY)).orderBy(col("day"))
                .rangeBetween(-rule.baselineDays(), -1)),
            lit(BigDecimal.ZERO)))
        .withColumn("baseline_n", least(lit(rule.baselineDays()), col("day").minus(lit(covered))).cast(DataTypes.LongType))
        .filter(col("day").geq(first).and(col("baseline_n").gt(0)));
    Column amount = col(AMOUNT);
    Column isNew = col("baseline_sum").equalTo(0);
    Column flagged = amount.geq(lit(rule.minAmount()))
        .and(isNew.or(amount.multiply(col("baseline_n")).geq(col("baseline_sum").multiply(lit(rule.ratio())))));
    Column baseline = MONEY_RATIO.apply(col("baseline_sum"), lit(1L), col("baseline_n"));
    return judged
        .filter(flagged)
        .withColumn(BASELINE_AMOUNT, baseline)
        .withColumn(SCORE, amount.cast(DataTypes.DoubleType)
            .divide(greatest(col(BASELINE_AMOUNT), lit(rule.minAmount())).cast(DataTypes.DoubleType)))
        .withColumn(REASON, when(isNew, format_string(
                "USD %s to %s in %d calls (%d billed s); nothing billed to %s in the %d days before",
                amount.cast(DataTypes.StringType), col(TO_COUNTRY), col(CALLS), col(BILLED_SECONDS), col(TO_COUNTRY),
                col("baseline_n")))
            .otherwise(format_string(
                "USD %s to %s in %d calls (%d billed s): %.1f times its daily average of USD %s over the %d days before",
                amount.cast(DataTypes.StringType), col(TO_COUNTRY), col(CALLS), col(BILLED_SECONDS),
                amount.cast(DataTypes.DoubleType).divide(col(BASELINE_AMOUNT).cast(DataTypes.DoubleType)),
                col(BASELINE_AMOUNT).cast(DataTypes.StringType), col("baseline_n"))))
        .select(col(END_DATE), col(TO_COUNTRY), lit(IRSF).as(KIND), col(CALLS), col(BILLED_SECONDS), amount,
            col(BASELINE_AMOUNT), col(SCORE), col(REASON));
  }

  /** Destinations with fewer calls on a day are left out of the summary's worst-NER list (too few to judge). */
  public static final int SUMMARY_MIN_CALLS = 20;

  /**
   * The operations part of the summary: per day (the last 7 of the window), the three destinations with the
   * lowest NER among those with at least {@link #SUMMARY_MIN_CALLS} calls; the hour with the highest concurrency
   * and the one with the highest CPS, with the 5180/5190 failures of the window; every fraud signal (up to 20).
   * Collects only small aggregates.
   */
  public static String operationsSummary(Dataset<Row> kpis, Dataset<Row> capacity, Dataset<Row> fraudSignals) {
    StringBuilder out = new StringBuilder();
    Object lastDay = kpis.agg(max(col(END_DATE))).first().get(0);
    List<Row> worst = lastDay == null ? List.of() : kpis
        .filter(col(CALLS).geq(SUMMARY_MIN_CALLS))
        .withColumn("rank", row_number().over(Window.partitionBy(col(END_DATE))
            .orderBy(col(NER).asc(), col(CALLS).desc(), col(CALL_DIRECTION).asc(), col(TO_COUNTRY).asc_nulls_last())))
        .filter(col("rank").leq(3))
        .filter(col(END_DATE).gt(date_sub(lit(lastDay), 7)))
        .orderBy(col(END_DATE).asc(), col("rank").asc())
        .select(col(END_DATE), col(CALL_DIRECTION), col(TO_COUNTRY), col(CALLS), col(NER), col(ASR))
        .collectAsList();
    out.append("Worst NER destinations (at least ").append(SUMMARY_MIN_CALLS).append(" calls):\n");
    if (worst.isEmpty()) {
      out.append("  none\n");
    }
    for (Row r : worst) {
      out.append(String.format(Locale.ROOT, "  %s %s to %s: NER %.1f%%, ASR %.1f%% of %d calls%n", r.get(0), r.getString(1),
          r.isNullAt(2) ? "??" : r.getString(2), 100 * r.getDouble(4), 100 * r.getDouble(5), r.getLong(3)));
    }
    // hours as epoch seconds: the printed hour never depends on the JVM's or the session's time zone
    Dataset<Row> hours = capacity.select(unix_seconds(col(HOUR_START)).as(HOUR_SEC), col(PEAK_CONCURRENT_CALLS),
        col(PEAK_CALLS_PER_SECOND), col(LIMIT_FAILURES));
    List<Row> conc = hours.orderBy(col(PEAK_CONCURRENT_CALLS).desc(), col(HOUR_SEC).asc()).limit(1).collectAsList();
    List<Row> cps = hours.orderBy(col(PEAK_CALLS_PER_SECOND).desc(), col(HOUR_SEC).asc()).limit(1).collectAsList();
    if (!conc.isEmpty()) {
      long failures = hours.agg(sum(col(LIMIT_FAILURES))).first().getLong(0);
      out.append(String.format(Locale.ROOT, "Peak concurrent calls: %d (hour of %s)%n", conc.get(0).getLong(1),
          Instant.ofEpochSecond(conc.get(0).getLong(0))));
      out.append(String.format(Locale.ROOT, "Peak calls per second: %d (hour of %s)%n", cps.get(0).getLong(2),
          Instant.ofEpochSecond(cps.get(0).getLong(0))));
      out.append(String.format(Locale.ROOT, "Trunk limit failures (5180 cps, 5190 channels): %d%n", failures));
    }
    List<Row> signals = fraudSignals.orderBy(col(SCORE).desc(), col(END_DATE).asc(), col(TO_COUNTRY).asc()).limit(20)
        .select(col(END_DATE), col(TO_COUNTRY), col(KIND), col(REASON)).collectAsList();
    long flagged = signals.size() < 20 ? signals.size() : fraudSignals.count();
    out.append("Fraud signals: ").append(flagged).append('\n');
    for (Row r : signals) {
      out.append(String.format(Locale.ROOT, "  %s %s %s: %s%n", r.get(0), r.getString(1), r.getString(2), r.getString(3)));
    }
    return out.toString();
  }

  static String pct(long part, long whole) {
    return whole == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }

  static Dataset<Row> withEndDate(Dataset<Row> cdrs) {
    return cdrs.withColumn(END_DATE, endDate());
  }

  private static Column calls() {
    return count(lit(1)).as(CALLS);
  }

  private static Column callSeconds() {
    return coalesce(sum(col(CALL_DURATION)), lit(0L)).as(CALL_SECONDS);
  }

  private static Column billedSeconds() {
    return coalesce(sum(col(BILL_DURATION)), lit(0L)).as(BILLED_SECONDS);
  }

  /** sum(decimal(18,5)) is decimal(28,5): exact, never double. */
  private static Column amount() {
    return sum(col(TOTAL_AMOUNT)).as(AMOUNT);
  }
}
