package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.*;
import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.unix_seconds;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** The report's console summary, rendered from the (small) report datasets: the only text rendering of the reports. */
public final class ReportSummary {

  /**
   * A short human summary over the whole window of the three reports: the top hangup causes, ASR by
   * destination country and the attestation mix. Collects only small aggregates to the driver.
   */
  public static String calls(Dataset<Row> hangupCauses, Dataset<Row> countries, Dataset<Row> attestation) {
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

  /** Destinations with fewer calls on a day are left out of the summary's worst-NER list (too few to judge). */
  public static final int SUMMARY_MIN_CALLS = 20;

  /**
   * The operations part of the summary: per day (the last 7 of the window), the three destinations with the
   * lowest NER among those with at least {@link #SUMMARY_MIN_CALLS} calls; the hour with the highest concurrency
   * and the one with the highest CPS, with the 5180/5190 failures of the window; every fraud signal (up to 20).
   * Collects only small aggregates.
   */
  public static String operations(Dataset<Row> kpis, Dataset<Row> capacity, Dataset<Row> fraudSignals) {
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

  private ReportSummary() {}
}
