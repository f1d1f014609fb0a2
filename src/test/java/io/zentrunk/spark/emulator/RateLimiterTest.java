package io.zentrunk.spark.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The emulator's two limiter kinds on a clock the test sets. */
class RateLimiterTest {

  static final long S = 1_000_000_000L;

  @Test
  void aFixedWindowCountsAgainFromEachBoundaryOfTheClock() {
    // phase: the wall clock is 0.5 s past a 5-s boundary when the monotonic clock reads 0
    RateLimiter fixed = new RateLimiter(3, 5 * S, true, S / 2);
    long t = 4 * S; // 0.5 s before the boundary at 4.5 s
    for (int i = 0; i < 3; i++) {
      assertThat(fixed.tryAcquire(t + i)).isEqualTo(-1);
    }
    assertThat(fixed.tryAcquire(t + 3)).as("the window's 3 are used; Retry-After: until the boundary")
        .isEqualTo(S / 2 - 3);
    long boundary = 4 * S + S / 2;
    assertThat(fixed.tryAcquire(boundary - 1)).isPositive();
    for (int i = 0; i < 3; i++) {
      assertThat(fixed.tryAcquire(boundary + i)).as("a new window at the boundary").isEqualTo(-1);
    }
    assertThat(fixed.tryAcquire(boundary + 3)).isEqualTo(5 * S - 3);
  }

  @Test
  void aSlidingWindowFreesEachSlotOneWindowAfterItsRequest() {
    RateLimiter sliding = new RateLimiter(3, 5 * S, false, S / 2);
    long t = 4 * S;
    for (int i = 0; i < 3; i++) {
      assertThat(sliding.tryAcquire(t + i)).isEqualTo(-1);
    }
    assertThat(sliding.tryAcquire(t + S)).as("no boundary: the oldest frees at t + 5 s").isEqualTo(4 * S);
    assertThat(sliding.tryAcquire(t + 5 * S)).isEqualTo(-1);
  }
}
