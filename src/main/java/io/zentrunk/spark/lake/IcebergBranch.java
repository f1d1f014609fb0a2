package io.zentrunk.spark.lake;

import static io.zentrunk.spark.lake.LakeDays.window;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;

/**
 * One run's private branch of the table: created at the snapshot the run planned from, written, then
 * fast-forwarded onto {@code main}, which the catalog accepts only while {@code main} is still that snapshot.
 * Closing it removes the branch unless {@code main} took it.
 */
final class IcebergBranch implements AutoCloseable {

  private final SparkSession spark;
  private final Table table;
  private final String lake;
  private final String name;
  private final String sparkIdent;
  private final Consumer<String> progress;
  private boolean published;

  private IcebergBranch(SparkSession spark, Table table, String lake, String name, String sparkIdent,
      Consumer<String> progress) {
    this.spark = spark;
    this.table = table;
    this.lake = lake;
    this.name = name;
    this.sparkIdent = sparkIdent;
    this.progress = progress;
  }

  /**
   * @param lake the lake's name, for messages
   * @param tableIdent the name Spark resolves for the table
   * @param base the snapshot the run read its state from
   */
  static IcebergBranch create(SparkSession spark, Table table, String lake, String tableIdent, long base,
      Consumer<String> progress) {
    String name = IcebergLake.BRANCH_PREFIX + UUID.randomUUID().toString().replace("-", "");
    IcebergTables.metadataCommit(table, t -> t.manageSnapshots().createBranch(name, base).commit());
    // the branch named in the identifier, not by the "branch" write option: that one needs Iceberg's SQL
    // extensions in the session, which a spark-submit job cannot add at run time
    return new IcebergBranch(spark, table, lake, name, tableIdent + ".branch_" + name, progress);
  }

  /**
   * Replaces the plan's days on the branch by {@code cdrs}, with {@code state} in the same snapshot, and returns
   * the records written per day, counted from the branch (local files: the API is not read twice).
   */
  Map<LocalDate, Long> write(Dataset<Row> cdrs, IngestPlan plan, Optional<Instant> state) {
    return write(cdrs, plan, state, Map.of());
  }

  /** As {@link #write(Dataset, IngestPlan, Optional)}, with {@code more} in the snapshot's summary too. */
  Map<LocalDate, Long> write(Dataset<Row> cdrs, IngestPlan plan, Optional<Instant> state, Map<String, String> more) {
    Map<String, String> properties = new java.util.LinkedHashMap<>(more);
    properties.put(IcebergLake.DAYS, String.join(",", plan.windows().stream().map(w -> w.start() + "/" + w.end()).toList()));
    state.ifPresent(s -> properties.put(IcebergLake.COMPLETE_UNTIL, s.toString()));
    overwrite(cdrs, window(plan.windows()), properties);
    return LakeDays.countByDay(plan.days(), rows().where(window(plan.windows())));
  }

  /** Replaces the branch's rows that {@code replaced} selects by {@code cdrs}, with {@code properties} in the snapshot. */
  void overwrite(Dataset<Row> cdrs, org.apache.spark.sql.Column replaced, Map<String, String> properties) {
    var write = cdrs.writeTo(sparkIdent);
    for (Map.Entry<String, String> p : properties.entrySet()) {
      write = write.option("snapshot-property." + p.getKey(), p.getValue());
    }
    try {
      write.overwrite(replaced);
    } catch (NoSuchTableException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Appends {@code rows} to the branch, with {@code properties} in the snapshot; none: an empty snapshot. */
  void append(Dataset<Row> rows, Map<String, String> properties) {
    if (rows == null) {
      IcebergTables.metadataCommit(table, t -> {
        var append = t.newAppend().toBranch(name);
        properties.forEach(append::set);
        append.commit();
      });
      return;
    }
    var write = rows.writeTo(sparkIdent);
    for (Map.Entry<String, String> p : properties.entrySet()) {
      write = write.option("snapshot-property." + p.getKey(), p.getValue());
    }
    try {
      write.append();
    } catch (NoSuchTableException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The snapshot the branch points at. */
  long head() {
    table.refresh();
    return table.refs().get(name).snapshotId();
  }

  /** The branch's rows (local files). */
  Dataset<Row> rows() {
    return spark.table(sparkIdent);
  }

  /**
   * Makes the branch {@code main}, and so the run's data visible.
   *
   * @throws LakeConflictException in one line when anyone committed to {@code main} after the branch's base
   */
  void fastForwardMain() {
    try {
      IcebergTables.metadataCommit(table, t -> t.manageSnapshots()
          .fastForwardBranch(SnapshotRef.MAIN_BRANCH, name).removeBranch(name).commit());
      published = true;
    } catch (ValidationException | IllegalArgumentException e) {
      // "Cannot fast-forward: main is not an ancestor of ...": someone committed after this run read its state
      table.refresh();
      Snapshot now = table.currentSnapshot();
      throw new LakeConflictException("another writer committed to " + lake + " (snapshot "
          + (now == null ? "?" : now.snapshotId()) + ") while this run was writing; nothing of this run is "
          + "visible: run ingest again", e);
    }
  }

  /** Leaves the branch in place when closed: it holds a snapshot a committed state names. */
  void keep() {
    published = true;
  }

  @Override
  public void close() {
    if (published) {
      return;
    }
    try {
      IcebergTables.metadataCommit(table, t -> t.manageSnapshots().removeBranch(name).commit());
    } catch (RuntimeException cleanup) {
      progress.accept("could not remove the branch " + name + " (removed by a later run): " + cleanup.getMessage());
    }
  }
}
