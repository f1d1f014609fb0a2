package io.zentrunk.spark.client;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The request budget of one account in this JVM: at most {@code requests} requests start in
 * any sliding window of {@code window}, the way the API counts them (300 per 5 s by default
 * for the whole account). Every partition of every read of the same account shares one budget.
 *
 * <p>It is a sliding-window log rather than a token bucket: a bucket refilled at 60/s lets a
 * full burst through at the start of each window and so can put up to twice the limit into
 * one server-side window. A 2% margin on the window absorbs the jitter between when the
 * client starts a request and when the server counts it.
 *
 * <p>It adapts: a 429 means other clients of the account use part of its limit, so the
 * effective budget shrinks by a quarter (and every caller pauses for the server's
 * Retry-After); each success grows it back by a twentieth of a request, up to the configured
 * budget (additive increase, multiplicative decrease). It shrinks at most once per window: the
 * requests in flight when the first 429 comes back are answered 429 together (up to
 * concurrency x partitions of them), and shrinking once per answer collapsed the budget to
 * 0.75^n of itself for one congestion event (measured: 8 such 429s cut a 40,000-CDR read to
 * 26% of the limit, 131 s instead of 34 s).
 *
 * <p>Why not Failsafe's RateLimiter: its permits cannot be resized while in use, which the
 * adaptive behaviour needs, and its bursty mode refills per fixed period (see above).
 */
public final class RequestBudget {

  private static final ConcurrentHashMap<String, RequestBudget> SHARED = new ConcurrentHashMap<>();

  private final int configured;
  private final long windowNanos;
  private final long[] starts;
  private int head;
  private int size;
  private double effective;
  private long pausedUntil;
  private long lastShrink;

  public RequestBudget(int requests, long windowMillis) {
    if (requests < 1 || windowMillis < 1) {
      throw new IllegalArgumentException("a budget needs at least 1 request per at least 1 ms");
    }
    this.configured = requests;
    this.windowNanos = windowMillis * 1_000_000L * 102 / 100;
    this.starts = new long[requests];
    this.effective = requests;
    this.pausedUntil = System.nanoTime();
    this.lastShrink = pausedUntil - windowNanos;
  }

  /** The budget shared in this JVM by all reads of an account with the same settings. */
  public static RequestBudget shared(String apiUrl, String authId, int requests, long windowMillis) {
    String key = apiUrl + '\n' + authId + '\n' + requests + '\n' + windowMillis;
    return SHARED.computeIfAbsent(key, k -> new RequestBudget(requests, windowMillis));
  }

  /**
   * Waits until a request may start, and counts it.
   *
   * @return the nanoseconds spent waiting
   */
  public synchronized long acquire() throws InterruptedException {
    long begin = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      while (size > 0 && now - starts[head] >= windowNanos) {
        head = (head + 1) % starts.length;
        size--;
      }
      long wakeAt;
      int limit = Math.max(1, (int) effective);
      if (now - pausedUntil < 0) {
        wakeAt = pausedUntil;
      } else if (size < limit) {
        starts[(head + size) % starts.length] = now;
        size++;
        return now - begin;
      } else {
        wakeAt = starts[(head + size - limit) % starts.length] + windowNanos;
      }
      long waitNanos = Math.max(1_000L, wakeAt - now);
      wait(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
    }
  }

  /** The API answered 429: shrink the budget (once per window) and pause everybody for Retry-After. */
  public synchronized void onThrottled(long retryAfterMillis) {
    long now = System.nanoTime();
    if (now - lastShrink >= windowNanos) {
      effective = Math.max(1.0, effective * 0.75);
      lastShrink = now;
    }
    if (retryAfterMillis > 0) {
      long until = System.nanoTime() + retryAfterMillis * 1_000_000L;
      if (until - pausedUntil > 0) {
        pausedUntil = until;
      }
    }
  }

  /** A request went through: grow the budget back towards the configured one. */
  public synchronized void onSuccess() {
    if (effective < configured) {
      effective = Math.min(configured, effective + 0.05);
      notifyAll();
    }
  }

  /** The budget now in force (requests per window). */
  public synchronized int effective() {
    return (int) effective;
  }

  public int configured() {
    return configured;
  }
}
