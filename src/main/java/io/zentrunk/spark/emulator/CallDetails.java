package io.zentrunk.spark.emulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The full record of one call, drawn from the call's own random stream: the account's own calls,
 * an injected toll-fraud burst's calls and a busy hour's rejected attempts. The order of the draws
 * is part of the emulator's output for a seed: change it and every synthetic account changes.
 */
final class CallDetails {

  static final BigDecimal ZERO5 = new BigDecimal("0.00000");
  static final BigDecimal SECURE_RATE = new BigDecimal("0.00250");
  static final BigDecimal CNAM_RATE = new BigDecimal("0.00400");
  private static final String[] REGIONS = {"us-west-1", "us-east-1", "ap-south-1"};
  private static final int[] FAILURE_CODES = {4410, 4550, 4330, 4340, 4350, 4090, 6030};
  private static final int[] FAILURE_WEIGHTS = {30, 22, 8, 6, 6, 10, 10};
  private static final int[] TAIL_CODES =
      HangupCodes.all().stream()
          .mapToInt(HangupCodes.Code::code)
          .filter(c -> c != 3000 && c != 3010 && Arrays.stream(FAILURE_CODES).noneMatch(f -> f == c))
          .toArray();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final long seed;
  private final double unlistedShare;
  private final EmulatorConfig.Burst burst;
  private final String[] trunkDomains = new String[3];
  private final String[] trunkIds = new String[3];

  CallDetails(long seed, double unlistedShare, EmulatorConfig.Burst burst) {
    this.seed = seed;
    this.unlistedShare = unlistedShare;
    this.burst = burst;
    SplittableRandom r = Seeds.rng(seed, -1, 7);
    for (int i = 0; i < 3; i++) {
      StringBuilder sb = new StringBuilder();
      sb.append(1 + r.nextInt(9));
      for (int k = 0; k < 16; k++) {
        sb.append(r.nextInt(10));
      }
      trunkDomains[i] = sb + "." + REGIONS[i] + ".zt.plivo.com";
      trunkIds[i] = new java.util.UUID(r.nextLong(), r.nextLong()).toString();
    }
  }

  /** An injected IRSF call: outbound from a US number to the burst's country, answered, 5 to 60 minutes. */
  EmulatedCall burstCall(SplittableRandom r, String uuid, long endSec) {
    Countries.Country us = Countries.byIso("US");
    Countries.Country to = Countries.byIso(burst.country());
    int callDuration = 300 + r.nextInt(3301);
    int inc = to.increment();
    int bill = ((callDuration + inc - 1) / inc) * inc;
    BigDecimal rate = to.outboundRate();
    BigDecimal amount = amount(rate, bill);
    Instant end = Instant.ofEpochSecond(endSec);
    Instant answer = end.minusSeconds(callDuration);
    Instant initiation = answer.minusSeconds(1 + r.nextInt(5));
    HangupCodes.Code code = HangupCodes.get(3000);
    return new EmulatedCall(uuid, hex(r.nextLong()) + hex(r.nextLong()) + "@10.0.0.1", number(r, us), number(r, to),
        "outbound", callDuration, bill, bill, initiation, answer, end, code.code(), code.name(), code.source(),
        rate, amount, ZERO5, trunkDomains[0], trunkIds[0], us.iso(), to.iso(), "udp", false, false,
        "Verified", "A", false, ZERO5);
  }

  /** An attempt of the busy hour that the trunk's limits rejected: 5180 or 5190, within 0-2 s, nothing billed. */
  EmulatedCall rejectedCall(SplittableRandom r, String uuid, long endSec) {
    boolean outbound = r.nextDouble() < 0.6;
    Countries.Country home = Countries.pick(r.nextInt(Countries.totalWeight()));
    Countries.Country far = Countries.pick(r.nextInt(Countries.totalWeight()));
    Countries.Country fromC = outbound ? home : far;
    Countries.Country toC = outbound ? far : home;
    HangupCodes.Code code = HangupCodes.get(r.nextDouble() < 0.6 ? 5180 : 5190);
    Countries.Country rated = outbound ? toC : home;
    BigDecimal rate = outbound ? rated.outboundRate() : rated.inboundRate();
    Instant end = Instant.ofEpochSecond(endSec);
    boolean usCall = fromC.isUs() || toC.isUs();
    int trunk = r.nextInt(3);
    return new EmulatedCall(uuid, hex(r.nextLong()) + hex(r.nextLong()) + "@10.0.0.2", number(r, fromC), number(r, toC),
        outbound ? "outbound" : "inbound", 0, 0, 0, end.minusSeconds(r.nextInt(3)), null, end, code.code(), code.name(),
        code.source(), rate, ZERO5, ZERO5, trunkDomains[trunk], trunkIds[trunk], fromC.iso(), toC.iso(), "udp", false,
        false, usCall ? "Verified" : "Not Applicable", usCall ? "A" : null, false, ZERO5);
  }

  /** Who calls whom: direction, the home and far countries, and the two numbers. */
  private record Parties(boolean outbound, Countries.Country home, Countries.Country fromC,
      Countries.Country toC, String from, String to) {
    boolean usCall() {
      return fromC.isUs() || toC.isUs();
    }
  }

  /** The trunk, transport and caller-ID attestation of a call. */
  private record Signalling(int trunk, String trunkId, String transport, boolean srtp,
      String stir, String attestation) {}

  /** Talk and billed time, cost, and the initiation and answer instants. */
  private record Timing(int callDuration, int bill, BigDecimal amount, Instant initiation,
      Instant answer) {}

  /** One of the account's own calls. */
  EmulatedCall accountCall(SplittableRandom r, String uuid, long endSec) {
    Parties p = parties(r);
    HangupCodes.Code code = HangupCodes.get(pickCode(r));
    // drawn from its own stream (keyed by the call): every other call is the same with it on or off
    if (unlistedShare > 0 && Seeds.rng(seed, uuid.hashCode(), 11).nextDouble() < unlistedShare) {
      code = HangupCodes.UNLISTED;
    }
    Signalling s = signalling(r, p.usCall());
    boolean cnam = !p.outbound() && p.toC().isUs() && r.nextDouble() < 0.3;
    Countries.Country rated = p.outbound() ? p.toC() : p.home();
    BigDecimal rate = p.outbound() ? rated.outboundRate() : rated.inboundRate();
    Instant end = Instant.ofEpochSecond(endSec);
    Timing t = timing(r, code, rate, rated.increment(), end);
    String callId = hex(r.nextLong()) + hex(r.nextLong()) + "@10." + r.nextInt(256) + "."
        + r.nextInt(256) + "." + (1 + r.nextInt(254));
    boolean secure = s.srtp();
    return new EmulatedCall(uuid, callId, p.from(), p.to(), p.outbound() ? "outbound" : "inbound",
        t.callDuration(), t.bill(), t.bill(), t.initiation(), t.answer(), end,
        code.code(), code.name(), code.source(), rate, t.amount(), secure ? SECURE_RATE : ZERO5,
        trunkDomains[s.trunk()], s.trunkId(), p.fromC().iso(), p.toC().iso(), s.transport(),
        s.srtp(), secure, s.stir(), s.attestation(), cnam, cnam ? CNAM_RATE : ZERO5);
  }

  private static Parties parties(SplittableRandom r) {
    boolean outbound = r.nextDouble() < 0.6;
    Countries.Country home = Countries.pick(r.nextInt(Countries.totalWeight()));
    Countries.Country far =
        r.nextDouble() < 0.8 ? home : Countries.pick(r.nextInt(Countries.totalWeight()));
    Countries.Country fromC = outbound ? home : far;
    Countries.Country toC = outbound ? far : home;
    String from = number(r, fromC);
    String to = number(r, toC);
    return new Parties(outbound, home, fromC, toC, from, to);
  }

  private Signalling signalling(SplittableRandom r, boolean usCall) {
    int trunk = r.nextInt(3);
    String trunkId = r.nextBoolean() ? trunkIds[trunk] : null;
    double t = r.nextDouble();
    String transport = t < 0.6 ? "udp" : t < 0.8 ? "tcp" : "tls";
    boolean srtp = transport.equals("tls") && r.nextDouble() < 0.8;
    if (!usCall) {
      return new Signalling(trunk, trunkId, transport, srtp, "Not Applicable", null);
    }
    double s = r.nextDouble();
    String attestation = s < 0.7 ? "A" : s < 0.9 ? "B" : "C";
    String stir = attestation.equals("A") ? "Verified" : "Not Verified";
    return new Signalling(trunk, trunkId, transport, srtp, stir, attestation);
  }

  private static Timing timing(SplittableRandom r, HangupCodes.Code code, BigDecimal rate, int inc,
      Instant end) {
    if (!code.answered()) {
      int ring = code.code() == 6030 ? 60 : r.nextInt(46);
      return new Timing(0, 0, ZERO5, end.minusSeconds(ring), null);
    }
    // log-normal talk time, median ~75 s, capped at 4 h
    double secs = Math.exp(Math.log(75) + 1.1 * r.nextGaussian());
    int callDuration = (int) Math.max(1, Math.min(4 * 3600, Math.round(secs)));
    int bill = Math.max(inc, ((callDuration + inc - 1) / inc) * inc);
    Instant answer = end.minusSeconds(callDuration);
    Instant initiation = answer.minusSeconds(1 + r.nextInt(20));
    return new Timing(callDuration, bill, amount(rate, bill), initiation, answer);
  }

  /** rate x bill / 60 at 5 places, HALF_UP, in exact integer arithmetic (rates have scale 5). */
  private static BigDecimal amount(BigDecimal rate, int bill) {
    long units = rate.unscaledValue().longValueExact();
    return BigDecimal.valueOf((2 * units * bill + 60) / 120, 5);
  }

  private static int pickCode(SplittableRandom r) {
    double u = r.nextDouble();
    if (u < 0.50) {
      return 3000;
    }
    if (u < 0.85) {
      return 3010;
    }
    if (u < 0.97) {
      int w = r.nextInt(92);
      for (int i = 0; i < FAILURE_CODES.length; i++) {
        w -= FAILURE_WEIGHTS[i];
        if (w < 0) {
          return FAILURE_CODES[i];
        }
      }
      return FAILURE_CODES[0];
    }
    return TAIL_CODES[r.nextInt(TAIL_CODES.length)];
  }

  private static String number(SplittableRandom r, Countries.Country c) {
    char[] digits = new char[c.nationalDigits()];
    for (int i = 0; i < digits.length; i++) {
      digits[i] = (char) ('0' + r.nextInt(10));
    }
    digits[0] = (char) ('2' + r.nextInt(8)); // no leading 0/1 (NANP area codes, trunk prefixes)
    return "+" + c.dialCode() + new String(digits);
  }

  private static String hex(long v) {
    char[] c = new char[16];
    for (int i = 15; i >= 0; i--) {
      c[i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
    return new String(c);
  }

  /** The account's three trunk domains, by region (injected traffic uses them too). */
  String[] trunkDomains() {
    return trunkDomains;
  }

  /** The trunk ids of {@link #trunkDomains()}, in the same order. */
  String[] trunkIds() {
    return trunkIds;
  }
}
