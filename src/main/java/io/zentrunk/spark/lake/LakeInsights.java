package io.zentrunk.spark.lake;

import static io.zentrunk.spark.lake.LakeDays.window;
import static io.zentrunk.spark.source.CdrColumns.END_TIME;
import static org.apache.spark.sql.functions.col;

import io.zentrunk.spark.source.CdrColumns;
import io.zentrunk.spark.source.InsightsSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Iceberg table {@code call_insights} beside a lake's {@code cdrs} ({@code ingest --with-insights}): the
 * {@code zentrunk} source's {@code call_insights} rows of the calls each run adds to {@code cdrs}, and no others.
 *
 * <p>Two tables, one commit. Iceberg's JDBC and Hadoop catalogs commit one table at a time (only the REST
 * catalog's {@code POST /v1/{prefix}/transactions/commit}, {@code RESTCatalog#commitTransaction}, commits several
 * atomically), so the {@code cdrs} commit is the one commit point of both tables:
 * <ol>
 *   <li>the run writes {@code cdrs} on its branch (as without Insights), its snapshot naming the run
 *       ({@value #INSIGHTS_RUN});
 *   <li>it writes its {@code call_insights} rows on a branch of {@code call_insights} made at the snapshot that
 *       goes with {@code cdrs}' base, the snapshot naming the run ({@value #RUN}) and the {@code cdrs} snapshot it
 *       belongs with ({@value #CDRS_SNAPSHOT});
 *   <li>it fast-forwards {@code cdrs}' main (accepted only while main is still the run's base): the commit;
 *   <li>it fast-forwards {@code call_insights}' main to its branch.
 * </ol>
 * A run that dies before 3 leaves a branch and nothing visible; a run that loses 3 to another writer removes its
 * branch. A run that dies between 3 and 4 leaves {@code call_insights}' main behind the snapshot its {@code cdrs}
 * names: every run first moves it there ({@link #base}), before it reads anything. So {@code call_insights}' main
 * only ever holds snapshots a committed {@code cdrs} state names, and a reader that wants the exact pair reads
 * {@code call_insights} at the snapshot whose {@value #RUN} is {@code cdrs}' {@value #INSIGHTS_RUN}.
 */
final class LakeInsights {

  static final String TABLE = "call_insights";
  /** cdrs' snapshot summary: the run whose call_insights snapshot goes with this cdrs snapshot (lower case: Spark) */
  static final String INSIGHTS_RUN = "zentrunk.insights-run";
  /** call_insights' snapshot summary: the run that wrote it */
  static final String RUN = "zentrunk.run-id";
  /** call_insights' snapshot summary: the cdrs snapshot it belongs with */
  static final String CDRS_SNAPSHOT = "zentrunk.cdrs-snapshot";

  private final SparkSession spark;
  private final Catalog catalog;
  private final TableIdentifier ident;
  final String sparkIdent;
  final String name;

  LakeInsights(SparkSession spark, Catalog catalog, TableIdentifier ident, String sparkIdent, String name) {
    this.spark = spark;
    this.catalog = catalog;
    this.ident = ident;
    this.sparkIdent = sparkIdent;
    this.name = name;
  }

  /** The table, created (with an empty first snapshot, the first run's branch point) if it does not exist. */
  Table prepare(Provenance source, Consumer<String> progress) {
    Table t;
    try {
      t = catalog.loadTable(ident);
    } catch (NoSuchTableException absent) {
      Schema schema = SparkSchemaUtil.convert(InsightsSchema.SCHEMA);
      try {
        t = catalog.buildTable(ident, schema)
            .withPartitionSpec(PartitionSpec.builderFor(schema).day(END_TIME).build())
            .withSortOrder(SortOrder.builderFor(schema).asc(END_TIME).build())
            .withProperties(IcebergTables.properties(source))
            .create();
        progress.accept("created the Iceberg table " + t.name() + " at " + t.location());
      } catch (AlreadyExistsException raced) {
        t = catalog.loadTable(ident);
      }
    }
    t.refresh();
    if (t.currentSnapshot() == null) {
      IcebergTables.metadataCommit(t, x -> {
        if (x.currentSnapshot() == null) {
          x.newAppend().commit();
        }
      });
    }
    return t;
  }

  /** The run named by {@code cdrs} at {@code snapshot} (or its nearest ancestor that names one). */
  static Optional<String> namedRun(Table cdrs, long snapshot) {
    for (Snapshot s = cdrs.snapshot(snapshot); s != null; s = s.parentId() == null ? null : cdrs.snapshot(s.parentId())) {
      String v = s.summary().get(INSIGHTS_RUN);
      if (v != null) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** The call_insights snapshot the run {@code run} wrote, if the table still holds it. */
  static Optional<Snapshot> snapshotOf(Table insights, String run) {
    for (Snapshot s : insights.snapshots()) {
      if (run.equals(s.summary().get(RUN))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * The call_insights snapshot that goes with {@code cdrs} at {@code cdrsBase}, on which the run builds: first,
   * if a run died between its cdrs commit and call_insights' (main is an ancestor of the snapshot cdrs names),
   * call_insights' main is moved to it. Main ahead of it (a maintenance commit, say a compaction) is kept.
   *
   * @throws LakeUsageException in one line when call_insights' main was moved elsewhere than ingest moves it
   */
  long base(Table insights, Table cdrs, long cdrsBase, Consumer<String> progress) {
    insights.refresh();
    long main = insights.currentSnapshot().snapshotId();
    Optional<String> run = namedRun(cdrs, cdrsBase);
    if (run.isEmpty()) {
      return main; // no run with Insights yet (or its cdrs snapshot expired): main only ever moves after a commit
    }
    Snapshot named = snapshotOf(insights, run.get()).orElseThrow(() -> new LakeUsageException(name
        + " no longer holds the snapshot of run " + run.get() + " that cdrs names (expired or removed outside "
        + "ingest): restore it, or drop the table to start it again"));
    if (named.snapshotId() == main || SnapshotUtil.isAncestorOf(insights, main, named.snapshotId())) {
      return main;
    }
    if (SnapshotUtil.isAncestorOf(insights, named.snapshotId(), main)) {
      IcebergTables.metadataCommit(insights, t -> t.manageSnapshots()
          .replaceBranch(SnapshotRef.MAIN_BRANCH, named.snapshotId()).commit());
      progress.accept(name + ": main moved to snapshot " + named.snapshotId() + ", the one cdrs names (run "
          + run.get() + " ended between its cdrs commit and this one)");
      return named.snapshotId();
    }
    throw new LakeUsageException(name + "'s main (snapshot " + main + ") is neither the snapshot cdrs names ("
        + named.snapshotId() + ", run " + run.get() + ") nor after it: it was changed outside ingest; roll it back to "
        + named.snapshotId());
  }

  /**
   * The run's new calls by window: the calls of {@code written} (the run's cdrs branch, its windows) that neither
   * cdrs at {@code cdrsBase} nor call_insights at {@code insightsBase} holds. Local files only: no request.
   */
  Map<IngestPlan.Window, List<String>> newCalls(IngestPlan plan, Dataset<Row> written, String cdrsIdent,
      long cdrsBase, long insightsBase) {
    org.apache.spark.sql.Column in = window(plan.windows());
    Dataset<Row> held = spark.table(cdrsIdent + ".snapshot_id_" + cdrsBase).where(in).select(CdrColumns.CALL_UUID)
        .union(spark.table(sparkIdent + ".snapshot_id_" + insightsBase).where(in).select(CdrColumns.CALL_UUID));
    Dataset<Row> mine = written.where(in).select(CdrColumns.CALL_UUID, END_TIME);
    List<Row> fresh = mine.join(held, mine.col(CdrColumns.CALL_UUID).equalTo(held.col(CdrColumns.CALL_UUID)), "left_anti")
        .collectAsList();
    Map<IngestPlan.Window, List<String>> out = new LinkedHashMap<>();
    for (IngestPlan.Window w : plan.windows()) {
      out.put(w, new ArrayList<>());
    }
    for (Row r : fresh) {
      Object t = r.get(1);
      Instant end = t instanceof Instant i ? i : ((java.sql.Timestamp) t).toInstant();
      for (IngestPlan.Window w : plan.windows()) {
        if (!end.isBefore(w.start()) && end.isBefore(w.end())) {
          out.get(w).add(r.getString(0));
        }
      }
    }
    return out;
  }

  /** The Insights of {@code calls}: one read of the source per window that has new calls, or null if none has. */
  static Dataset<Row> read(InsightsInput input, Map<IngestPlan.Window, List<String>> calls) {
    Dataset<Row> all = null;
    for (Map.Entry<IngestPlan.Window, List<String>> e : calls.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      IngestPlan.Window w = e.getKey();
      Dataset<Row> one = input.read(w.start(), w.end()).where(window(w.start(), w.end()))
          .where(col(CdrColumns.CALL_UUID).isin(e.getValue().toArray()));
      all = all == null ? one : all.unionByName(one);
    }
    return all;
  }
}
