package io.zentrunk.spark.source;

import io.zentrunk.spark.window.GroupCounter;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One partition of a grouped count: groups whose counts probes already back (computed on the
 * driver), and windows whose rows must be read and grouped by Spark (with their probe page,
 * which is the whole window when it holds at most 20 records). No client, no conf, no secret.
 */
final class GroupPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  /** Spark row values: keys in output order, then the count (Java values: UTF8String, Integer, Long). */
  final List<Object[]> probedRows;
  final List<GroupCounter.RowWindow> windows;
  /** Which of the read's accounts the windows are of. */
  final int account;

  GroupPartition(List<Object[]> probedRows, List<GroupCounter.RowWindow> windows) {
    this(probedRows, windows, 0);
  }

  GroupPartition(List<Object[]> probedRows, List<GroupCounter.RowWindow> windows, int account) {
    this.probedRows = List.copyOf(probedRows);
    this.windows = List.copyOf(windows);
    this.account = account;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof GroupPartition p && p.windows.equals(windows) && p.probedRows.size() == probedRows.size()
        && p.account == account);
  }

  @Override
  public int hashCode() {
    return Objects.hash(windows, probedRows.size());
  }

  @Override
  public String toString() {
    return "GroupPartition[" + probedRows.size() + " probed groups, " + windows.size() + " windows read as rows]";
  }
}
