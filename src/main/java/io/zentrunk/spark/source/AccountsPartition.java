package io.zentrunk.spark.source;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * A partition of a read of several accounts: one slice of each of several budgets (each slice of one account), read
 * at once by one task ({@link io.zentrunk.spark.window.MergingReader}).
 *
 * <p>Why: a task reads a slice at its account's budget (50 requests a second at the default), so with one slice per
 * partition a read of more accounts than the cluster has task slots read only as many accounts at once as there were
 * slots, the other accounts' budgets idle (four accounts on three one-slot workers: at most 3 times one account's
 * rate). A partition holding a slice of every budget keeps every budget busy
 * from any number of slots: the reads wait on the API, not on a CPU. Accounts that share one budget gain nothing from
 * being read at once, so their slices stay in separate partitions.
 */
final class AccountsPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  /** The slices, each of its own budget. */
  final ZentrunkInputPartition[] slices;

  /** Made by {@link ZentrunkScan#combine} of two slices or more. */
  AccountsPartition(List<ZentrunkInputPartition> slices) {
    this.slices = slices.toArray(new ZentrunkInputPartition[0]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccountsPartition p && Arrays.equals(p.slices, slices);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(slices);
  }

  @Override
  public String toString() {
    return "AccountsPartition" + Arrays.toString(slices);
  }
}
