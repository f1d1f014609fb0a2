package io.zentrunk.spark.budget;

import static org.assertj.core.api.Assertions.assertThat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.zentrunk.spark.client.ClientConfig;
import org.junit.jupiter.api.Test;

class RequestBudgetTest {

  @Test
  void noSlidingWindowEverHoldsMoreThanTheBudget() throws Exception {
    RequestBudget budget = new RequestBudget(20, 200);
    List<Long> starts = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(6);
    for (int i = 0; i < 6; i++) {
      pool.submit(() -> {
        for (int k = 0; k < 15; k++) {
          budget.acquire();
          starts.add(System.nanoTime());
          budget.release();
        }
        return null;
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    List<Long> sorted = new ArrayList<>(starts);
    Collections.sort(sorted);
    assertThat(sorted).hasSize(90);
    long window = 200_000_000L;
    for (int i = 0; i < sorted.size(); i++) {
      int j = i;
      while (j < sorted.size() && sorted.get(j) - sorted.get(i) < window) {
        j++;
      }
      assertThat(j - i).as("starts within 200 ms from #" + i).isLessThanOrEqualTo(20);
    }
    // 90 permits at 20 per 200 ms need at least 4 full windows
    assertThat(sorted.get(89) - sorted.get(0)).isGreaterThanOrEqualTo(4 * window);
  }

  /** A clock moved by hand: nothing in these tests sleeps. */
  private static final class FakeClock {
    long nanos = 1_000_000_000L;

    void advanceMillis(long ms) {
      nanos += ms * 1_000_000L;
    }
  }

  @Test
  void autoIsTheAdaptiveBudgetSharedPerAccount() {
    RequestBudget a = RequestBudget.shared("http://127.0.0.1:1", "MAAUTO", ClientConfig.AUTO_BUDGET, 5000);
    assertThat(a).isSameAs(RequestBudget.shared("http://127.0.0.1:1", "MAAUTO", ClientConfig.AUTO_BUDGET, 5000));
    assertThat(a).isNotSameAs(RequestBudget.shared("http://127.0.0.1:1", "MAAUTO", 250, 5000));
    assertThat(a.effective()).as("starts at the default").isEqualTo(250);
    a.onThrottled(-1); // nothing got through in the last window: at most halved, then 3% below
    assertThat(a.effective()).isEqualTo(121);
  }

  @Test
  void anAdaptiveLimitAboveTheStartHoldsMoreRequestsInItsWindow() throws Exception {
    AtomicLong clock = new AtomicLong();
    AdaptiveLimit limit = new AdaptiveLimit(250, 60_000_000_000L, clock::get);
    RequestBudget budget = new RequestBudget(250, 60_000, limit);
    limit.saturated();
    for (int i = 0; i < 600; i++) {
      budget.onSuccess(); // slow start: +0.1 a success
    }
    assertThat(budget.effective()).isEqualTo(310);
    for (int i = 0; i < 300; i++) {
      clock.addAndGet(1_000_000_000L); // the pace's credit: 250 a minute, so 4 a second
      assertThat(budget.tryAcquire(0)).as("request %d", i).isTrue();
      budget.release();
    }
    assertThat(budget.endedInWindow()).as("the log grew past its first 250 slots").isEqualTo(300);
    assertThat(budget.inFlight()).isZero();
  }

  @Test
  void shrinksOnThrottleOncePerWindowAndGrowsBack() {
    FakeClock clock = new FakeClock();
    RequestBudget budget = new RequestBudget(100, 1000, () -> clock.nanos);
    budget.onThrottled(-1);
    assertThat(budget.effective()).isEqualTo(75);
    clock.advanceMillis(999);
    budget.onThrottled(-1);
    assertThat(budget.effective()).as("429s of the same window are one event").isEqualTo(75);
    clock.advanceMillis(1);
    budget.onThrottled(-1);
    assertThat(budget.effective()).as("a window later: a new event").isEqualTo(56);
    for (int i = 0; i < 2000; i++) {
      budget.onSuccess();
    }
    assertThat(budget.effective()).isEqualTo(100);
  }

  @Test
  void retryAfterPausesEveryone() throws Exception {
    FakeClock clock = new FakeClock();
    RequestBudget budget = new RequestBudget(100, 1000, () -> clock.nanos);
    budget.onThrottled(300);
    assertThat(budget.tryAcquire(0)).as("paused").isFalse();
    clock.advanceMillis(299);
    assertThat(budget.tryAcquire(0)).as("still paused at 299 ms").isFalse();
    clock.advanceMillis(1);
    assertThat(budget.tryAcquire(0)).as("Retry-After has passed").isTrue();
  }

  @Test
  void aRequestHoldsItsSlotUntilOneWindowAfterItEnded() throws Exception {
    FakeClock clock = new FakeClock();
    RequestBudget budget = new RequestBudget(2, 300, () -> clock.nanos);
    assertThat(budget.tryAcquire(0)).isTrue();
    assertThat(budget.tryAcquire(0)).isTrue();
    clock.advanceMillis(400);
    assertThat(budget.tryAcquire(0)).as("both still in flight: a window after their start frees nothing").isFalse();
    clock.advanceMillis(100);
    budget.release();
    assertThat(budget.inFlight()).isEqualTo(1);
    assertThat(budget.endedInWindow()).isEqualTo(1);
    clock.advanceMillis(299);
    assertThat(budget.tryAcquire(0)).as("299 ms after the end").isFalse();
    clock.advanceMillis(1);
    assertThat(budget.tryAcquire(0)).as("one window after the end").isTrue();
  }

  @Test
  void aLateReportIsChargedFromItsRealEnd() throws Exception {
    FakeClock clock = new FakeClock();
    RequestBudget budget = new RequestBudget(1, 1000, () -> clock.nanos);
    assertThat(budget.tryAcquire(0)).isTrue();
    clock.advanceMillis(500);
    budget.release(200_000_000L); // ended 200 ms before the report arrived
    clock.advanceMillis(799);
    assertThat(budget.tryAcquire(0)).as("799 ms after the report, 999 ms after the end").isFalse();
    clock.advanceMillis(1);
    assertThat(budget.tryAcquire(0)).as("one window after the real end").isTrue();
  }

  @Test
  void aCancelledSlotIsFreeAtOnce() throws Exception {
    FakeClock clock = new FakeClock();
    RequestBudget budget = new RequestBudget(1, 1000, () -> clock.nanos);
    assertThat(budget.tryAcquire(0)).isTrue();
    budget.cancel();
    assertThat(budget.tryAcquire(0)).as("a permit returned unused logs no end").isTrue();
  }

  @Test
  void sharedPerAccountAndSettings() {
    assertThat(RequestBudget.shared("u", "A", 250, 5000)).isSameAs(RequestBudget.shared("u", "A", 250, 5000));
    assertThat(RequestBudget.shared("u", "A", 250, 5000)).isNotSameAs(RequestBudget.shared("u", "B", 250, 5000));
  }
}
