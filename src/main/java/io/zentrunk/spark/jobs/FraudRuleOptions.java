package io.zentrunk.spark.jobs;

import io.zentrunk.spark.report.FraudRule;
import java.math.BigDecimal;
import picocli.CommandLine.Option;

/** The fraud rule's options, the same for {@code report} (per day) and {@code watch} (per hour). */
final class FraudRuleOptions {

  @Option(names = "--fraud-min-amount", paramLabel = "USD", defaultValue = "25.00",
      description = "fraud signals: least amount of a destination's day (report) or hour (watch) that can be flagged (default: ${DEFAULT-VALUE})")
  String fraudMinAmount;

  @Option(names = "--fraud-ratio", paramLabel = "X", defaultValue = "5",
      description = "fraud signals: flag a day (report) or hour (watch) that costs at least X times the destination's baseline (default: ${DEFAULT-VALUE})")
  String fraudRatio;

  @Option(names = "--fraud-baseline-days", paramLabel = "N", defaultValue = "7",
      description = "fraud signals: the baseline is the average day (report) or hour (watch) of the N days before; read in addition (default: ${DEFAULT-VALUE})")
  int fraudBaselineDays;

  @Option(names = "--fraud-min-baseline-days", paramLabel = "N", defaultValue = "" + FraudRule.DEFAULT_MIN_BASELINE_DAYS,
      description = "fraud signals: judge a day only when the source holds at least N of its baseline days (days before a "
          + "lake's first day or past the API's 90 days are not held, not zero; the baseline averages the days held; "
          + "default: ${DEFAULT-VALUE}, at most --fraud-baseline-days)")
  int fraudMinBaselineDays;

  /** The fraud rule of the options, validated. */
  FraudRule rule() {
    BigDecimal min = decimal(fraudMinAmount, "--fraud-min-amount");
    if (min.signum() < 0 || min.scale() > 5) {
      throw new UsageException("--fraud-min-amount must be >= 0 USD with at most 5 decimals, not '" + fraudMinAmount + "'");
    }
    BigDecimal ratio = decimal(fraudRatio, "--fraud-ratio");
    if (ratio.compareTo(BigDecimal.ONE) < 0) {
      throw new UsageException("--fraud-ratio must be at least 1, not '" + fraudRatio + "'");
    }
    if (fraudBaselineDays < 1 || fraudBaselineDays > 60) {
      throw new UsageException("--fraud-baseline-days must be in [1,60], not " + fraudBaselineDays);
    }
    if (fraudMinBaselineDays < 1 || fraudMinBaselineDays > fraudBaselineDays) {
      throw new UsageException("--fraud-min-baseline-days must be from 1 to --fraud-baseline-days (" + fraudBaselineDays
          + "), not " + fraudMinBaselineDays);
    }
    return new FraudRule(min, ratio, fraudBaselineDays, fraudMinBaselineDays);
  }

  private static BigDecimal decimal(String value, String option) {
    try {
      return new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a decimal number, not '" + value + "'");
    }
  }
}
