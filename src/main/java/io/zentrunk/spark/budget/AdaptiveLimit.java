package io.zentrunk.spark.budget;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The limit of {@code request_budget=auto}: how many requests per window the account's budget allows now, found
 * by probing the account's real limit (additive increase, multiplicative decrease, as TCP does), and the pace at
 * which requests may start. {@link RequestBudget} asks it; the driver's one budget serves the whole cluster, so
 * the executors' 429s and successes reach it through the permit service.
 *
 * <ul>
 *   <li><b>Start</b> at the account's documented limit (300 per 5 s, in the budget's window; see {@link
 *       RequestBudget}), paced: at most a fifth of a window's limit may start at once (one second's worth), then
 *       one request every window / limit. Without a pace the first window's requests leave in the first second,
 *       and beside a client that takes 100 of the account's 300 the server refuses the tail of that burst (and of
 *       its echo one window later) before the first 429 is even seen. A start below the documented limit would
 *       cost a short read most of its speed: a read of 1,000 requests is over in four windows.
 *   <li><b>Grow</b> only while the budget is what holds requests back (a request waited for it within the last
 *       window): a read limited by its latency or its partitions would otherwise raise the limit far above what
 *       it ever sends. Until the first 429, by {@value #INCREASE} requests in the first window, then twice as many
 *       each window (at most a tenth of the limit a window): an account sold a higher limit is found in a few
 *       windows (300 to 1,000 in eight), and an account at the documented limit pays one 429 event, a window or
 *       two in. After the first 429, by {@value #INCREASE} requests per window.
 *   <li><b>Shrink</b> on a 429, at most once per window (the requests in flight when the first 429 comes back
 *       are refused together: one event), to {@value #DECREASE} of what got through: the successes of the last
 *       window, which is this client's share of the server's full window when a 429 says it is full. Never by
 *       more than half at once. Alone on the account that is about 300 (a cut of 3%); beside a client that takes
 *       20 requests a second, about 200 at the first 429.
 * </ul>
 *
 * <p>The sawtooth between {@value #DECREASE} of the limit and the limit averages above 98% of it; one event every
 * few windows costs a few 429s in a thousand requests. Retry-After still pauses every request ({@link
 * RequestBudget#onThrottled}); the pace's one second of credit lets the budget catch up after the pause.
 *
 * <p>Times come from the injected clock (nanoseconds), so the behaviour is tested without sleeping.
 */
public final class AdaptiveLimit {

  /** Growth per window after the first 429, in requests; the first window's growth before it (then doubling). */
  static final double INCREASE = 2.0;
  /** The most the growth before the first 429 reaches per window, as a share of the limit. */
  static final double MAX_STEP = 0.10;
  /** On a 429: the share of the last window's successes the limit drops to. */
  static final double DECREASE = 0.97;
  /** Requests that may start at once ahead of the pace, as a share of the limit (1 s of a 5 s window). */
  static final double BURST = 0.2;
  /** No account is sold more than this per window; a bound for memory, not a target. */
  static final double CEILING = 1_000_000;

  private final LongSupplier clock;
  private final long windowNanos;
  private final ArrayDeque<Long> successes = new ArrayDeque<>();
  private double limit;
  private boolean slowStart = true;
  /** Before the first 429: this window's growth (doubles each window), and when its window began. */
  private double step = INCREASE;
  private long stepSince;
  private long lastDecrease;
  private long lastSaturated;
  private boolean saturatedOnce;
  private double credit;
  private long creditAt;

  /**
   * @param start the first limit (requests per window)
   * @param windowNanos the budget's window
   * @param clock nanoseconds, as {@link System#nanoTime()}
   */
  public AdaptiveLimit(double start, long windowNanos, LongSupplier clock) {
    if (start < 1 || windowNanos < 1) {
      throw new IllegalArgumentException("an adaptive limit needs at least 1 request per at least 1 ns");
    }
    this.clock = clock;
    this.windowNanos = windowNanos;
    this.limit = start;
    long now = clock.getAsLong();
    this.stepSince = now;
    this.lastDecrease = now - windowNanos;
    this.credit = burst();
    this.creditAt = now;
  }

  /** Requests per window allowed now. */
  public synchronized double limit() {
    return limit;
  }

  /** True until the first 429. */
  public synchronized boolean slowStart() {
    return slowStart;
  }

  /**
   * Whether a request may start now by the pace; if so it takes its place in it.
   *
   * @return 0 if it may start (counted), else the nanoseconds until it may
   */
  public synchronized long tryStart() {
    refill(clock.getAsLong());
    if (credit >= 1) {
      credit -= 1;
      return 0;
    }
    return Math.max(1_000L, (long) Math.ceil((1 - credit) * windowNanos / limit));
  }

  /** A request had to wait for the budget (its window or its pace): the budget is what holds reading back. */
  public synchronized void saturated() {
    lastSaturated = clock.getAsLong();
    saturatedOnce = true;
  }

  /** A request was answered: counts it, and grows the limit if the budget has been holding requests back. */
  public synchronized void onSuccess() {
    long now = clock.getAsLong();
    successes.addLast(now);
    expire(now);
    if (!saturatedOnce || now - lastSaturated >= windowNanos) {
      return;
    }
    refill(now);
    if (slowStart && now - stepSince >= windowNanos) {
      step = Math.min(step * 2, Math.max(INCREASE, limit * MAX_STEP));
      stepSince = now;
    }
    // about `limit` successes a window: per success, a share of the window's growth
    limit = Math.min(CEILING, limit + (slowStart ? step : INCREASE) / limit);
  }

  /**
   * A request was answered 429.
   *
   * @return true if the limit was lowered (the first 429 of a window)
   */
  public synchronized boolean onThrottled() {
    long now = clock.getAsLong();
    expire(now);
    slowStart = false;
    if (now - lastDecrease < windowNanos) {
      return false;
    }
    lastDecrease = now;
    refill(now);
    double through = Math.max(successes.size(), limit / 2);
    limit = Math.max(1, DECREASE * Math.min(limit, through));
    credit = Math.min(credit, burst());
    return true;
  }

  private double burst() {
    return Math.max(1, limit * BURST);
  }

  private void refill(long now) {
    credit = Math.min(burst(), credit + (now - creditAt) * limit / windowNanos);
    creditAt = now;
  }

  private void expire(long now) {
    while (!successes.isEmpty() && now - successes.peekFirst() >= windowNanos) {
      successes.pollFirst();
    }
  }

  @Override
  public synchronized String toString() {
    return String.format(java.util.Locale.ROOT, "auto %.1f per %d ms%s", limit, windowNanos / 1_000_000,
        slowStart ? " (probing)" : "");
  }
}
