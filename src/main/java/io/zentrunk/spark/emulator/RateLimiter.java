package io.zentrunk.spark.emulator;

import java.util.ArrayDeque;

/**
 * Sliding-window limiter of one account: a request is admitted when fewer than {@code limit}
 * requests were admitted in the last {@code window}; refused requests do not use the budget.
 * Uses the monotonic nanosecond clock (not the emulator clock, which tests may freeze).
 */
final class RateLimiter {

  private final ArrayDeque<Long> admitted = new ArrayDeque<>();
  private int limit;
  private long windowNanos;

  RateLimiter(int limit, long windowNanos) {
    set(limit, windowNanos);
  }

  synchronized void set(int limit, long windowNanos) {
    this.limit = limit;
    this.windowNanos = windowNanos;
    admitted.clear();
  }

  /** -1 if admitted, else the nanoseconds until a slot frees. */
  synchronized long tryAcquire(long nowNanos) {
    if (limit <= 0) {
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
