package io.zentrunk.spark.emulator;

/**
 * The ground truth of one call's Insights as the emulator serves them: what a correct decoder makes of the body.
 * A metric is null when the body leaves it out, sends it empty, or (a hostile body) sends a value that is no number
 * or out of its range; {@code toCarrier} and {@code toRegion} are null when the body has no {@code to}.
 *
 * @param oddity what a hostile body changed ({@code null}: nothing), e.g. {@code "jitter=n/a"},
 *     {@code "plivo_quality_score=7.5"}, {@code "no to"}
 * @param served the JSON body sent (without its api_id), for tests and the docs
 */
public record EmulatedInsights(
    String callUuid,
    String fromNumber,
    String fromCarrier,
    String fromRegion,
    String toNumber,
    String toCarrier,
    String toRegion,
    String hangupCause,
    String hangupSource,
    Double rttMs,
    Double jitterMs,
    Double packetLossPct,
    Double postDialDelayMs,
    Double qualityScore,
    String oddity,
    String served) {

  /** Whether every metric decodes to a value. */
  public boolean complete() {
    return rttMs != null && jitterMs != null && packetLossPct != null && postDialDelayMs != null
        && qualityScore != null;
  }
}
