package io.zentrunk.spark.emulator;

import io.zentrunk.spark.client.ApiRules;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The end_time filters of a list request as one range of epoch seconds, {@code [lo, hi)}, after
 * the API's window rules (see {@link ListQuery}): the exact-instant bounds {@code __gt/__gte/__lt/__lte},
 * equality at the precision given, an upper bound needing a lower one, at most 90 days between
 * explicit bounds, 30 days by default, never older than the retention nor after now.
 */
final class EndTimeRange {

  /** "A range given with end_time__gt/gte and end_time__lt/lte may span at most 90 days" (not the retention rule). */
  static final Duration MAX_RANGE = Duration.ofDays(90);

  /** Inclusive lower and exclusive upper bound on end_time, epoch seconds. */
  record Seconds(long lo, long hi) {}

  private long lo = Long.MIN_VALUE;
  private long hi = Long.MAX_VALUE;
  private Instant lower;
  private Instant upper;
  private boolean eq;

  private EndTimeRange() {}

  static Seconds of(Map<String, String> p, Instant now) throws ApiException {
    EndTimeRange r = new EndTimeRange();
    r.equal(EndTimeStamp.of(p, "end_time"));
    EndTimeStamp s;
    if ((s = EndTimeStamp.of(p, "end_time__gt")) != null) {
      r.lower(s.instant().getEpochSecond() + 1, s.instant());
    }
    if ((s = EndTimeStamp.of(p, "end_time__gte")) != null) {
      r.lower(ceilSec(s.instant()), s.instant());
    }
    if ((s = EndTimeStamp.of(p, "end_time__lt")) != null) {
      r.upper(ceilSec(s.instant()), s.instant());
    }
    if ((s = EndTimeStamp.of(p, "end_time__lte")) != null) {
      r.upper(s.instant().getEpochSecond() + 1, s.instant());
    }
    r.check();
    return r.within(now);
  }

  /** {@code end_time=X}: the whole minute, the whole second, or (a non-zero fraction) nothing. */
  private void equal(EndTimeStamp s) {
    if (s == null) {
      return;
    }
    eq = true;
    long sec = s.instant().getEpochSecond();
    if (s.precision() == EndTimeStamp.MINUTE) {
      narrow(sec, sec + 60);
    } else if (s.instant().getNano() == 0) {
      narrow(sec, sec + 1);
    } else {
      narrow(sec + 1, sec + 1);
    }
  }

  private void narrow(long from, long to) {
    lo = Math.max(lo, from);
    hi = Math.min(hi, to);
  }

  private void lower(long sec, Instant t) {
    lo = Math.max(lo, sec);
    lower = lower == null || t.isAfter(lower) ? t : lower;
  }

  private void upper(long sec, Instant t) {
    hi = Math.min(hi, sec);
    upper = upper == null || t.isBefore(upper) ? t : upper;
  }

  private void check() throws ApiException {
    if (upper != null && lower == null && !eq) {
      throw new ApiException(
          400, "end_time__lt/end_time__lte requires a lower bound end_time__gt or end_time__gte");
    }
    if (upper != null && lower != null && Duration.between(lower, upper).compareTo(MAX_RANGE) > 0) {
      throw new ApiException(400, "end_time range exceeds the maximum search window of 90 days");
    }
  }

  /** The default window without a lower bound, then the retention and now. */
  private Seconds within(Instant now) {
    long l = lo;
    if (!eq && lower == null) {
      l = ceilSec(now.minus(ApiRules.DEFAULT_WINDOW));
    }
    l = Math.max(l, ceilSec(now.minus(ApiRules.RETENTION)));
    long h = Math.min(hi, now.getEpochSecond() + 1);
    return new Seconds(l, Math.max(l, h));
  }

  static long ceilSec(Instant t) {
    return t.getNano() == 0 ? t.getEpochSecond() : t.getEpochSecond() + 1;
  }
}
