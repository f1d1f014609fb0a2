package io.zentrunk.spark.lake;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.SparkSession;

/** What an Iceberg lake no longer needs after a successful run: old snapshots, their files, dead runs' branches. */
final class IcebergExpiry {

  private IcebergExpiry() {}

  /**
   * Removes the branches of runs that died before their fast-forward, then expires the snapshots older than
   * {@code keepDays} days (the current one always stays) with the files only they referenced.
   */
  static void expire(SparkSession spark, Table table, int keepDays, Consumer<String> progress) {
    long now = System.currentTimeMillis();
    long staleBranch = now - Math.max(Duration.ofDays(keepDays).toMillis(), Duration.ofDays(1).toMillis());
    for (Map.Entry<String, SnapshotRef> r : table.refs().entrySet()) {
      if (r.getKey().startsWith(IcebergLake.BRANCH_PREFIX) && table.snapshot(r.getValue().snapshotId()).timestampMillis() < staleBranch) {
        IcebergTables.metadataCommit(table, t -> t.manageSnapshots().removeBranch(r.getKey()).commit());
        progress.accept("removed the branch " + r.getKey() + " of a run that did not finish");
      }
    }
    int before = size(table.snapshots());
    long cutoff = now - Duration.ofDays(keepDays).toMillis();
    long current = table.currentSnapshot().snapshotId();
    boolean expirable = false;
    for (Snapshot s : table.snapshots()) {
      expirable |= s.snapshotId() != current && s.timestampMillis() < cutoff;
    }
    if (!expirable) {
      progress.accept("snapshots: " + before + " kept, none older than " + keepDays + " days");
      return;
    }
    // Spark's action deletes what was reachable before and is not after: exact whatever the history looks like
    // (the table API's incremental clean-up can leave files that the current snapshot has just replaced)
    ExpireSnapshots.Result r = SparkActions.get(spark).expireSnapshots(table).expireOlderThan(cutoff).retainLast(1)
        .execute();
    table.refresh();
    int after = size(table.snapshots());
    progress.accept("snapshots: " + after + " kept, " + (before - after) + " expired (older than " + keepDays
        + " days); " + r.deletedDataFilesCount() + " data files only they used deleted");
  }

  private static int size(Iterable<?> it) {
    int n = 0;
    for (Object ignored : it) {
      n++;
    }
    return n;
  }
}
