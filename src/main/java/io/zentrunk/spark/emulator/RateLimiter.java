package io.zentrunk.spark.emulator;

import java.util.ArrayDeque;

/**
 * The rate limiter of one account, of one of two kinds (Plivo does not say which it uses): a sliding window (a
 * request is admitted when fewer than {@code limit} requests were admitted in the last {@code window}), or fixed
 * windows aligned to the clock (at most {@code limit} requests admitted in each window that starts at a multiple of
 * {@code window} since the epoch, the count starting again at each boundary). Refused requests use no budget.
 * Uses the monotonic nanosecond clock (not the emulator clock, which tests may freeze); {@code phaseNanos} (the wall
 * clock's epoch nanoseconds less the monotonic clock's, at start) aligns the fixed windows to the wall clock.
 */
final class RateLimiter {

  private final ArrayDeque<Long> admitted = new ArrayDeque<>();
  private final boolean fixed;
  private final long phaseNanos;
  private int limit;
  private long windowNanos;
  /** Fixed windows: the start of the current window (monotonic clock), and its admitted requests. */
  private long fixedStart = Long.MIN_VALUE;
  private int fixedCount;

  RateLimiter(int limit, long windowNanos) {
    this(limit, windowNanos, false, 0);
  }

  RateLimiter(int limit, long windowNanos, boolean fixed, long phaseNanos) {
    this.fixed = fixed;
    this.phaseNanos = phaseNanos;
    set(limit, windowNanos);
  }

  synchronized void set(int limit, long windowNanos) {
    this.limit = limit;
    this.windowNanos = windowNanos;
    admitted.clear();
    fixedStart = Long.MIN_VALUE;
    fixedCount = 0;
  }

  /** -1 if admitted, else the nanoseconds until a slot frees. */
  synchronized long tryAcquire(long nowNanos) {
    if (limit <= 0) {
      return -1;
    }
    if (fixed) {
      long start = nowNanos - Math.floorMod(nowNanos + phaseNanos, windowNanos);
      if (start != fixedStart) {
        fixedStart = start;
        fixedCount = 0;
      }
      if (fixedCount >= limit) {
        return Math.max(1, start + windowNanos - nowNanos);
      }
      fixedCount++;
      return -1;
    }
    while (!admitted.isEmpty() && nowNanos - admitted.peekFirst() >= windowNanos) {
      admitted.pollFirst();
    }
    if (admitted.size() >= limit) {
      return Math.max(1, admitted.peekFirst() + windowNanos - nowNanos);
    }
    admitted.addLast(nowNanos);
    return -1;
  }
}
