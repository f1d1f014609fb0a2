package io.zentrunk.spark.testing;

import io.zentrunk.spark.client.CallInsights;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatedInsights;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.util.Arrays;
import java.util.List;

/** The row of the call_insights table that the emulator's ground truth says a call must have. */
public final class InsightsTruth {
  private InsightsTruth() {}

  /** The columns of {@code c}'s row in the table's order. */
  public static List<Object> row(ZentrunkEmulator api, EmulatedCall c) {
    return row(c, api.insightsTruth(c), api.config().authId());
  }

  public static List<Object> row(EmulatedCall c, EmulatedInsights i, String authId) {
    String status;
    if (i == null) {
      status = CallInsights.NO_INSIGHTS;
    } else if (i.complete()) {
      status = CallInsights.OK;
    } else if (i.rttMs() == null && i.jitterMs() == null && i.packetLossPct() == null && i.postDialDelayMs() == null
        && i.qualityScore() == null) {
      status = CallInsights.NO_METRICS;
    } else {
      status = CallInsights.PARTIAL;
    }
    return Arrays.asList(c.callUuid(), c.endTime(), c.trunkId(), c.callDirection(), c.fromNumber(), c.toNumber(),
        c.billDuration(), c.hangupCauseCode(), c.hangupSource(),
        i == null ? null : i.fromCarrier(), i == null ? null : i.fromRegion(), i == null ? null : i.toCarrier(),
        i == null ? null : i.toRegion(), i == null ? null : i.rttMs(), i == null ? null : i.jitterMs(),
        i == null ? null : i.packetLossPct(), i == null ? null : i.postDialDelayMs(),
        i == null ? null : i.qualityScore(), status, authId);
  }
}
