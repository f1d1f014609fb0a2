package io.zentrunk.spark.emulator;

import java.util.SplittableRandom;

/**
 * The synthetic account: a pure function of (seed, callsPerDay, epoch minute).
 *
 * <p>The number of calls that END in a UTC minute is drawn first from its own RNG stream (Poisson
 * around {@code callsPerDay/1440} times a diurnal and weekly shape whose mean over a week is 1, see
 * {@link WeekShape}), so counting a window never needs the calls themselves. The calls of a minute
 * are drawn from a second stream. End times are clustered: most calls of a minute end on a few
 * "burst" seconds, so many records share an end_time second. The fields of one call are drawn by
 * {@link CallDetails} from a third, per-call stream.
 */
final class CallGenerator {

  private final long seed;
  private final double perMinute;
  private final double lateShare;
  private final double noToCountryShare;
  private final int lateMaxSeconds;
  private final EmulatorConfig.Burst burst;
  private final EmulatorConfig.BusyHour busy;
  private final long burstFirstMinute;
  private final CallDetails details;
  private final WangiriInjection wangiri;
  private final TrunkLimiter limiter;

  CallGenerator(EmulatorConfig cfg) {
    this.seed = cfg.seed();
    this.perMinute = cfg.callsPerDay() / 1440.0;
    this.lateShare = cfg.lateShare();
    this.noToCountryShare = cfg.noToCountryShare();
    this.lateMaxSeconds = (int) cfg.lateMaxSeconds();
    this.burst = cfg.burst();
    this.busy = cfg.busyHour();
    this.burstFirstMinute = burst == null ? 0 : burst.firstMinute();
    this.details = new CallDetails(seed, cfg.unlistedCodeShare(), burst);
    this.wangiri = cfg.wangiri() == null ? null : new WangiriInjection(cfg.seed(), cfg.wangiri());
    this.limiter = cfg.trunkLimit() == null ? null : new TrunkLimiter(cfg.trunkLimit(), this, cfg.seed());
  }

  /** Expected number of calls ending in epoch minute {@code m}. */
  double expected(long m) {
    return perMinute * WeekShape.at(m);
  }

  /** Number of calls ending in epoch minute {@code m} (deterministic, cheap): the account's and any injected. */
  int count(long m) {
    return baseCount(m) + burstCount(m) + busyCount(m) + wangiriCount(m);
  }

  /** The injected Wangiri campaign's calls ending in minute m (after the burst's and the busy hour's). */
  int wangiriCount(long m) {
    return wangiri == null ? 0 : wangiri.count(m);
  }

  /** The burst's calls ending in minute m: its calls spread evenly over its minutes, exactly {@code calls} in all. */
  int burstCount(long m) {
    if (burst == null || m < burstFirstMinute || m >= burstFirstMinute + burst.minutes()) {
      return 0;
    }
    long i = m - burstFirstMinute;
    long n = burst.minutes();
    return (int) ((i + 1) * burst.calls() / n - i * burst.calls() / n);
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
    int n = base + burstCount(m) + busyCount(m) + wangiriCount(m);
    long[] end = new long[n];
    long[] hi = new long[n];
    long[] lo = new long[n];
    long[] delay = new long[n];
    drawAccountCalls(m, base, end, hi, lo, delay);
    if (n > base) {
      drawInjectedCalls(m, base, end, hi, lo);
    }
    return MinuteBucket.inApiOrder(this, m, end, hi, lo, delay);
  }

  /** Calls 0..base-1 of minute m: end second (mostly on a few burst seconds), late delay, uuid. */
  private void drawAccountCalls(long m, int base, long[] end, long[] hi, long[] lo, long[] delay) {
    SplittableRandom r = Seeds.rng(seed, m, 2);
    long first = m * 60;
    int bursts = 1 + base / 6;
    int[] burstSec = new int[bursts];
    for (int i = 0; i < bursts; i++) {
      burstSec[i] = r.nextInt(60);
    }
    for (int i = 0; i < base; i++) {
      end[i] = first + (r.nextDouble() < 0.7 ? burstSec[r.nextInt(bursts)] : r.nextInt(60));
      if (lateShare > 0 && r.nextDouble() < lateShare) {
        delay[i] = 60 + r.nextInt(lateMaxSeconds - 60 + 1);
      }
      java.util.UUID u = CallUuids.encode(seed, m, i, r.nextLong());
      hi[i] = u.getMostSignificantBits();
      lo[i] = u.getLeastSignificantBits();
    }
  }

  /** Calls base..n-1 of minute m: the burst's, then the busy hour's, then the Wangiri campaign's (never late). */
  private void drawInjectedCalls(long m, int base, long[] end, long[] hi, long[] lo) {
    // injected calls come from their own stream: the account's own calls stay exactly what they are without them
    SplittableRandom x = Seeds.rng(seed, m, 4);
    long first = m * 60;
    int burstCalls = burstCount(m);
    int[] busySec = {x.nextInt(60), x.nextInt(60), x.nextInt(60)};
    for (int i = base; i < end.length; i++) {
      boolean injectedBurst = i - base < burstCalls;
      // Wangiri calls come last: the draws of the burst's and the busy hour's calls stay as without them
      boolean spread = injectedBurst || i - base >= burstCalls + busyCount(m);
      end[i] = first + (spread || x.nextDouble() < 0.2 ? x.nextInt(60) : busySec[x.nextInt(3)]);
      java.util.UUID u = CallUuids.encode(seed, m, i, x.nextLong());
      hi[i] = u.getMostSignificantBits();
      lo[i] = u.getLeastSignificantBits();
    }
  }

  /** The full record of one call of minute {@code m}; a pure function of its arguments (and the trunk limit). */
  EmulatedCall call(long m, int ordinal, long endSec, long uuidHi, long uuidLo) {
    EmulatedCall c = generatedCall(m, ordinal, endSec, uuidHi, uuidLo);
    return limiter == null ? c : limiter.apply(c);
  }

  /** The record of one call as drawn, before a trunk limit refuses it or not. */
  EmulatedCall generatedCall(long m, int ordinal, long endSec, long uuidHi, long uuidLo) {
    EmulatedCall c = drawCall(m, ordinal, endSec, uuidHi, uuidLo);
    // drawn from its own stream (keyed by the call): every other field is the same with it on or off
    return noToCountryShare > 0 && Seeds.rng(seed, c.callUuid().hashCode(), 13).nextDouble() < noToCountryShare
        ? c.withoutToCountry() : c;
  }

  private EmulatedCall drawCall(long m, int ordinal, long endSec, long uuidHi, long uuidLo) {
    SplittableRandom r = Seeds.rng(seed, (m << 24) | ordinal, 3);
    String uuid = new java.util.UUID(uuidHi, uuidLo).toString();
    if (burst != null || busy != null || wangiri != null) {
      int base = baseCount(m);
      if (ordinal >= base) {
        int k = ordinal - base - burstCount(m) - busyCount(m);
        if (k >= 0) {
          return wangiri.call(r, m, k, uuid, endSec, details.trunkDomains(), details.trunkIds());
        }
        return ordinal - base < burstCount(m)
            ? details.burstCall(r, uuid, endSec) : details.rejectedCall(r, uuid, endSec);
      }
    }
    return details.accountCall(r, uuid, endSec);
  }
}
