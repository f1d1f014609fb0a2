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
  void autoStartsAtTheDocumentedLimitOnTheAccountsOneBudget() {
    Claim a = RequestBudget.shared("http://127.0.0.1:1", "MAAUTO", ClientConfig.AUTO_BUDGET, 5000);
    assertThat(a).isSameAs(RequestBudget.shared("http://127.0.0.1:1", "MAAUTO", ClientConfig.AUTO_BUDGET, 5000));
    Claim fixed = RequestBudget.shared("http://127.0.0.1:1", "MAAUTO", 250, 5000);
    assertThat(fixed).as("another read's settings: another claim").isNotSameAs(a);
    assertThat(fixed.budget()).as("on the account's one budget").isSameAs(a.budget());
    assertThat(a.budget().adaptive().limit()).as("starts at Plivo's 300 per 5 s").isEqualTo(300);
    a.onThrottled(-1); // nothing got through in the last window: at most halved, then 3% below
    assertThat(a.effective()).isEqualTo(145);
  }

  @Test
  void oneBudgetPerApiHostAndAccountWhateverTheSettings() {
    RequestBudget b = RequestBudget.of(BudgetKey.of("http://h.example:81/v1/", "A"));
    assertThat(RequestBudget.of(BudgetKey.of("HTTP://H.example:81", "A"))).isSameAs(b);
    assertThat(RequestBudget.shared("http://h.example:81", "A", 100, 1000).budget()).isSameAs(b);
    assertThat(RequestBudget.shared("http://h.example:81", "A", ClientConfig.AUTO_BUDGET, 60_000).budget()).isSameAs(b);
    assertThat(RequestBudget.of(BudgetKey.of("http://h.example:81", "B"))).as("another account").isNotSameAs(b);
    assertThat(RequestBudget.of(BudgetKey.of("http://h.example:82", "A"))).as("another API").isNotSameAs(b);
    assertThat(BudgetKey.of("https://api.plivo.com", "A")).isEqualTo(new BudgetKey("api.plivo.com:443", "A"));
  }

  /** Every millisecond of {@code millis}, each claim starts a request if its budget lets it (ended at once). */
  private static List<Long> drive(FakeClock clock, long millis, Claim... claims) throws Exception {
    List<Long> starts = new ArrayList<>();
    for (long t = 0; t < millis; t++) {
      for (Claim c : claims) {
        if (c.tryAcquire(0)) {
          starts.add(clock.nanos);
          c.onSuccess();
          c.release();
        }
      }
      clock.advanceMillis(1);
    }
    return starts;
  }

  /** The most starts in any window of {@code windowMillis}. */
  private static int peak(List<Long> starts, long windowMillis) {
    int most = 0;
    for (int i = 0, j = 0; i < starts.size(); i++) {
      while (starts.get(i) - starts.get(j) >= windowMillis * 1_000_000L) {
        j++;
      }
      most = Math.max(most, i - j + 1);
    }
    return most;
  }

  @Test
  void aFixedReadAndAnAutoReadTogetherHoldTheFixedSettingAndAutoDoesNotGrowPastIt() throws Exception {
    FakeClock clock = new FakeClock();
    RequestBudget account = RequestBudget.account(() -> clock.nanos);
    Claim fixed = account.claim(250, 5000);
    Claim auto = account.claim(ClientConfig.AUTO_BUDGET, 5000);
    List<Long> starts = drive(clock, 20_000, fixed, auto);
    assertThat(peak(starts, 5000)).as("requests of both reads in any 5 s").isEqualTo(250);
    assertThat(starts.size()).as("and they use it: 250 per 5 s for 20 s").isGreaterThanOrEqualTo(4 * 250 - 5);
    assertThat(account.adaptive().limit()).as("the fixed claim held requests back, not auto's limit").isEqualTo(300);
    List<Long> alone = drive(clock, 20_000, auto);
    assertThat(peak(alone, 5000)).as("two windows after the fixed read's last request, auto alone").isGreaterThan(250);
  }

  @Test
  void readsWithDifferentWindowsHoldEachTheirOwn() throws Exception {
    FakeClock clock = new FakeClock();
    RequestBudget account = RequestBudget.account(() -> clock.nanos);
    Claim perFive = account.claim(250, 5000);
    Claim perSecond = account.claim(40, 1000);
    List<Long> starts = drive(clock, 20_000, perFive, perSecond);
    assertThat(peak(starts, 1000)).as("in any second").isEqualTo(40);
    assertThat(peak(starts, 5000)).as("in any 5 s").isLessThanOrEqualTo(250);
    FakeClock clock2 = new FakeClock();
    RequestBudget account2 = RequestBudget.account(() -> clock2.nanos);
    List<Long> both = drive(clock2, 20_000, account2.claim(250, 5000), account2.claim(100, 1000));
    assertThat(peak(both, 5000)).as("100 a second would be 500 per 5 s: 250 holds").isEqualTo(250);
    assertThat(peak(both, 1000)).isLessThanOrEqualTo(100);
  }

  @Test
  void aClaimHoldsUntilTwoOfItsWindowsAfterItsLastRequest() throws Exception {
    FakeClock clock = new FakeClock();
    RequestBudget account = RequestBudget.account(() -> clock.nanos);
    Claim small = account.claim(10, 1000);
    Claim large = account.claim(100, 1000);
    assertThat(drive(clock, 1000, large)).as("the small read's claim is in force from its start").hasSize(10);
    clock.advanceMillis(1000);
    assertThat(drive(clock, 1000, large)).as("two windows after: only the large one's").hasSize(100);
  }

  @Test
  void anAdaptiveLimitAboveTheStartHoldsMoreRequestsInItsWindow() throws Exception {
    AtomicLong clock = new AtomicLong();
    AdaptiveLimit limit = new AdaptiveLimit(310, 60_000_000_000L, clock::get);
    RequestBudget budget = new RequestBudget(250, 60_000, limit);
    assertThat(budget.effective()).isEqualTo(310);
    for (int i = 0; i < 300; i++) {
      clock.addAndGet(1_000_000_000L); // the pace's credit: 310 a minute, so more than 5 a second
      assertThat(budget.tryAcquire(0)).as("request %d", i).isTrue();
      budget.release();
    }
    assertThat(budget.endedInWindow()).as("the log grew past its first slots").isEqualTo(300);
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

}
