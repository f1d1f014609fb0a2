package io.zentrunk.spark.emulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Window queries over the generated account with bounded memory.
 *
 * <ul>
 *   <li>Per-minute call counts are cached per UTC day with prefix sums, so counting or skipping a
 *       90-day window costs O(days + 1440), never generating the calls.
 *   <li>Minute buckets (the calls themselves) live in an LRU cache bounded by the number of calls.
 *   <li>For filtered requests the match count of each settled minute is cached per filter.
 * </ul>
 *
 * A minute is "settled" when every call in it is visible at {@code nowSec}: its last second plus
 * the maximum late delay is not after now. Only settled minutes fully inside the window may use
 * the cached counts; the edge minutes are generated and checked call by call.
 */
final class CallStore {

  private static final int MAX_DAYS_CACHED = 1024;
  private static final int MAX_FILTER_COUNTS = 300_000;

  private final CallGenerator generator;
  private final long lateMaxSec;
  private final long maxCachedCalls;
  private final Map<Long, DayCounts> days = new ConcurrentHashMap<>();
  private final LinkedHashMap<Long, MinuteBucket> buckets = new LinkedHashMap<>(256, 0.75f, true);
  private long cachedCalls;
  private final Map<FilterMinute, Integer> filterCounts = new ConcurrentHashMap<>();

  /** Cache key of a per-minute match count. */
  private record FilterMinute(CallFilter filter, long minute) {}

  CallStore(CallGenerator generator, long lateMaxSec, long maxCachedCalls) {
    this.generator = generator;
    this.lateMaxSec = lateMaxSec;
    this.maxCachedCalls = maxCachedCalls;
  }

  /** Per-minute counts of one UTC day, with prefix sums. */
  private static final class DayCounts {
    final long[] prefix = new long[1441];

    DayCounts(CallGenerator g, long day) {
      long m0 = day * 1440;
      for (int i = 0; i < 1440; i++) {
        prefix[i + 1] = prefix[i] + g.count(m0 + i);
      }
    }
  }

  private DayCounts day(long day) {
    DayCounts d = days.get(day);
    if (d == null) {
      if (days.size() > MAX_DAYS_CACHED) {
        days.clear();
      }
      d = new DayCounts(generator, day);
      days.put(day, d);
    }
    return d;
  }

  /** Number of generated calls (visible or not) ending in minutes a..b inclusive. */
  long countMinutes(long a, long b) {
    long total = 0;
    while (a <= b) {
      long d = Math.floorDiv(a, 1440);
      long dayEnd = Math.min(b, d * 1440 + 1439);
      DayCounts dc = day(d);
      total += dc.prefix[(int) (dayEnd - d * 1440) + 1] - dc.prefix[(int) (a - d * 1440)];
      a = dayEnd + 1;
    }
    return total;
  }

  MinuteBucket bucket(long m) {
    synchronized (buckets) {
      MinuteBucket b = buckets.get(m);
      if (b != null) {
        return b;
      }
    }
    MinuteBucket b = generator.generate(m);
    synchronized (buckets) {
      MinuteBucket old = buckets.putIfAbsent(m, b);
      if (old != null) {
        return old;
      }
      cachedCalls += b.size();
      Iterator<MinuteBucket> it = buckets.values().iterator();
      while (cachedCalls > maxCachedCalls && buckets.size() > 1 && it.hasNext()) {
        MinuteBucket e = it.next();
        if (e == b) {
          continue;
        }
        cachedCalls -= e.size();
        it.remove();
      }
    }
    return b;
  }

  int cachedBuckets() {
    synchronized (buckets) {
      return buckets.size();
    }
  }

  long cachedCalls() {
    synchronized (buckets) {
      return cachedCalls;
    }
  }

  private boolean settled(long m, long nowSec) {
    return m * 60 + 59 + lateMaxSec <= nowSec;
  }

  private static boolean visible(MinuteBucket b, int i, long lo, long hi, long nowSec) {
    long e = b.endSecond(i);
    return e >= lo && e < hi && b.visibleAt[i] <= nowSec;
  }

  /** Calls of minute m that are in [lo,hi), visible at nowSec and match f. */
  private int countIn(long m, long lo, long hi, CallFilter f, long nowSec) {
    boolean full = lo <= m * 60 && m * 60 + 60 <= hi && settled(m, nowSec);
    if (full && f.isEmpty()) {
      return (int) countMinutes(m, m);
    }
    FilterMinute key = null;
    if (full) {
      key = new FilterMinute(f, m);
      Integer c = filterCounts.get(key);
      if (c != null) {
        return c;
      }
    }
    MinuteBucket b = bucket(m);
    int c = 0;
    for (int i = 0; i < b.size(); i++) {
      if (visible(b, i, lo, hi, nowSec) && (f.isEmpty() || f.matches(b.call(i)))) {
        c++;
      }
    }
    if (key != null) {
      if (filterCounts.size() > MAX_FILTER_COUNTS) {
        filterCounts.clear();
      }
      filterCounts.put(key, c);
    }
    return c;
  }

  /** A page of results: the total and the (bucket, index) pairs of the page in API order. */
  record Page(long total, MinuteBucket[] buckets, int[] indexes, int size) {}

  /**
   * The calls of one request, {@code lo <= end < hi} visible at {@code nowSec} and matching
   * {@code f}, as minutes: {@code mLo..mHi} in all, and (only without filters, when {@code fast})
   * the interior {@code iLo..iHi} of minutes fully inside and settled, counted from the day caches.
   */
  private record Span(long lo, long hi, CallFilter f, long nowSec, long mLo, long mHi, long iLo,
      long iHi, boolean fast) {
    boolean interior(long m) {
      return fast && m <= iHi && m >= iLo;
    }
  }

  private Span span(long lo, long hi, CallFilter f, long nowSec) {
    long iLo = Math.floorDiv(lo + 59, 60);
    long iHi = Math.min(Math.floorDiv(hi, 60) - 1, Math.floorDiv(nowSec - 59 - lateMaxSec, 60));
    return new Span(lo, hi, f, nowSec, Math.floorDiv(lo, 60), Math.floorDiv(hi - 1, 60), iLo, iHi,
        f.isEmpty() && iLo <= iHi);
  }

  private int countIn(long m, Span s) {
    return countIn(m, s.lo(), s.hi(), s.f(), s.nowSec());
  }

  Page page(long lo, long hi, CallFilter f, long nowSec, int offset, int limit) {
    MinuteBucket[] pb = new MinuteBucket[limit];
    int[] pi = new int[limit];
    if (hi <= lo) {
      return new Page(0, pb, pi, 0);
    }
    Span s = span(lo, hi, f, nowSec);
    long total = total(s);
    int n = offset < total ? fill(s, offset, pb, pi) : 0;
    return new Page(total, pb, pi, n);
  }

  private long total(Span s) {
    if (!s.fast()) {
      long total = 0;
      for (long m = s.mLo(); m <= s.mHi(); m++) {
        total += countIn(m, s);
      }
      return total;
    }
    long total = countMinutes(s.iLo(), s.iHi());
    for (long m = s.mLo(); m < s.iLo(); m++) {
      total += countIn(m, s);
    }
    for (long m = s.iHi() + 1; m <= s.mHi(); m++) {
      total += countIn(m, s);
    }
    return total;
  }

  /** Fills pb/pi with the page after skipping {@code offset} calls, newest first; returns its size. */
  private int fill(Span s, long offset, MinuteBucket[] pb, int[] pi) {
    int n = 0;
    long skip = offset;
    long m = s.mHi();
    while (m >= s.mLo() && n < pb.length) {
      if (s.interior(m)) { // skip whole interior days by their prefix sums
        long dayStart = Math.max(s.iLo(), Math.floorDiv(m, 1440) * 1440);
        long c = countMinutes(dayStart, m);
        if (skip >= c) {
          skip -= c;
          m = dayStart - 1;
          continue;
        }
      }
      int c = countIn(m, s);
      if (skip >= c) {
        skip -= c;
        m--;
        continue;
      }
      MinuteBucket b = bucket(m);
      for (int i = 0; i < b.size() && n < pb.length; i++) {
        if (visible(b, i, s.lo(), s.hi(), s.nowSec()) && (s.f().isEmpty() || s.f().matches(b.call(i)))) {
          if (skip > 0) {
            skip--;
          } else {
            pb[n] = b;
            pi[n] = i;
            n++;
          }
        }
      }
      m--;
    }
    return n;
  }

  /** Every visible call with lo <= end < hi (epoch seconds), newest first. */
  List<EmulatedCall> all(long lo, long hi, long nowSec) {
    List<EmulatedCall> out = new ArrayList<>();
    if (hi <= lo) {
      return out;
    }
    for (long m = Math.floorDiv(hi - 1, 60); m >= Math.floorDiv(lo, 60); m--) {
      MinuteBucket b = countMinutes(m, m) == 0 ? null : bucket(m);
      if (b == null) {
        continue;
      }
      for (int i = 0; i < b.size(); i++) {
        if (visible(b, i, lo, hi, nowSec)) {
          out.add(b.call(i));
        }
      }
    }
    return out;
  }

  /** Count of {@link #all}, cheap for long windows. */
  long count(long lo, long hi, long nowSec) {
    return page(lo, hi, CallFilter.NONE, nowSec, 0, 0).total();
  }

  /** The call with this uuid if it exists, ends in [lo,hi) and is visible; else null. */
  EmulatedCall find(long seed, String uuid, long lo, long hi, long nowSec) {
    long[] d = CallUuids.decode(seed, uuid);
    if (d == null) {
      return null;
    }
    long m = d[0];
    if (m * 60 + 60 <= lo || m * 60 >= hi || d[1] >= countMinutes(m, m)) {
      return null;
    }
    MinuteBucket b = bucket(m);
    int i = b.indexByOrdinal[(int) d[1]];
    EmulatedCall c = b.call(i);
    return c.callUuid().equals(uuid) && visible(b, i, lo, hi, nowSec) ? c : null;
  }
}
