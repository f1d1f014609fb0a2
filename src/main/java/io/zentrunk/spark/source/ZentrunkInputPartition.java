package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrPage;
import io.zentrunk.spark.client.CdrQuery;
import java.util.Objects;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One slice of a read: a window and its filters (no client, no conf, no secret). A slice the
 * planner counted carries its probed page 0, so its read starts from it (with at most 20
 * records the read costs nothing more). A part the driver cut but did not count
 * ({@link #planInTask}) is counted and split by its own task as it reads.
 */
final class ZentrunkInputPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  final CdrQuery query;
  /** What the planner counted in the window; null when the scan was not planned by counts (COUNT, LIMIT). */
  final Long plannedCount;
  final CdrPage inlinePage;
  /** True for a part its task counts and splits ({@link io.zentrunk.spark.window.WindowPlanner#planLeaves}). */
  final boolean planInTask;
  /** Which of the read's accounts ({@link ReadConf#accounts}) the slice is of. */
  final int account;

  ZentrunkInputPartition(CdrQuery query, Long plannedCount, CdrPage inlinePage) {
    this(query, plannedCount, inlinePage, false, 0);
  }

  private ZentrunkInputPartition(CdrQuery query, Long plannedCount, CdrPage inlinePage, boolean planInTask, int account) {
    this.query = query;
    this.plannedCount = plannedCount;
    this.inlinePage = inlinePage;
    this.planInTask = planInTask;
    this.account = account;
  }

  /** A part of the read that its task counts and splits as it reads. */
  static ZentrunkInputPartition plannedInTask(CdrQuery query) {
    return new ZentrunkInputPartition(query, null, null, true, 0);
  }

  /** The same slice of the {@code account}-th account. */
  ZentrunkInputPartition ofAccount(int account) {
    return new ZentrunkInputPartition(query, plannedCount, inlinePage, planInTask, account);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZentrunkInputPartition p && p.query.equals(query) && Objects.equals(p.plannedCount, plannedCount)
        && Objects.equals(p.inlinePage, inlinePage) && p.planInTask == planInTask && p.account == account;
  }

  @Override
  public int hashCode() {
    return Objects.hash(query, plannedCount, account);
  }

  @Override
  public String toString() {
    return "ZentrunkInputPartition" + query + (plannedCount != null ? " planned=" + plannedCount : "") + (inlinePage != null ? " inline" : "")
        + (planInTask ? " planned in its task" : "") + (account != 0 ? " account #" + account : "");
  }
}
