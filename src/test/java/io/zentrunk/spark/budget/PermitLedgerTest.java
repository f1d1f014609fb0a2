package io.zentrunk.spark.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lease book on a fake clock: what holds a slot of the budget, and for how long. */
class PermitLedgerTest {

  static final long S = 1_000_000_000L;
  final AtomicLong clock = new AtomicLong(1_000 * S);
  final PermitLedger ledger = new PermitLedger(clock::get);

  @Test
  void leasedPermitsHoldTheirSlotsUntilReportedAndEndedOnesStayInTheWindow() throws Exception {
    RequestBudget budget = new RequestBudget(10, 60_000);
    String a = ledger.open(budget, 20_000);
    String b = ledger.open(budget, 20_000);
    assertThat(ledger.lease(a, 6, 0)).isEqualTo(6);
    // the other executor gets only what is left, never more than the budget
    assertThat(ledger.lease(b, 6, 0)).isEqualTo(4);
    assertThat(ledger.lease(b, 1, 0)).isZero();
    assertThat(budget.inFlight()).isEqualTo(10);
    // a returns 2 unused (freed at once) and reports 4 ended (they stay in the window)
    ledger.report(a, 4, 0, 2, Long.MIN_VALUE, 4);
    assertThat(ledger.held(a)).isZero();
    assertThat(budget.inFlight()).isEqualTo(4);
    assertThat(budget.endedInWindow()).isEqualTo(4);
    assertThat(ledger.lease(b, 5, 0)).as("only the returned permits are free again").isEqualTo(2);
    assertThat(ledger.held(b)).isEqualTo(6);
  }

  @Test
  void anIdleSessionHoldsNothingAndReportsCannotFreeMoreThanItHolds() throws Exception {
    RequestBudget budget = new RequestBudget(5, 60_000);
    String a = ledger.open(budget, 20_000);
    assertThat(ledger.lease(a, 0, 0)).isZero();
    assertThat(budget.inFlight()).isZero();
    assertThat(ledger.lease(a, 2, 0)).isEqualTo(2);
    ledger.report(a, 7, 0, 9, Long.MIN_VALUE, 0); // a confused or hostile report frees only what a holds
    assertThat(budget.inFlight()).isZero();
    assertThat(budget.endedInWindow()).isEqualTo(2);
  }

  @Test
  void aSilentSessionExpiresAfterItsTtlAndItsPermitsCountAsEndedThen() throws Exception {
    RequestBudget budget = new RequestBudget(10, 60_000);
    String dead = ledger.open(budget, 20_000);
    String alive = ledger.open(budget, 20_000);
    assertThat(ledger.lease(dead, 7, 0)).isEqualTo(7);
    assertThat(ledger.lease(alive, 3, 0)).isEqualTo(3);
    clock.addAndGet(19 * S);
    ledger.report(alive, 0, 0, 0, Long.MIN_VALUE, 0); // heartbeat
    assertThat(ledger.expire()).isZero();
    assertThat(budget.inFlight()).isEqualTo(10);
    clock.addAndGet(1 * S);
    assertThat(ledger.expire()).as("the dead executor's 7 permits").isEqualTo(7);
    assertThat(ledger.sessions()).isEqualTo(1);
    // conservative: they may have been sent just before the executor died, so they enter the window now
    assertThat(budget.inFlight()).isEqualTo(3);
    assertThat(budget.endedInWindow()).isEqualTo(7);
    assertThatThrownBy(() -> ledger.report(dead, 7, 0, 0, Long.MIN_VALUE, 0)).isInstanceOf(PermitLedger.Expired.class);
    assertThatThrownBy(() -> ledger.lease(dead, 1, 0)).isInstanceOf(PermitLedger.Expired.class);
    assertThat(budget.endedInWindow()).as("a late report of the dead session frees nothing twice").isEqualTo(7);
    clock.addAndGet(18 * S); // 19 s since alive's heartbeat
    assertThat(ledger.expire()).isZero();
    clock.addAndGet(1 * S);
    assertThat(ledger.expire()).isEqualTo(3);
    assertThat(ledger.sessions()).isZero();
  }

  @Test
  void theBookNamesWhichExecutorHoldsPermitsAndWhoseExpired() throws Exception {
    RequestBudget budget = new RequestBudget(10, 60_000);
    String dead = ledger.open(budget, 20_000, "4242@worker-1");
    String alive = ledger.open(budget, 20_000, "4343@worker-2");
    String idle = ledger.open(budget, 20_000, "4444@worker-3");
    assertThat(ledger.lease(dead, 4, 0)).isEqualTo(4);
    assertThat(ledger.lease(alive, 3, 0)).isEqualTo(3);
    ledger.report(alive, 2, 0, 0, Long.MIN_VALUE, 2);
    PermitServer.Stats before = ledger.stats();
    assertThat(before.heldByClient()).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of("4242@worker-1", 4, "4343@worker-2", 1, "4444@worker-3", 0));
    assertThat(before.expiredByClient()).isEmpty();
    assertThat(before.ended()).isEqualTo(2);
    clock.addAndGet(19 * S);
    ledger.report(alive, 0, 0, 0, Long.MIN_VALUE, 0);
    clock.addAndGet(1 * S);
    assertThat(ledger.expire()).isEqualTo(4);
    PermitServer.Stats after = ledger.stats();
    // the idle session expired too (routine, nothing to count); only the one that held permits is named
    assertThat(after.expiredByClient()).containsExactlyEntriesOf(java.util.Map.of("4242@worker-1", 4));
    assertThat(after.heldByClient()).containsExactlyEntriesOf(java.util.Map.of("4343@worker-2", 1));
    assertThat(after.ended()).as("expired permits are not reported ends").isEqualTo(2);
    assertThat(ledger.sessions()).isEqualTo(1);
    assertThatThrownBy(() -> ledger.held(idle)).isInstanceOf(PermitLedger.Expired.class);
  }

  @Test
  void aLeaseThatWaitsGetsTheFirstPermitThatIsReturned() throws Exception {
    RequestBudget budget = new RequestBudget(2, 60_000);
    String a = ledger.open(budget, 20_000);
    String b = ledger.open(budget, 20_000);
    assertThat(ledger.lease(a, 2, 0)).isEqualTo(2);
    Thread returner = new Thread(() -> {
      try {
        Thread.sleep(100);
        ledger.report(a, 0, 0, 1, Long.MIN_VALUE, 0);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    returner.start();
    assertThat(ledger.lease(b, 4, 5 * S)).isEqualTo(1);
    returner.join();
    assertThat(ledger.lease(b, 1, 0)).isZero();
  }

  @Test
  void throttlingReportedByAnExecutorShrinksTheSharedBudget() throws Exception {
    RequestBudget budget = new RequestBudget(100, 60_000);
    String a = ledger.open(budget, 20_000);
    ledger.report(a, 0, 0, 0, 0, 0);
    assertThat(budget.effective()).isEqualTo(75);
    ledger.report(a, 0, 0, 0, Long.MIN_VALUE, 30); // + 30 x 0.05
    assertThat(budget.effective()).isEqualTo(76);
  }

  @Test
  void anEndReportedLateIsLoggedWhenTheRequestEndedNotWhenTheReportArrived() throws Exception {
    RequestBudget budget = new RequestBudget(4, 2_000);
    String a = ledger.open(budget, 20_000);
    assertThat(ledger.lease(a, 4, 0)).isEqualTo(4);
    ledger.report(a, 2, 0, 0, Long.MIN_VALUE, 0); // just ended: in the window for 2 s
    ledger.report(a, 2, 1_900_000_000L, 0, Long.MIN_VALUE, 0); // ended 1.9 s before the report: 0.1 s left
    assertThat(budget.endedInWindow()).isEqualTo(4);
    assertThat(ledger.lease(a, 4, 0)).isZero();
    assertThat(ledger.lease(a, 4, 1_000_000_000L)).as("the two that ended 1.9 s ago free their slots first").isEqualTo(2);
  }

  @Test
  void unknownSessionsAreRefused() {
    assertThatThrownBy(() -> ledger.lease("nope", 1, 0)).isInstanceOf(PermitLedger.Expired.class);
    assertThatThrownBy(() -> ledger.lease(null, 1, 0)).isInstanceOf(PermitLedger.Expired.class);
  }
}
