package io.zentrunk.spark.client;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one reader (a Spark partition, the planner): what it cost against the API. */
public final class ReadStats {
  public final LongAdder requests = new LongAdder();
  public final LongAdder retries = new LongAdder();
  public final LongAdder throttled = new LongAdder();
  public final LongAdder budgetWaitNanos = new LongAdder();
  public final LongAdder pages = new LongAdder();
  public final LongAdder rows = new LongAdder();
  public final LongAdder rereads = new LongAdder();
  /** Insights answered (a 404, no Insights, included). */
  public final LongAdder insights = new LongAdder();

  @Override
  public String toString() {
    return "requests=" + requests.sum() + " retries=" + retries.sum() + " 429s=" + throttled.sum()
        + " budgetWaitMs=" + budgetWaitNanos.sum() / 1_000_000 + " pages=" + pages.sum() + " rows=" + rows.sum()
        + " rereads=" + rereads.sum() + " insights=" + insights.sum();
  }
}
