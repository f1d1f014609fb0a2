package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.*;
import static io.zentrunk.spark.source.CdrColumns.*;
import static io.zentrunk.spark.report.LocalRows.keys;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** The report's console summary, rendered from the (small) report datasets: the only text rendering of the reports. */
public final class ReportSummary {

  /**
   * A short human summary over the whole window of the three reports: the top hangup causes, ASR by
   * destination country and the attestation mix. Collects the three (small) datasets to the driver.
   */
  public static String calls(Dataset<Row> hangupCauses, Dataset<Row> countries, Dataset<Row> attestation) {
    return calls(hangupCauses.collectAsList(), countries.collectAsList(), attestation.collectAsList());
  }

  /** As {@link #calls(Dataset, Dataset, Dataset)}, from the datasets' rows. */
  static String calls(List<Row> hangupCauses, List<Row> countries, List<Row> attestation) {
    StringBuilder out = new StringBuilder();
    List<Row> causes = LocalRows.sorted(
        LocalRows.aggregate(hangupCauses, keys(HANGUP_CAUSE_CODE, HANGUP_CAUSE_NAME), LocalRows.sumLong(CALLS)),
        LocalRows.desc(2).thenComparing(LocalRows.asc(0)), 5);
    long total = causes.isEmpty() ? 0 : LocalRows.total(hangupCauses, CALLS);
    out.append("Calls: ").append(total).append('\n');
    out.append("Top hangup causes:\n");
    for (Row r : causes) {
      long n = r.getLong(2);
      out.append(String.format(Locale.ROOT, "  %s %s: %d (%s)%n",
          r.isNullAt(0) ? "?" : r.get(0), r.isNullAt(1) ? "?" : r.getString(1), n, pct(n, total)));
    }
    List<Row> asr = LocalRows.sorted(
        LocalRows.aggregate(countries, keys(TO_COUNTRY), LocalRows.sumLong(CALLS), LocalRows.sumLong(ANSWERED_CALLS),
            LocalRows.sumDecimal(AMOUNT)),
        LocalRows.desc(1).thenComparing(LocalRows.ascNullsLast(0)), 10);
    out.append("ASR by destination country:\n");
    for (Row r : asr) {
      long calls = r.getLong(1);
      long answered = r.getLong(2);
      BigDecimal amount = r.isNullAt(3) ? BigDecimal.ZERO : r.getDecimal(3);
      out.append(String.format(Locale.ROOT, "  %s: %d calls, ASR %s, USD %s%n",
          r.isNullAt(0) ? "??" : r.getString(0), calls, pct(answered, calls), amount.toPlainString()));
    }
    List<Row> mix = LocalRows.sorted(
        LocalRows.aggregate(attestation, keys(STIR_VERIFICATION, ATTESTATION_INDICATOR), LocalRows.sumLong(CALLS)),
        LocalRows.desc(2).thenComparing(LocalRows.ascNullsLast(0)).thenComparing(LocalRows.ascNullsLast(1)), -1);
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
   * Collects the three (small) datasets to the driver.
   */
  public static String operations(Dataset<Row> kpis, Dataset<Row> capacity, Dataset<Row> fraudSignals) {
    return operations(kpis.collectAsList(), capacity.collectAsList(), fraudSignals.collectAsList());
  }

  /** As {@link #operations(Dataset, Dataset, Dataset)}, from the datasets' rows. */
  static String operations(List<Row> kpis, List<Row> capacity, List<Row> fraudSignals) {
    StringBuilder out = new StringBuilder();
    LocalDate lastDay = kpis.stream().filter(r -> !r.isNullAt(r.fieldIndex(END_DATE)))
        .map(r -> LocalRows.day(r.getAs(END_DATE))).max(LocalDate::compareTo).orElse(null);
    List<Row> worst = new ArrayList<>();
    if (lastDay != null) {
      // per day: rank by NER, calls desc, direction, destination (NULL last); the top 3 of the last 7 days
      Comparator<Row> rank = LocalRows.asc(NER).thenComparing(LocalRows.desc(CALLS)).thenComparing(LocalRows.asc(CALL_DIRECTION))
          .thenComparing(LocalRows.ascNullsLast(TO_COUNTRY));
      List<Row> eligible = kpis.stream().filter(r -> !r.isNullAt(r.fieldIndex(CALLS)) && r.<Long>getAs(CALLS) >= SUMMARY_MIN_CALLS)
          .toList();
      LocalDate from = lastDay.minusDays(7);
      LocalRows.group(eligible, END_DATE).entrySet().stream()
          .filter(g -> g.getKey().get(0) != null && LocalRows.day(g.getKey().get(0)).isAfter(from))
          .sorted(Comparator.comparing(g -> LocalRows.day(g.getKey().get(0))))
          .forEach(g -> worst.addAll(LocalRows.sorted(g.getValue(), rank, 3)));
    }
    out.append("Worst NER destinations (at least ").append(SUMMARY_MIN_CALLS).append(" calls):\n");
    if (worst.isEmpty()) {
      out.append("  none\n");
    }
    for (Row r : worst) {
      int c = r.fieldIndex(TO_COUNTRY);
      out.append(String.format(Locale.ROOT, "  %s %s to %s: NER %.1f%%, ASR %.1f%% of %d calls%n", r.getAs(END_DATE),
          r.<String>getAs(CALL_DIRECTION), r.isNullAt(c) ? "??" : r.getString(c), 100 * r.<Double>getAs(NER),
          100 * r.<Double>getAs(ASR), r.<Long>getAs(CALLS)));
    }
    // hours as epoch seconds: the printed hour never depends on the JVM's or the session's time zone
    List<Row> hours = new ArrayList<>();
    for (Row r : capacity) {
      hours.add(RowFactory.create(LocalRows.epochSeconds(r, HOUR_START), r.getAs(PEAK_CONCURRENT_CALLS),
          r.getAs(PEAK_CALLS_PER_SECOND), r.getAs(LIMIT_FAILURES)));
    }
    List<Row> conc = LocalRows.sorted(hours, LocalRows.desc(1).thenComparing(LocalRows.asc(0)), 1);
    List<Row> cps = LocalRows.sorted(hours, LocalRows.desc(2).thenComparing(LocalRows.asc(0)), 1);
    if (!conc.isEmpty()) {
      long failures = hours.stream().filter(r -> !r.isNullAt(3)).mapToLong(r -> r.getLong(3)).sum();
      out.append(String.format(Locale.ROOT, "Peak concurrent calls: %d (hour of %s)%n", conc.get(0).getLong(1),
          Instant.ofEpochSecond(conc.get(0).getLong(0))));
      out.append(String.format(Locale.ROOT, "Peak calls per second: %d (hour of %s)%n", cps.get(0).getLong(2),
          Instant.ofEpochSecond(cps.get(0).getLong(0))));
      out.append(String.format(Locale.ROOT, "Trunk limit failures (5180 cps, 5190 channels): %d%n", failures));
    }
    List<Row> signals = LocalRows.sorted(fraudSignals,
        LocalRows.desc(SCORE).thenComparing(LocalRows.asc(END_DATE)).thenComparing(LocalRows.asc(TO_COUNTRY)), 20);
    long flagged = signals.size() < 20 ? signals.size() : fraudSignals.size();
    out.append("Fraud signals: ").append(flagged).append('\n');
    for (Row r : signals) {
      out.append(String.format(Locale.ROOT, "  %s %s %s: %s%n", r.getAs(END_DATE), r.<String>getAs(TO_COUNTRY),
          r.<String>getAs(KIND), r.<String>getAs(REASON)));
    }
    return out.toString();
  }

  static String pct(long part, long whole) {
    return whole == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }

  private ReportSummary() {}
}
