package io.zentrunk.spark.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.zentrunk.spark.source.CdrColumns;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The report's DataFrame functions with plain arguments (texts, numbers), for callers that cannot build Java
 * values, such as Python through py4j ({@code zentrunk_spark.report}). Every method only delegates to the class
 * that implements the rule ({@link CallReports}, {@link Kpis}, {@link Capacity}, {@link TrunkHours},
 * {@link TrunkSizing}, {@link ErlangB}, {@link OfferedTraffic}, {@link FraudSignals}, {@link Wangiri}): the result is the DataFrame the
 * report writes for the same CDRs and settings. Times are ISO-8601 instants ({@code 2026-10-01T00:00:00Z}), days
 * ISO dates; a null window means the report's own default for CDRs of an unknown window (the first
 * {@code end_time} to one second after the last, as {@link ReportJob#run(org.apache.spark.sql.SparkSession,
 * Dataset, String, java.io.PrintStream)}).
 */
public final class ReportFunctions {

  private ReportFunctions() {}

  public static Dataset<Row> hangupCauses(Dataset<Row> cdrs) {
    return CallReports.hangupCauses(cdrs);
  }

  public static Dataset<Row> countries(Dataset<Row> cdrs) {
    return CallReports.countries(cdrs);
  }

  public static Dataset<Row> attestation(Dataset<Row> cdrs) {
    return CallReports.attestation(cdrs);
  }

  public static Dataset<Row> kpis(Dataset<Row> cdrs) {
    return Kpis.of(cdrs);
  }

  public static Dataset<Row> capacity(Dataset<Row> cdrs, String start, String end) {
    Instant[] w = window(cdrs, start, end);
    return Capacity.of(cdrs, w[0], w[1]);
  }

  public static Dataset<Row> trunkHours(Dataset<Row> cdrs, String start, String end) {
    Instant[] w = window(cdrs, start, end);
    return TrunkHours.of(cdrs, w[0], w[1]);
  }

  /**
   * The report's {@code trunk_sizing} of {@code cdrs}: {@link TrunkSizing#sizing} of {@link TrunkHours#of}.
   * {@code channels} and {@code cpsLimit} are the report's {@code --channels}/{@code --cps-limit} values
   * ({@code N} or {@code TRUNK=N,...}; null: none).
   *
   * @throws IllegalArgumentException in one line naming the value that is out of range
   */
  public static Dataset<Row> trunkSizing(Dataset<Row> cdrs, String start, String end, double gradeOfService,
      String channels, String cpsLimit) {
    TrunkSizing.Limits limits = new TrunkSizing.Limits(gradeOfService,
        TrunkSizing.Limit.parse(channels, "channels"), TrunkSizing.Limit.parse(cpsLimit, "cps_limit"));
    return TrunkSizing.sizing(trunkHours(cdrs, start, end), limits);
  }

  /** {@link ErlangB#channels}: the fewest channels whose Erlang B blocking is at most {@code gradeOfService}. */
  public static int erlangBChannels(double erlangs, double gradeOfService) {
    return ErlangB.channels(erlangs, gradeOfService);
  }

  /**
   * {@link OfferedTraffic#erlangs}: carried Erlangs plus refused attempts (5180, 5190) times the mean holding time
   * in seconds (null: none known); null when refusals cannot be timed.
   */
  public static Double offeredErlangs(double carriedErlangs, long refusals, Double meanHoldingSeconds) {
    return OfferedTraffic.erlangs(carriedErlangs, refusals, meanHoldingSeconds);
  }

  /** The report's {@code quality}: {@link Quality#of} of the {@code call_insights} rows and the calls' CDRs. */
  public static Dataset<Row> quality(Dataset<Row> insights, Dataset<Row> cdrs) {
    return Quality.of(insights, cdrs);
  }

  /** The report's {@code quality_carriers}: {@link Quality#carriers}, flagged {@code threshold} points below the median. */
  public static Dataset<Row> qualityCarriers(Dataset<Row> insights, double threshold) {
    return Quality.carriers(insights, new Quality.Rule(threshold));
  }

  /** The report's {@code quality_hours}: {@link Quality#hours}. */
  public static Dataset<Row> qualityHours(Dataset<Row> insights) {
    return Quality.hours(insights);
  }

  /** {@link ErlangB#blocking}. */
  public static double erlangBBlocking(double erlangs, long channels) {
    return ErlangB.blocking(erlangs, channels);
  }

  /**
   * {@link FraudSignals#of} with {@link FraudRule#defaults()}: the IRSF signals of the days from {@code firstDay}
   * (ISO date), {@code cdrs} covering completely the days from {@code coveredFrom}.
   */
  public static Dataset<Row> fraudSignals(Dataset<Row> cdrs, String firstDay, String coveredFrom) {
    return FraudSignals.of(cdrs, LocalDate.parse(firstDay), LocalDate.parse(coveredFrom), FraudRule.defaults());
  }

  /** {@link Wangiri#signals} with {@link Wangiri.Rule#defaults()}. */
  public static Dataset<Row> wangiriSignals(Dataset<Row> cdrs) {
    return Wangiri.signals(cdrs, Wangiri.Rule.defaults());
  }

  /** {@link Wangiri#signals} with the rule's values given. */
  public static Dataset<Row> wangiriSignals(Dataset<Row> cdrs, int oneRingSeconds, int callbackHours,
      int blockDigits, long minNumbers, long minCallbacks) {
    return Wangiri.signals(cdrs, new Wangiri.Rule(oneRingSeconds, callbackHours, blockDigits, minNumbers,
        minCallbacks));
  }

  /** The window {@code [start, end)}; either null: from the data, as the report does for CDRs of no known window. */
  private static Instant[] window(Dataset<Row> cdrs, String start, String end) {
    if (start != null && end != null) {
      return new Instant[] {Instant.parse(start), Instant.parse(end)};
    }
    Row r = cdrs.agg(min(col(CdrColumns.END_TIME)), max(col(CdrColumns.END_TIME))).first();
    Instant first = r.isNullAt(0) ? Instant.EPOCH : instant(r.get(0));
    Instant last = r.isNullAt(1) ? Instant.EPOCH.plusSeconds(1) : instant(r.get(1)).plusSeconds(1);
    return new Instant[] {start != null ? Instant.parse(start) : first, end != null ? Instant.parse(end) : last};
  }

  /** A collected timestamp: an Instant with spark.sql.datetime.java8API.enabled (the jobs), a Timestamp without. */
  private static Instant instant(Object value) {
    return value instanceof java.sql.Timestamp t ? t.toInstant() : (Instant) value;
  }
}
