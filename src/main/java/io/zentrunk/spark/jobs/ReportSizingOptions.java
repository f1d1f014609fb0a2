package io.zentrunk.spark.jobs;

import io.zentrunk.spark.report.TrunkSizing;
import io.zentrunk.spark.report.Wangiri;
import picocli.CommandLine.Option;

/** The report's options of trunk sizing and Wangiri signals (a picocli mixin of {@link ReportCommand}). */
final class ReportSizingOptions {

  @Option(names = "--grade-of-service", paramLabel = "P", defaultValue = "0.01",
      description = "trunk sizing: the Erlang B blocking allowed at the busy hour, in (0,1) (default: ${DEFAULT-VALUE})")
  String gradeOfService;

  @Option(names = "--channels", paramLabel = "N|TRUNK=N,...",
      description = "trunk sizing: the trunks' channel (concurrent call) limits, one for all or per trunk_id")
  String channels;

  @Option(names = "--cps-limit", paramLabel = "N|TRUNK=N,...",
      description = "trunk sizing: the trunks' calls-per-second limits, one for all or per trunk_id")
  String cpsLimit;

  @Option(names = "--one-ring-seconds", paramLabel = "S", defaultValue = "" + Wangiri.Rule.DEFAULT_ONE_RING_SECONDS,
      description = "Wangiri: an unanswered inbound call that ended within S s of its initiation is one ring (default: ${DEFAULT-VALUE})")
  int oneRingSeconds;

  @Option(names = "--callback-hours", paramLabel = "H", defaultValue = "" + Wangiri.Rule.DEFAULT_CALLBACK_HOURS,
      description = "Wangiri: an outbound call to a one-ring number within H hours is a callback (default: ${DEFAULT-VALUE})")
  int callbackHours;

  @Option(names = "--wangiri-block-digits", paramLabel = "D", defaultValue = "" + Wangiri.Rule.DEFAULT_BLOCK_DIGITS,
      description = "Wangiri: the calling prefix is the number without its last D digits (default: ${DEFAULT-VALUE})")
  int blockDigits;

  @Option(names = "--wangiri-min-numbers", paramLabel = "N", defaultValue = "" + Wangiri.Rule.DEFAULT_MIN_NUMBERS,
      description = "Wangiri: flag a prefix whose one-ring calls reached at least N of the account's numbers in a day (default: ${DEFAULT-VALUE})")
  long minNumbers;

  @Option(names = "--wangiri-min-callbacks", paramLabel = "N", defaultValue = "" + Wangiri.Rule.DEFAULT_MIN_CALLBACKS,
      description = "Wangiri: ... and got at least N callbacks (default: ${DEFAULT-VALUE})")
  long minCallbacks;

  /** @throws UsageException in one line naming the option */
  TrunkSizing.Limits limits() {
    double gos;
    try {
      gos = Double.parseDouble(gradeOfService.trim());
    } catch (NumberFormatException e) {
      gos = Double.NaN;
    }
    if (!(gos > 0 && gos < 1)) {
      throw new UsageException("--grade-of-service must be a number in (0,1), e.g. 0.01, not '" + gradeOfService + "'");
    }
    try {
      return new TrunkSizing.Limits(gos, TrunkSizing.Limit.parse(channels, "--channels"),
          TrunkSizing.Limit.parse(cpsLimit, "--cps-limit"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** @throws UsageException in one line naming the option */
  Wangiri.Rule wangiri() {
    try {
      return new Wangiri.Rule(oneRingSeconds, callbackHours, blockDigits, minNumbers, minCallbacks);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
