package io.zentrunk.spark.alerts;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The watch job's own counters since it started, for a metrics endpoint to publish: minute boundaries judged (each
 * once, whatever the batches' length), alerts raised and resolved by kind, the last batch's duration.
 */
public final class WatchStats {

  private final AtomicLong minutesJudged = new AtomicLong();
  private final Map<String, AtomicLong> raised = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> resolved = new ConcurrentHashMap<>();
  private final AtomicLong lastBatchMillis = new AtomicLong();

  /** Minute boundaries judged: each minute the stream covers is judged once, by every rule whose window it holds. */
  public long minutesJudged() {
    return minutesJudged.get();
  }

  /** Alerts raised (new rows in the store) by kind. */
  public Map<String, Long> raised() {
    return snapshot(raised);
  }

  /** Alerts resolved by kind. */
  public Map<String, Long> resolved() {
    return snapshot(resolved);
  }

  public long lastBatchMillis() {
    return lastBatchMillis.get();
  }

  void judged(long minutes) {
    minutesJudged.addAndGet(minutes);
  }

  void raised(String kind) {
    raised.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  void resolved(String kind) {
    resolved.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  void batchTook(long millis) {
    lastBatchMillis.set(millis);
  }

  private static Map<String, Long> snapshot(Map<String, AtomicLong> m) {
    Map<String, Long> out = new java.util.TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
