package io.zentrunk.spark.budget;

/**
 * What an executor has to tell the driver since its last report: requests that ended (and when
 * the latest did), permits returned unused, successes, and the longest Retry-After of a 429.
 * Not thread-safe: {@link PermitClient} guards it with its monitor.
 */
final class PermitNews {
  int ended;
  /** When the latest of the {@code ended} requests ended (nanoTime). */
  long lastEnd;
  int returned;
  int successes;
  long throttled = Long.MIN_VALUE;

  boolean isEmpty() {
    return ended == 0 && returned == 0 && successes == 0 && throttled == Long.MIN_VALUE;
  }

  /** Moves everything into a new value and leaves this one empty. */
  PermitNews take() {
    PermitNews n = new PermitNews();
    n.ended = ended;
    n.lastEnd = lastEnd;
    n.returned = returned;
    n.successes = successes;
    n.throttled = throttled;
    clear();
    return n;
  }

  /** Puts back news that could not be sent, merged with what arrived meanwhile. */
  void restore(PermitNews n) {
    if (ended == 0 || n.lastEnd - lastEnd > 0) {
      lastEnd = n.lastEnd;
    }
    ended += n.ended;
    returned += n.returned;
    successes += n.successes;
    throttled = Math.max(throttled, n.throttled);
  }

  void clear() {
    ended = 0;
    returned = 0;
    successes = 0;
    throttled = Long.MIN_VALUE;
  }
}
