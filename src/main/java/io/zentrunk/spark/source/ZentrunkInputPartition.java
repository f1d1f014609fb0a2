package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrPage;
import io.zentrunk.spark.client.CdrQuery;
import java.util.Objects;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One slice of a read: a window and its filters (no client, no conf, no secret). A slice the
 * planner saw whole (at most 20 records, one request) carries that page, so the read costs
 * nothing more.
 */
final class ZentrunkInputPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  final CdrQuery query;
  /** What the planner counted in the window; null when the scan was not planned by counts (COUNT, LIMIT). */
  final Long plannedCount;
  final CdrPage inlinePage;

  ZentrunkInputPartition(CdrQuery query, Long plannedCount, CdrPage inlinePage) {
    this.query = query;
    this.plannedCount = plannedCount;
    this.inlinePage = inlinePage;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZentrunkInputPartition p && p.query.equals(query) && Objects.equals(p.plannedCount, plannedCount)
        && Objects.equals(p.inlinePage, inlinePage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(query, plannedCount);
  }

  @Override
  public String toString() {
    return "ZentrunkInputPartition" + query + (plannedCount != null ? " planned=" + plannedCount : "") + (inlinePage != null ? " inline" : "");
  }
}
