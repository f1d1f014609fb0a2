package io.zentrunk.spark.emulator;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe counters behind {@link EmulatorStats}. */
final class StatsCollector {

  private static final long FIVE_S = 5_000_000_000L;

  private final LongAdder requests = new LongAdder();
  private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
  private final LongAdder list = new LongAdder();
  private final LongAdder get = new LongAdder();
  private final LongAdder insights = new LongAdder();
  private final LongAdder rows = new LongAdder();
  private final LongAdder faults = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final LongAdder resets = new LongAdder();
  private final LongAdder truncated = new LongAdder();
  private final LongAdder stalls = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final ArrayDeque<Long> recent = new ArrayDeque<>();
  private int peak;
  /** Arrival times (nanoTime) of every API request, when recording (tests that check every window). */
  private long[] arrivals;
  private int arrivalCount;
  /** The raw query of every list request, when recording (tests that count requests by purpose). */
  private java.util.List<String> listQueries;

  /** An API request arrived (before auth, rate limit or faults). */
  void request(long nowNanos) {
    requests.increment();
    synchronized (recent) {
      while (!recent.isEmpty() && nowNanos - recent.peekFirst() >= FIVE_S) {
        recent.pollFirst();
      }
      recent.addLast(nowNanos);
      peak = Math.max(peak, recent.size());
      if (arrivals != null) {
        if (arrivalCount == arrivals.length) {
          arrivals = java.util.Arrays.copyOf(arrivals, arrivals.length * 2);
        }
        arrivals[arrivalCount++] = nowNanos;
      }
    }
  }

  /** Starts (or stops) recording arrival times; starting clears what was recorded. */
  void recordArrivals(boolean on) {
    synchronized (recent) {
      arrivals = on ? new long[4096] : null;
      arrivalCount = 0;
    }
  }

  /** The recorded arrival times (nanoTime), oldest first. */
  long[] arrivals() {
    synchronized (recent) {
      return arrivals == null ? new long[0] : java.util.Arrays.copyOf(arrivals, arrivalCount);
    }
  }

  void list() {
    list.increment();
  }

  /** A list request arrived with this raw query (null for none). */
  void listQuery(String rawQuery) {
    synchronized (recent) {
      if (listQueries != null) {
        listQueries.add(rawQuery == null ? "" : rawQuery);
      }
    }
  }

  /** Starts (or stops) recording the list requests' queries; starting clears what was recorded. */
  void recordListQueries(boolean on) {
    synchronized (recent) {
      listQueries = on ? new java.util.ArrayList<>() : null;
    }
  }

  /** The recorded list queries, oldest first. */
  java.util.List<String> listQueries() {
    synchronized (recent) {
      return listQueries == null ? java.util.List.of() : java.util.List.copyOf(listQueries);
    }
  }

  void get() {
    get.increment();
  }

  void insights() {
    insights.increment();
  }

  void status(int code) {
    byStatus.computeIfAbsent(code, k -> new LongAdder()).increment();
    if (code == 429) {
      rateLimited.increment();
    }
  }

  void rows(int n) {
    rows.add(n);
  }

  void fault() {
    faults.increment();
  }

  void reset() {
    resets.increment();
  }

  void truncated() {
    truncated.increment();
  }

  void stall() {
    stalls.increment();
  }

  void connection() {
    connections.increment();
  }

  synchronized void clear() {
    requests.reset();
    byStatus.clear();
    list.reset();
    get.reset();
    insights.reset();
    rows.reset();
    faults.reset();
    rateLimited.reset();
    resets.reset();
    truncated.reset();
    stalls.reset();
    connections.reset();
    synchronized (recent) {
      recent.clear();
      peak = 0;
    }
  }

  EmulatorStats snapshot() {
    Map<Integer, Long> s = new TreeMap<>();
    byStatus.forEach((k, v) -> s.put(k, v.sum()));
    int p;
    synchronized (recent) {
      p = peak;
    }
    return new EmulatorStats(
        requests.sum(), java.util.Collections.unmodifiableMap(s), list.sum(), get.sum(), rows.sum(), p, faults.sum(),
        rateLimited.sum(), resets.sum(), truncated.sum(), stalls.sum(), connections.sum(), insights.sum());
  }
}
