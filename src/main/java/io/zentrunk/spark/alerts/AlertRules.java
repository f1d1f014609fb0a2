package io.zentrunk.spark.alerts;

import io.zentrunk.spark.report.FraudRule;
import java.io.Serializable;
import java.time.Duration;

/**
 * The thresholds of the watch job's three alerts.
 *
 * @param irsf the report's fraud rule, judged over the last hour against the destination's usual hour: flagged when
 *     the hour's outbound amount is at least {@code minAmount} and either nothing was billed to the destination in
 *     the baseline days or the amount is at least {@code ratio} times its average hour over those days
 * @param limitFailures least number of calls ended 5180 cps_limit_reached or 5190 concurrent_call_limit_exceeded on
 *     one trunk in the last 5 minutes that raises a trunk-limit alert
 * @param nerBelow a destination whose NER over the last hour is below this (strictly) raises a NER-drop alert ...
 * @param nerMinCalls ... when it had at least this many outbound calls in that hour
 */
public record AlertRules(FraudRule irsf, long limitFailures, double nerBelow, long nerMinCalls) implements Serializable {

  public static final String IRSF = "irsf";
  public static final String TRUNK_LIMIT = "trunk_limit";
  public static final String NER_DROP = "ner_drop";
  /** A terminating carrier's call quality (Call Insights) dropped against its baseline; judged with --quality only. */
  public static final String QUALITY_DROP = "quality_drop";

  /** The window each kind is judged over, ending at the batch's offset. */
  public static final Duration IRSF_WINDOW = Duration.ofHours(1);
  public static final Duration LIMIT_WINDOW = Duration.ofMinutes(5);
  public static final Duration NER_WINDOW = Duration.ofHours(1);
  public static final Duration QUALITY_WINDOW = Duration.ofHours(1);
  /** The longest window: how much of the recent past the watch keeps. */
  public static final Duration LONGEST_WINDOW = Duration.ofHours(1);

  public static final long DEFAULT_LIMIT_FAILURES = 25;
  public static final double DEFAULT_NER_BELOW = 0.3;
  public static final long DEFAULT_NER_MIN_CALLS = 30;

  public AlertRules {
    if (limitFailures < 1) {
      throw new IllegalArgumentException("the trunk-limit threshold must be at least 1, not " + limitFailures);
    }
    if (!(nerBelow > 0 && nerBelow <= 1)) {
      throw new IllegalArgumentException("the NER threshold must be in (0,1], not " + nerBelow);
    }
    if (nerMinCalls < 1) {
      throw new IllegalArgumentException("the NER least calls must be at least 1, not " + nerMinCalls);
    }
  }

  public static AlertRules defaults() {
    return new AlertRules(FraudRule.defaults(), DEFAULT_LIMIT_FAILURES, DEFAULT_NER_BELOW, DEFAULT_NER_MIN_CALLS);
  }
}
