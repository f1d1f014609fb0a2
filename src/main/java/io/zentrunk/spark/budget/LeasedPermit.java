package io.zentrunk.spark.budget;

import io.zentrunk.spark.client.Budget;

/** A permit handed out by a {@link PermitClient}: its end is reported once, however often it is released. */
final class LeasedPermit implements Budget.Permit {
  private final long waitedNanos;
  private final Runnable onEnd;
  private boolean done;

  LeasedPermit(long waitedNanos, Runnable onEnd) {
    this.waitedNanos = waitedNanos;
    this.onEnd = onEnd;
  }

  @Override
  public long waitedNanos() {
    return waitedNanos;
  }

  @Override
  public synchronized void release() {
    if (!done) {
      done = true;
      onEnd.run();
    }
  }
}
