package io.zentrunk.spark.emulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The synthetic account: a pure function of (seed, callsPerDay, epoch minute).
 *
 * <p>The number of calls that END in a UTC minute is drawn first from its own RNG stream (Poisson
 * around {@code callsPerDay/1440} times a diurnal and weekly shape whose mean over a week is 1), so
 * counting a window never needs the calls themselves. The calls of a minute are drawn from a second
 * stream. End times are clustered: most calls of a minute end on a few "burst" seconds, so many
 * records share an end_time second.
 */
final class CallGenerator {

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

  /** Relative volume per minute of the week (Monday 00:00 UTC first), mean exactly 1. */
  private static final double[] WEEK_SHAPE = weekShape();

  private final long seed;
  private final double perMinute;
  private final double lateShare;
  private final double unlistedShare;
  private final int lateMaxSeconds;
  private final String[] trunkDomains = new String[3];
  private final String[] trunkIds = new String[3];
  private final EmulatorConfig.Burst burst;
  private final EmulatorConfig.BusyHour busy;
  private final long burstFirstMinute;
  private final WangiriInjection wangiri;

  CallGenerator(EmulatorConfig cfg) {
    this.seed = cfg.seed();
    this.perMinute = cfg.callsPerDay() / 1440.0;
    this.lateShare = cfg.lateShare();
    this.unlistedShare = cfg.unlistedCodeShare();
    this.lateMaxSeconds = (int) cfg.lateMaxSeconds();
    this.burst = cfg.burst();
    this.busy = cfg.busyHour();
    this.burstFirstMinute = burst == null ? 0 : burst.day().toEpochDay() * 1440 + BURST_FIRST_MINUTE_OF_DAY;
    this.wangiri = cfg.wangiri() == null ? null : new WangiriInjection(cfg.seed(), cfg.wangiri());
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

  private static double[] weekShape() {
    double[] w = new double[7 * 1440];
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      int day = i / 1440; // 0 = Monday
      double h = (i % 1440) / 60.0;
      double v =
          0.12
              + Math.exp(-((h - 10.5) * (h - 10.5)) / (2 * 2.5 * 2.5))
              + 0.9 * Math.exp(-((h - 15.5) * (h - 15.5)) / (2 * 2.5 * 2.5));
      if (day >= 5) {
        v *= 0.4;
      }
      w[i] = v;
      sum += v;
    }
    double mean = sum / w.length;
    for (int i = 0; i < w.length; i++) {
      w[i] /= mean;
    }
    return w;
  }

  /** Expected number of calls ending in epoch minute {@code m}. */
  double expected(long m) {
    // epoch day 0 (1970-01-01) was a Thursday: Monday-based day of week = (day + 3) mod 7
    long day = Math.floorDiv(m, 1440);
    int dow = Math.floorMod(day + 3, 7);
    int idx = dow * 1440 + Math.floorMod(m, 1440);
    return perMinute * WEEK_SHAPE[idx];
  }

  /** Number of calls ending in epoch minute {@code m} (deterministic, cheap): the account's and any injected. */
  int count(long m) {
    return baseCount(m) + burstCount(m) + busyCount(m) + wangiriCount(m);
  }

  /** The injected Wangiri campaign's calls ending in minute m (after the burst's and the busy hour's). */
  int wangiriCount(long m) {
    return wangiri == null ? 0 : wangiri.count(m);
  }

  static final int BURST_FIRST_MINUTE_OF_DAY = 60;
  static final int BURST_MINUTES = 240;

  /** The burst's calls ending in minute m: its calls spread evenly over its minutes, exactly {@code calls} in all. */
  int burstCount(long m) {
    if (burst == null || m < burstFirstMinute || m >= burstFirstMinute + BURST_MINUTES) {
      return 0;
    }
    long i = m - burstFirstMinute;
    return (int) ((i + 1) * burst.calls() / BURST_MINUTES - i * burst.calls() / BURST_MINUTES);
  }

  /** The busy hour's rejected attempts ending in minute m: {@code calls} a day, spread evenly over the hour. */
  int busyCount(long m) {
    if (busy == null) {
      return 0;
    }
    long i = Math.floorMod(m, 1440) - busy.hour() * 60L;
    if (i < 0 || i >= 60) {
      return 0;
    }
    return (int) ((i + 1) * busy.calls() / 60 - i * busy.calls() / 60);
  }

  /** Number of the account's own calls ending in epoch minute {@code m}. */
  int baseCount(long m) {
    double lambda = expected(m);
    if (lambda <= 0) {
      return 0;
    }
    SplittableRandom r = Seeds.rng(seed, m, 1);
    int n;
    if (lambda < 30) {
      double l = Math.exp(-lambda);
      double p = 1.0;
      int k = 0;
      do {
        k++;
        p *= r.nextDouble();
      } while (p > l);
      n = k - 1;
    } else {
      n = (int) Math.round(lambda + Math.sqrt(lambda) * r.nextGaussian());
    }
    return Math.max(0, Math.min(n, CallUuids.MAX_ORDINAL));
  }

  /**
   * The skeleton of minute {@code m}: for every call its end second, uuid and visibility time, in
   * API order. Cheap (a few RNG draws per call); the other fields are drawn lazily by
   * {@link #call} from a per-call stream, so a page needs full details of its own calls only.
   */
  MinuteBucket generate(long m) {
    int base = baseCount(m);
    int extra = burstCount(m) + busyCount(m) + wangiriCount(m);
    int n = base + extra;
    SplittableRandom r = Seeds.rng(seed, m, 2);
    long first = m * 60;
    int bursts = 1 + base / 6;
    int[] burstSec = new int[bursts];
    for (int i = 0; i < bursts; i++) {
      burstSec[i] = r.nextInt(60);
    }
    long[] end = new long[n];
    long[] hi = new long[n];
    long[] lo = new long[n];
    long[] delay = new long[n];
    for (int i = 0; i < base; i++) {
      end[i] = first + (r.nextDouble() < 0.7 ? burstSec[r.nextInt(bursts)] : r.nextInt(60));
      if (lateShare > 0 && r.nextDouble() < lateShare) {
        delay[i] = 60 + r.nextInt(lateMaxSeconds - 60 + 1);
      }
      java.util.UUID u = CallUuids.encode(seed, m, i, r.nextLong());
      hi[i] = u.getMostSignificantBits();
      lo[i] = u.getLeastSignificantBits();
    }
    if (extra > 0) {
      // injected calls come from their own stream: the account's own calls stay exactly what they are without them
      SplittableRandom x = Seeds.rng(seed, m, 4);
      int burstCalls = burstCount(m);
      int[] busySec = {x.nextInt(60), x.nextInt(60), x.nextInt(60)};
      for (int i = base; i < n; i++) {
        boolean injectedBurst = i - base < burstCalls;
        // Wangiri calls come last: the draws of the burst's and the busy hour's calls stay as without them
        boolean spread = injectedBurst || i - base >= burstCalls + busyCount(m);
        end[i] = first + (spread || x.nextDouble() < 0.2 ? x.nextInt(60) : busySec[x.nextInt(3)]);
        java.util.UUID u = CallUuids.encode(seed, m, i, x.nextLong());
        hi[i] = u.getMostSignificantBits();
        lo[i] = u.getLeastSignificantBits();
      }
    }
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    // end_time desc, then call_uuid desc (the uuid's string order is its unsigned bit order)
    Arrays.sort(idx, (a, b) -> {
      int c = Long.compare(end[b], end[a]);
      if (c == 0) {
        c = Long.compareUnsigned(hi[b], hi[a]);
      }
      if (c == 0) {
        c = Long.compareUnsigned(lo[b], lo[a]);
      }
      return c;
    });
    long[] sEnd = new long[n];
    long[] sHi = new long[n];
    long[] sLo = new long[n];
    long[] visibleAt = new long[n];
    int[] ordinalAt = new int[n];
    int[] indexByOrdinal = new int[n];
    for (int i = 0; i < n; i++) {
      int o = idx[i];
      sEnd[i] = end[o];
      sHi[i] = hi[o];
      sLo[i] = lo[o];
      visibleAt[i] = end[o] + delay[o];
      ordinalAt[i] = o;
      indexByOrdinal[o] = i;
    }
    return new MinuteBucket(this, m, sEnd, sHi, sLo, visibleAt, ordinalAt, indexByOrdinal);
  }

  /** The full record of one call of minute {@code m}; a pure function of its arguments. */
  EmulatedCall call(long m, int ordinal, long endSec, long uuidHi, long uuidLo) {
    SplittableRandom r = Seeds.rng(seed, (m << 24) | ordinal, 3);
    String uuid = new java.util.UUID(uuidHi, uuidLo).toString();
    if (burst != null || busy != null || wangiri != null) {
      int base = baseCount(m);
      if (ordinal >= base) {
        int k = ordinal - base - burstCount(m) - busyCount(m);
        if (k >= 0) {
          return wangiri.call(r, m, k, uuid, endSec, trunkDomains, trunkIds);
        }
        return ordinal - base < burstCount(m) ? burstCall(r, uuid, endSec) : rejectedCall(r, uuid, endSec);
      }
    }
    return call(r, uuid, endSec);
  }

  /** An injected IRSF call: outbound from a US number to the burst's country, answered, 5 to 60 minutes. */
  private EmulatedCall burstCall(SplittableRandom r, String uuid, long endSec) {
    Countries.Country us = Countries.byIso("US");
    Countries.Country to = Countries.byIso(burst.country());
    int callDuration = 300 + r.nextInt(3301);
    int inc = to.increment();
    int bill = ((callDuration + inc - 1) / inc) * inc;
    BigDecimal rate = to.outboundRate();
    long units = rate.unscaledValue().longValueExact();
    BigDecimal amount = BigDecimal.valueOf((2 * units * bill + 60) / 120, 5);
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
  private EmulatedCall rejectedCall(SplittableRandom r, String uuid, long endSec) {
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

  private EmulatedCall call(SplittableRandom r, String uuid, long endSec) {
    boolean outbound = r.nextDouble() < 0.6;
    Countries.Country home = Countries.pick(r.nextInt(Countries.totalWeight()));
    Countries.Country far =
        r.nextDouble() < 0.8 ? home : Countries.pick(r.nextInt(Countries.totalWeight()));
    Countries.Country fromC = outbound ? home : far;
    Countries.Country toC = outbound ? far : home;
    String from = number(r, fromC);
    String to = number(r, toC);

    HangupCodes.Code code = HangupCodes.get(pickCode(r));
    // drawn from its own stream (keyed by the call): every other call is the same with it on or off
    if (unlistedShare > 0 && Seeds.rng(seed, uuid.hashCode(), 11).nextDouble() < unlistedShare) {
      code = HangupCodes.UNLISTED;
    }
    int trunk = r.nextInt(3);
    String trunkId = r.nextBoolean() ? trunkIds[trunk] : null;
    double t = r.nextDouble();
    String transport = t < 0.6 ? "udp" : t < 0.8 ? "tcp" : "tls";
    boolean srtp = transport.equals("tls") && r.nextDouble() < 0.8;
    boolean secure = srtp;
    boolean usCall = fromC.isUs() || toC.isUs();
    String stir;
    String attestation;
    if (usCall) {
      double s = r.nextDouble();
      attestation = s < 0.7 ? "A" : s < 0.9 ? "B" : "C";
      stir = attestation.equals("A") ? "Verified" : "Not Verified";
    } else {
      stir = "Not Applicable";
      attestation = null;
    }
    boolean cnam = !outbound && toC.isUs() && r.nextDouble() < 0.3;

    Countries.Country rated = outbound ? toC : home;
    BigDecimal rate = outbound ? rated.outboundRate() : rated.inboundRate();
    int inc = rated.increment();
    int callDuration = 0;
    int bill = 0;
    BigDecimal amount = ZERO5;
    Instant end = Instant.ofEpochSecond(endSec);
    Instant answer = null;
    Instant initiation;
    if (code.answered()) {
      // log-normal talk time, median ~75 s, capped at 4 h
      double secs = Math.exp(Math.log(75) + 1.1 * r.nextGaussian());
      callDuration = (int) Math.max(1, Math.min(4 * 3600, Math.round(secs)));
      bill = Math.max(inc, ((callDuration + inc - 1) / inc) * inc);
      // rate x bill / 60 at 5 places, HALF_UP, in exact integer arithmetic (rates have scale 5)
      long units = rate.unscaledValue().longValueExact();
      amount = BigDecimal.valueOf((2 * units * bill + 60) / 120, 5);
      answer = end.minusSeconds(callDuration);
      initiation = answer.minusSeconds(1 + r.nextInt(20));
    } else {
      int ring = code.code() == 6030 ? 60 : r.nextInt(46);
      initiation = end.minusSeconds(ring);
    }
    String callId = hex(r.nextLong()) + hex(r.nextLong()) + "@10." + r.nextInt(256) + "."
        + r.nextInt(256) + "." + (1 + r.nextInt(254));
    return new EmulatedCall(
        uuid,
        callId,
        from,
        to,
        outbound ? "outbound" : "inbound",
        callDuration,
        bill,
        bill,
        initiation,
        answer,
        end,
        code.code(),
        code.name(),
        code.source(),
        rate,
        amount,
        secure ? SECURE_RATE : ZERO5,
        trunkDomains[trunk],
        trunkId,
        fromC.iso(),
        toC.iso(),
        transport,
        srtp,
        secure,
        stir,
        attestation,
        cnam,
        cnam ? CNAM_RATE : ZERO5);
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

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static String hex(long v) {
    char[] c = new char[16];
    for (int i = 15; i >= 0; i--) {
      c[i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
    return new String(c);
  }
}
