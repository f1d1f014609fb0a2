package io.zentrunk.spark.jobs;

import io.zentrunk.spark.report.Quality;
import picocli.CommandLine.Option;

/**
 * The call-quality options, the same for {@code report} (each carrier against the account) and {@code watch} (a
 * carrier's last hour against its UTC day before): one rule, {@link Quality.Rule}, checked before any request.
 */
final class QualityOptions {

  @Option(names = "--quality",
      description = "call quality from Plivo's Call Insights, one request per call from the same budget (default: off). "
          + "report: reads every call of the window and writes quality, quality_carriers and quality_hours, a page "
          + "section and a line per carrier whose median score is more than --quality-threshold below the account's. "
          + "watch: reads each batch's answered calls and raises quality_drop when a terminating carrier's median "
          + "score over the last hour is that far below its median of the UTC day before (at least 20 scored calls "
          + "in each)")
  boolean on;

  @Option(names = "--quality-sample", paramLabel = "FRACTION",
      description = "with --quality: the Insights of this share of the calls only, the same calls on every run (by "
          + "call_uuid; 0 < F <= 1; default: every call)")
  String sample;

  @Option(names = "--quality-threshold", paramLabel = "POINTS",
      description = "with --quality: how many points of median score below the account's (report) or below the "
          + "carrier's day before (watch) flag a carrier (default: " + Quality.Rule.DEFAULT_THRESHOLD + ")")
  String threshold;

  /** The rule of the options, or null without --quality; the other two only with it. */
  Quality.Rule rule() {
    if (!on) {
      if (sample != null || threshold != null) {
        throw new UsageException((sample != null ? "--quality-sample" : "--quality-threshold") + " needs --quality");
      }
      return null;
    }
    if (sample != null) {
      fraction(sample, "--quality-sample");
    }
    if (threshold == null) {
      return Quality.Rule.defaults();
    }
    try {
      return new Quality.Rule(number(threshold, "--quality-threshold"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage() + " ('" + threshold + "')");
    }
  }

  /** A share of calls, 0 < F <= 1, for the options that sample calls by call_uuid. */
  static double fraction(String value, String option) {
    double f;
    try {
      f = Double.parseDouble(value.trim());
    } catch (NumberFormatException notANumber) {
      f = Double.NaN;
    }
    if (!(f > 0 && f <= 1)) {
      throw new UsageException(option + " must be a fraction with 0 < F <= 1, not '" + value + "'");
    }
    return f;
  }

  private static double number(String value, String option) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a number, not '" + value + "'");
    }
  }
}
