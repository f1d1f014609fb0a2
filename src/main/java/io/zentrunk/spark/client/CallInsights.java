package io.zentrunk.spark.client;

import java.util.List;

/**
 * One call's Insights as decoded from {@code GET .../Call/{call_uuid}/Insights/} (zentrunk-api.md, "Call
 * Insights"). Every metric is nullable: null when the body leaves it out, sends it empty or null, or sends a value
 * that is no number or outside its range ({@link #rejected} then names it); never 0 in its place.
 *
 * @param status {@link #OK}, {@link #PARTIAL}, {@link #NO_METRICS} or {@link #NO_INSIGHTS}
 * @param rejected the metrics the body sent with a value that is no number or out of range, as
 *     {@code name="value"} (the value cut to 20 characters), in the body's order
 */
public record CallInsights(
    String callUuid,
    String status,
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
    List<String> rejected) {

  /** Every metric has a value. */
  public static final String OK = "ok";
  /** Some metrics have a value; the others are NULL (missing, empty or rejected). */
  public static final String PARTIAL = "partial";
  /** The API answered Insights without a usable metric (all missing, empty or rejected). */
  public static final String NO_METRICS = "no_metrics";
  /** The API answered 404 for the call's Insights: a call without media (unanswered), or no longer kept. */
  public static final String NO_INSIGHTS = "no_insights";

  /** Every status, in order of completeness. */
  public static final List<String> STATUSES = List.of(OK, PARTIAL, NO_METRICS, NO_INSIGHTS);

  /** A call whose Insights request answered 404. */
  public static CallInsights none(String callUuid) {
    return new CallInsights(callUuid, NO_INSIGHTS, null, null, null, null, null, null, null, null, null, null, null,
        null, null, List.of());
  }
}
