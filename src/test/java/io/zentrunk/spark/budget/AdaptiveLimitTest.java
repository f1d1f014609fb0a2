package io.zentrunk.spark.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** request_budget=auto's controller on a fake clock: every step is a time the test sets, nothing sleeps. */
class AdaptiveLimitTest {

  static final long MS = 1_000_000L;
  static final long WINDOW = 5_000 * MS;

  final AtomicLong now = new AtomicLong(1_000_000 * MS);
  /** Where {@link RequestBudget} starts it: Plivo's documented 300 per 5 s. */
  final AdaptiveLimit limit = new AdaptiveLimit(300, WINDOW, now::get);

  /** {@code n} answered requests spread evenly over {@code nanos}, the budget holding requests back meanwhile. */
  void successes(int n, long nanos, boolean saturated) {
    for (int i = 0; i < n; i++) {
      now.addAndGet(nanos / n);
      if (saturated) {
        limit.saturated();
      }
      limit.onSuccess();
    }
  }

  @Test
  void untilTheFirst429ItsGrowthStartsAtTwoAWindowAndDoublesEachWindow() {
    assertThat(limit.limit()).isEqualTo(300);
    assertThat(limit.slowStart()).isTrue();
    successes(300, WINDOW, true);
    assertThat(limit.limit()).as("+2, the step doubling on the window's last success").isCloseTo(302, within(0.05));
    successes(302, WINDOW, true);
    assertThat(limit.limit()).isCloseTo(306, within(0.1));
    successes(306, WINDOW, true);
    assertThat(limit.limit()).isCloseTo(314, within(0.2));
    for (int w = 0; w < 10; w++) {
      double before = limit.limit();
      successes((int) before, WINDOW, true);
      assertThat(limit.limit() - before).as("window %d: at most a tenth of the limit", w).isLessThanOrEqualTo(before * 0.1 + 1);
    }
    assertThat(limit.limit()).as("an account sold 1,000 per 5 s is found within about 14 windows").isGreaterThan(700);
  }

  @Test
  void growsOnlyWhileTheBudgetHoldsRequestsBack() {
    successes(500, 2 * WINDOW, false);
    assertThat(limit.limit()).as("never saturated: a latency-bound read").isEqualTo(300);
    limit.saturated();
    now.addAndGet(WINDOW); // the budget last held a request back one window ago
    successes(500, 2 * WINDOW, false);
    assertThat(limit.limit()).isEqualTo(300);
    limit.saturated();
    limit.onSuccess();
    assertThat(limit.limit()).isGreaterThan(300).isLessThan(300.1);
  }

  @Test
  void a429CutsToThreePercentBelowWhatGotThroughOncePerWindow() {
    successes(300, WINDOW, true);
    now.addAndGet(MS);
    successes(290, WINDOW, true); // the last window: 290 answered
    double before = limit.limit();
    assertThat(before).isGreaterThan(300);
    assertThat(limit.onThrottled()).isTrue();
    assertThat(limit.slowStart()).isFalse();
    assertThat(limit.limit()).isCloseTo(0.97 * 290, within(0.01));
    now.addAndGet(100 * MS);
    assertThat(limit.onThrottled()).as("429s of the same window are one event").isFalse();
    assertThat(limit.limit()).isCloseTo(0.97 * 290, within(0.01));
    now.addAndGet(WINDOW);
    assertThat(limit.onThrottled()).isTrue();
    assertThat(limit.limit()).as("nothing got through for a window: at most halved")
        .isCloseTo(0.97 * 0.97 * 290 / 2, within(0.01));
  }

  @Test
  void besideAnotherClientTheFirst429FindsItsShare() {
    // the other client takes 100 of the 300 per 5 s: 200 of ours got through when the server's window filled
    successes(200, 4_000 * MS, true);
    assertThat(limit.onThrottled()).isTrue();
    assertThat(limit.limit()).isCloseTo(194, within(0.01));
  }

  @Test
  void afterThe429ItGrowsByTwoRequestsAWindow() {
    successes(300, WINDOW, true);
    limit.onThrottled();
    double cut = limit.limit();
    now.addAndGet(WINDOW);
    successes((int) cut, WINDOW, true);
    assertThat(limit.limit()).isCloseTo(cut + 2, within(0.05));
    assertThat(limit.slowStart()).isFalse();
  }

  @Test
  void pacesAFifthOfTheLimitAtOnceThenOneRequestPerWindowOverLimit() {
    int started = 0;
    while (limit.tryStart() == 0) {
      started++;
    }
    assertThat(started).as("a burst of one second's worth").isEqualTo(60);
    long wait = limit.tryStart();
    assertThat(wait).isCloseTo(WINDOW / 300, within(MS / 100));
    now.addAndGet(wait);
    assertThat(limit.tryStart()).isZero();
    assertThat(limit.tryStart()).isPositive();
    now.addAndGet(10 * WINDOW); // idle: the credit stays one second's worth
    started = 0;
    while (limit.tryStart() == 0) {
      started++;
    }
    assertThat(started).isEqualTo(60);
  }

  @Test
  void theLimitIsNeverBelowOneRequest() {
    for (int i = 0; i < 40; i++) {
      now.addAndGet(WINDOW);
      limit.onThrottled();
    }
    assertThat(limit.limit()).isEqualTo(1);
    assertThat(limit.tryStart()).isZero();
  }
}
