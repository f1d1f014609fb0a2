package io.zentrunk.spark.emulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * An injected Wangiri ("one ring and cut") campaign on one day (see {@link EmulatorConfig.Wangiri}): {@code calls}
 * inbound one-ring calls from numbers of one block (the prefix, filled with random digits) to random numbers of the
 * account, ending 18:00-19:00 UTC; then {@code callbacks} answered outbound calls from the account to some of those
 * numbers, ending 20:00-22:00 UTC the same day. Counts per minute are exact and even; every field comes from the
 * call's own stream or the campaign's, so the account's other calls stay exactly what they are without it.
 */
final class WangiriInjection {

  static final int RING_FIRST_MINUTE_OF_DAY = 18 * 60;
  static final int RING_MINUTES = 60;
  static final int CALLBACK_FIRST_MINUTE_OF_DAY = 20 * 60;
  static final int CALLBACK_MINUTES = 120;

  private final long seed;
  private final EmulatorConfig.Wangiri w;
  private final Countries.Country from;
  private final long ringFirst;
  private final long callbackFirst;

  WangiriInjection(long seed, EmulatorConfig.Wangiri w) {
    this.seed = seed;
    this.w = w;
    this.from = EmulatorConfig.Wangiri.country(w.prefix());
    long day = w.day().toEpochDay() * 1440;
    this.ringFirst = day + RING_FIRST_MINUTE_OF_DAY;
    this.callbackFirst = day + CALLBACK_FIRST_MINUTE_OF_DAY;
  }

  /** Calls ending in minute m, even over a stretch: {@code n} in all over {@code minutes} from {@code first}. */
  private static int spread(long m, long first, int minutes, int n) {
    if (m < first || m >= first + minutes) {
      return 0;
    }
    long i = m - first;
    return (int) ((i + 1) * n / minutes - i * n / minutes);
  }

  int ringCount(long m) {
    return spread(m, ringFirst, RING_MINUTES, w.calls());
  }

  int callbackCount(long m) {
    return spread(m, callbackFirst, CALLBACK_MINUTES, w.callbacks());
  }

  int count(long m) {
    return ringCount(m) + callbackCount(m);
  }

  /** The calling number of the campaign's j-th one-ring call: the prefix filled with digits of its own stream. */
  String number(long j) {
    SplittableRandom r = Seeds.rng(seed, w.day().toEpochDay() * 10_000_000L + j, 12);
    StringBuilder sb = new StringBuilder(w.prefix());
    int length = 1 + from.dialCode().length() + from.nationalDigits();
    while (sb.length() < length) {
      sb.append((char) ('0' + r.nextInt(10)));
    }
    return sb.toString();
  }

  /**
   * The {@code k}-th injected call of minute {@code m}: one-ring calls first, then callbacks. {@code r} is the
   * call's own stream.
   */
  EmulatedCall call(SplittableRandom r, long m, int k, String uuid, long endSec, String[] trunkDomains, String[] trunkIds) {
    Countries.Country us = Countries.byIso("US");
    Instant end = Instant.ofEpochSecond(endSec);
    int trunk = r.nextInt(3);
    String callId = Long.toHexString(r.nextLong()) + "@10.0.0.3";
    int rings = ringCount(m);
    if (k < rings) {
      long j = (m - ringFirst) * w.calls() / RING_MINUTES + k;
      HangupCodes.Code code = HangupCodes.get(4420);
      return new EmulatedCall(uuid, callId, number(j), us(r), "inbound", 0, 0, 0, end.minusSeconds(1 + r.nextInt(4)),
          null, end, code.code(), code.name(), code.source(), us.inboundRate(), CallDetails.ZERO5, CallDetails.ZERO5,
          trunkDomains[trunk], trunkIds[trunk], from.iso(), us.iso(), "udp", false, false, "Not Verified", "C", false,
          CallDetails.ZERO5);
    }
    // the callback c calls back the number of one of the one-ring calls, spread over them
    long c = (m - callbackFirst) * w.callbacks() / CALLBACK_MINUTES + (k - rings);
    long j = c * w.calls() / w.callbacks();
    int callDuration = 60 + r.nextInt(541);
    int inc = from.increment();
    int bill = ((callDuration + inc - 1) / inc) * inc;
    BigDecimal rate = from.outboundRate();
    long units = rate.unscaledValue().longValueExact();
    BigDecimal amount = BigDecimal.valueOf((2 * units * bill + 60) / 120, 5);
    Instant answer = end.minusSeconds(callDuration);
    HangupCodes.Code code = HangupCodes.get(3000);
    return new EmulatedCall(uuid, callId, us(r), number(j), "outbound", callDuration, bill, bill,
        answer.minusSeconds(1 + r.nextInt(5)), answer, end, code.code(), code.name(), code.source(), rate, amount,
        CallDetails.ZERO5, trunkDomains[trunk], trunkIds[trunk], us.iso(), from.iso(), "udp", false, false,
        "Verified", "A", false, CallDetails.ZERO5);
  }

  /** A number of the account (US). */
  private static String us(SplittableRandom r) {
    StringBuilder sb = new StringBuilder("+1").append((char) ('2' + r.nextInt(8)));
    for (int i = 1; i < 10; i++) {
      sb.append((char) ('0' + r.nextInt(10)));
    }
    return sb.toString();
  }
}
