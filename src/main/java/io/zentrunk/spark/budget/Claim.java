package io.zentrunk.spark.budget;

import io.zentrunk.spark.client.Budget;
import io.zentrunk.spark.client.ClientConfig;

/**
 * One read's settings on an account's budget (shared by the reads with the same settings): its permits count in
 * the account's one log, under every claim in force. A claim is in force while a request of it waits or is in
 * flight, and until two of its windows after the last one ended.
 */
public final class Claim implements Budget {
  private final RequestBudget budget;
  final int requests;
  final long windowNanos;
  /** Requests of this claim waiting for a permit, and in flight (kept by the budget, under its lock). */
  int waiting;
  int inFlight;
  /** When a request of this claim last waited, started or ended (the budget's clock). */
  long lastSeen = Long.MIN_VALUE;

  Claim(RequestBudget budget, int requests, long windowMillis) {
    this.budget = budget;
    this.requests = requests;
    this.windowNanos = windowMillis * 1_000_000L;
  }

  boolean auto() {
    return requests == ClientConfig.AUTO_BUDGET;
  }

  /** The account's budget this claim is on. */
  public RequestBudget budget() {
    return budget;
  }

  /** As {@link RequestBudget#acquire()}, for a request of a read with these settings. */
  public long acquire() throws InterruptedException {
    return budget.acquire(this);
  }

  /** As {@link RequestBudget#tryAcquire(long)}, for a request of a read with these settings. */
  public boolean tryAcquire(long timeoutNanos) throws InterruptedException {
    return budget.tryAcquire(this, timeoutNanos);
  }

  public void release() {
    budget.release(this, 0);
  }

  public void release(long agoNanos) {
    budget.release(this, agoNanos);
  }

  public void cancel() {
    budget.cancel(this);
  }

  @Override
  public Permit permit() throws InterruptedException {
    return budget.permit(this);
  }

  @Override
  public void onThrottled(long retryAfterMillis) {
    budget.onThrottled(retryAfterMillis);
  }

  @Override
  public void onSuccess() {
    budget.onSuccess();
  }

  /** The account's budget now, as {@link RequestBudget#effective()}. */
  public int effective() {
    return budget.effective();
  }

  @Override
  public String toString() {
    return "claim " + (auto() ? "auto" : Integer.toString(requests)) + " per " + windowNanos / 1_000_000 + " ms";
  }
}
