package io.zentrunk.spark.lake;

import io.zentrunk.spark.client.UtcDays;
import io.zentrunk.spark.jobs.Progress;
import io.zentrunk.spark.jobs.UsageException;
import io.zentrunk.spark.source.CdrColumns;
import io.zentrunk.spark.source.CdrSchema;
import static io.zentrunk.spark.source.CdrColumns.END_DATE;
import static io.zentrunk.spark.source.CdrColumns.END_TIME;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * The lake as an Apache Iceberg table: {@code <lake>/cdrs} (a path table, {@code metadata/} and {@code data/}
 * under it) or any table of a catalog the user configured ({@code --table CATALOG.NAMESPACE.TABLE}).
 *
 * <p>Design: the connector's typed schema; partitioned by {@code days(end_time)} (hidden partitioning: readers
 * filter on {@code end_time} and Iceberg prunes); sorted by {@code end_time} within files; Parquet with zstd.
 * Format version 2: every engine that reads Iceberg (Spark, Trino, Flink, DuckDB, Athena, Snowflake) reads v2,
 * while v3 support is still partial across them, and nothing v3 adds (deletion vectors, row lineage, variant,
 * nanosecond timestamps) is of use here: ingest replaces whole day partitions, it never deletes rows.
 *
 * <p>One run is one snapshot on {@code main}: the rows of its whole UTC days {@code [start, end)} are replaced
 * (Iceberg's overwrite by filter: days that now have no CDRs end up empty, other days are untouched), and the
 * snapshot summary carries the state, {@code zentrunk.complete-until}, in the same commit. Provenance is in the
 * table properties {@code zentrunk.auth-id} and {@code zentrunk.api-host}.
 *
 * <p>Concurrency: the run writes its snapshot on a private branch created at the snapshot it read its state
 * from, then fast-forwards {@code main} to it. The fast-forward is accepted only while {@code main} is still
 * that snapshot, which the catalog checks in its atomic commit; if anyone committed in between, this run fails
 * with one line and nothing of it is visible. So a run never overwrites another's commit, and the state it
 * commits was computed from the table it replaces: the state never moves backwards.
 */
public final class IcebergLake implements CdrLake {

  public static final String COMPLETE_UNTIL = "zentrunk.complete-until";
  static final String DAYS = "zentrunk.days";
  static final String AUTH_ID = "zentrunk.auth-id";
  public static final String API_HOST = "zentrunk.api-host";
  static final int FORMAT_VERSION = 2;
  static final String BRANCH_PREFIX = "zentrunk_run_";
  private static final String MAIN = SnapshotRef.MAIN_BRANCH;

  private final SparkSession spark;
  private final String name;
  private final String catalogName;
  private final TableIdentifier ident;
  private final String sparkIdent;
  private final FileSystem fs; // path tables only
  private final Path root; // path tables only
  private Long baseSnapshotId;

  private IcebergLake(SparkSession spark, String name, String catalogName, TableIdentifier ident, String sparkIdent,
      FileSystem fs, Path root) {
    this.spark = spark;
    this.name = name;
    this.catalogName = catalogName;
    this.ident = ident;
    this.sparkIdent = sparkIdent;
    this.fs = fs;
    this.root = root;
  }

  /**
   * The path table {@code <location>/cdrs}, through a Hadoop catalog whose warehouse is the lake folder,
   * registered in this session under a name derived from the location (Iceberg's own path catalog,
   * {@code spark.read().format("iceberg").load(path)}, cannot take a branch or an overwrite filter).
   */
  static IcebergLake atPath(SparkSession spark, String location) {
    try {
      Path p = new Path(location);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path root = fs.makeQualified(p);
      checkLayout(fs, root, location);
      String catalog = "zentrunk_lake_" + sha256(root.toString()).substring(0, 16);
      String prefix = "spark.sql.catalog." + catalog;
      spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
      if (fs.hasPathCapability(root, ConditionalWrites.CREATE_IF_ABSENT)) {
        // S3: each metadata version is a conditional create, the commit that a rename is not there
        spark.conf().set(prefix + ".catalog-impl", ConditionalCommitCatalog.class.getName());
      } else {
        spark.conf().set(prefix + ".type", "hadoop");
      }
      spark.conf().set(prefix + ".warehouse", root.toString());
      // the job reloads the table itself whenever it matters; a cache would only hide other writers' commits
      spark.conf().set(prefix + ".cache-enabled", "false");
      return new IcebergLake(spark, "--lake " + location, catalog, TableIdentifier.of(ParquetLake.CDRS),
          catalog + "." + ParquetLake.CDRS, fs, root);
    } catch (IOException e) {
      throw new UsageException("--lake " + location + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** {@code CATALOG.NAMESPACE.TABLE} in a catalog configured with {@code spark.sql.catalog.CATALOG}. */
  static IcebergLake inCatalog(SparkSession spark, String table) {
    List<String> parts = Arrays.asList(table.split("\\."));
    if (parts.size() < 3 || parts.stream().anyMatch(String::isBlank)) {
      throw new UsageException("--table must be CATALOG.NAMESPACE.TABLE, not '" + table + "'");
    }
    String catalog = parts.get(0);
    if (!spark.conf().contains("spark.sql.catalog." + catalog)) {
      throw new UsageException("--table " + table + ": no catalog '" + catalog + "' is configured (set spark.sql.catalog."
          + catalog + "=org.apache.iceberg.spark.SparkCatalog and its type, uri, warehouse)");
    }
    TableIdentifier id = TableIdentifier.of(Namespace.of(parts.subList(1, parts.size() - 1).toArray(new String[0])),
        parts.get(parts.size() - 1));
    return new IcebergLake(spark, "--table " + table, catalog, id, table, null, null);
  }

  private static void checkLayout(FileSystem fs, Path root, String location) throws IOException {
    if (!fs.exists(root)) {
      return;
    }
    if (!fs.getFileStatus(root).isDirectory()) {
      throw new UsageException("--lake " + location + " holds something else: it is a file");
    }
    for (FileStatus s : fs.listStatus(root)) {
      String n = s.getPath().getName();
      if (!(n.equals(ParquetLake.CDRS) && s.isDirectory() || n.startsWith("_") || n.startsWith("."))) {
        throw new UsageException("--lake " + location + " holds something else: '" + n
            + "'; an Iceberg CDR lake holds only cdrs/ (use an empty folder or an existing lake)");
      }
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public LakeFormat format() {
    return LakeFormat.ICEBERG;
  }

  /** The name Spark resolves for this table, e.g. for {@code spark.table(...)}. */
  String sparkIdentifier() {
    return sparkIdent;
  }

  @Override
  public LakeLock lock() {
    if (root == null) {
      return new LakeLock() {
        @Override
        void check() {}

        @Override
        public void close() {}
      };
    }
    return LakeLock.acquire(fs, root, name);
  }

  private Catalog catalog() {
    return Spark3Util.loadIcebergCatalog(spark, catalogName);
  }

  /** The table, reloaded, if it exists. */
  Optional<Table> table() {
    try {
      Table t = catalog().loadTable(ident);
      t.refresh();
      return Optional.of(t);
    } catch (NoSuchTableException e) {
      return Optional.empty();
    }
  }

  static Schema schema() {
    return SparkSchemaUtil.convert(CdrSchema.SCHEMA);
  }

  static PartitionSpec spec(Schema schema) {
    return PartitionSpec.builderFor(schema).day(END_TIME).build();
  }

  @Override
  public void prepare(Provenance source, boolean changeOnPurpose, Progress progress) {
    Optional<Table> existing = table();
    Table t;
    if (existing.isPresent()) {
      t = existing.get();
      Optional<Provenance> recorded = provenance(t);
      Provenance.check(name, recorded, source, changeOnPurpose);
      if (recorded.isEmpty() || !recorded.get().equals(source)) {
        metadataCommit(t, x -> x.updateProperties().set(AUTH_ID, source.authId()).set(API_HOST, source.apiHost()).commit());
        progress.line("source recorded: " + source + recorded.map(r -> " (was " + r + ")").orElse(""));
      }
    } else {
      t = create(source);
      progress.line("created the Iceberg table " + t.name() + " at " + t.location() + " for " + source);
    }
    if (t.currentSnapshot() == null) {
      // the first run's branch starts from this empty snapshot, like every later run's from the one before
      t.newAppend().commit();
    }
  }

  private Table create(Provenance source) {
    Catalog catalog = catalog();
    if (catalog instanceof SupportsNamespaces ns && !ident.namespace().isEmpty()
        && !ns.namespaceExists(ident.namespace())) {
      try {
        ns.createNamespace(ident.namespace());
      } catch (AlreadyExistsException raced) {
        // created meanwhile by another run
      }
    }
    Schema schema = schema();
    Map<String, String> props = new LinkedHashMap<>();
    props.put(TableProperties.FORMAT_VERSION, String.valueOf(FORMAT_VERSION));
    props.put(TableProperties.PARQUET_COMPRESSION, "zstd");
    // cluster each write by day partition, then sort by the table's sort order (end_time) within each file
    props.put(TableProperties.WRITE_DISTRIBUTION_MODE, TableProperties.WRITE_DISTRIBUTION_MODE_HASH);
    // old metadata files go once they are no longer needed, as expired snapshots do
    props.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
    props.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20");
    props.put(AUTH_ID, source.authId());
    props.put(API_HOST, source.apiHost());
    try {
      return catalog.buildTable(ident, schema)
          .withPartitionSpec(spec(schema))
          .withSortOrder(SortOrder.builderFor(schema).asc(END_TIME).build())
          .withProperties(props)
          .create();
    } catch (AlreadyExistsException raced) {
      Table t = catalog.loadTable(ident);
      Provenance.check(name, provenance(t), source, false);
      return t;
    }
  }

  static Optional<Provenance> provenance(Table t) {
    String id = t.properties().get(AUTH_ID);
    String host = t.properties().get(API_HOST);
    return id == null || host == null ? Optional.empty() : Optional.of(new Provenance(id, host));
  }

  @Override
  public Optional<Instant> state() {
    Optional<Table> t = table();
    if (t.isEmpty()) {
      baseSnapshotId = null;
      return Optional.empty();
    }
    Snapshot current = t.get().currentSnapshot();
    baseSnapshotId = current == null ? null : current.snapshotId();
    return stateAt(t.get(), current);
  }

  /**
   * The state in force at {@code snapshot}: its own {@code zentrunk.complete-until}, or that of its nearest
   * ancestor that has one (a compaction or other maintenance commit carries none).
   */
  static Optional<Instant> stateAt(Table table, Snapshot snapshot) {
    for (Snapshot s = snapshot; s != null; s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
      String v = s.summary().get(COMPLETE_UNTIL);
      if (v != null) {
        return Optional.of(Instant.parse(v));
      }
    }
    return Optional.empty();
  }

  private static Column window(Instant start, Instant end) {
    return col(END_TIME).geq(lit(start)).and(col(END_TIME).lt(lit(end)));
  }

  @Override
  public ParquetLake.Result ingest(IngestPlan plan, CdrInput reader, Progress progress, Runnable beforeCommit) {
    Table table = table().orElseThrow(() -> new IllegalStateException("prepare() creates the table"));
    if (baseSnapshotId == null) {
      throw new IllegalStateException("state() pins the snapshot this run builds on");
    }
    Optional<Instant> state = stateAt(table, table.snapshot(baseSnapshotId));
    Optional<Instant> newState = plan.advanceStateTo().isPresent() ? plan.advanceStateTo() : state;
    progress.line("reading " + UtcDays.days(plan.days()) + " [" + plan.readStart() + ", " + plan.readEnd() + ")");
    StageMarkers.reach(StageMarkers.READING);
    // The filter is not optional: a row outside the plan would fail the overwrite's validation.
    // Read once, straight into the write: the per-day counts come from the written branch afterwards (local
    // files), so the rate-limited API is never read twice and nothing is cached.
    Dataset<Row> cdrs = reader.read(plan.readStart(), plan.readEnd()).where(window(plan.readStart(), plan.readEnd()));
    String branch = BRANCH_PREFIX + UUID.randomUUID().toString().replace("-", "");
    boolean branched = false;
    try {
      evolve(table, cdrs, progress);
      metadataCommit(table, t -> t.manageSnapshots().createBranch(branch, baseSnapshotId).commit());
      branched = true;
      // the branch named in the identifier, not by the "branch" write option: that one needs Iceberg's SQL
      // extensions in the session, which a spark-submit job cannot add at run time
      var write = cdrs.writeTo(sparkIdent + ".branch_" + branch)
          .option("snapshot-property." + DAYS, plan.readStart() + "/" + plan.readEnd());
      if (newState.isPresent()) {
        write = write.option("snapshot-property." + COMPLETE_UNTIL, newState.get().toString());
      }
      write.overwrite(window(plan.readStart(), plan.readEnd()));
      Map<LocalDate, Long> counts = new LinkedHashMap<>();
      plan.days().forEach(d -> counts.put(d, 0L));
      for (Row r : spark.table(sparkIdent + ".branch_" + branch).where(window(plan.readStart(), plan.readEnd()))
          .groupBy(CdrColumns.endDate().cast("string").as(END_DATE)).count().collectAsList()) {
        counts.put(LocalDate.parse(r.getString(0)), r.getLong(1));
      }
      beforeCommit.run();
      try {
        StageMarkers.during(StageMarkers.FAST_FORWARD, () -> {
          metadataCommit(table, t -> t.manageSnapshots().fastForwardBranch(MAIN, branch).removeBranch(branch).commit());
          return null;
        });
        branched = false;
        StageMarkers.reach(StageMarkers.COMMITTED);
      } catch (ValidationException | IllegalArgumentException e) {
        // "Cannot fast-forward: main is not an ancestor of ...": someone committed after this run read its state
        table.refresh();
        Snapshot now = table.currentSnapshot();
        throw new LakeConflictException("another writer committed to " + name + " (snapshot "
            + (now == null ? "?" : now.snapshotId()) + ") while this run was writing; nothing of this run is "
            + "visible: run ingest again", e);
      }
      for (Map.Entry<LocalDate, Long> e : counts.entrySet()) {
        progress.line(String.format(Locale.ROOT, "%s: %,d records", e.getKey(), e.getValue()));
      }
      table.refresh();
      progress.line("committed snapshot " + table.currentSnapshot().snapshotId() + " to " + table.location());
      if (plan.advanceStateTo().isPresent()) {
        progress.line("state: complete until " + newState.get());
      } else {
        progress.line("state unchanged: " + state.map(Instant::toString).orElse("none"));
      }
      baseSnapshotId = table.currentSnapshot().snapshotId();
      return new ParquetLake.Result(counts, newState);
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(e);
    } finally {
      if (branched) {
        try {
          metadataCommit(table, t -> t.manageSnapshots().removeBranch(branch).commit());
        } catch (RuntimeException cleanup) {
          progress.line("could not remove the branch " + branch + " (removed by a later run): " + cleanup.getMessage());
        }
      }
    }
  }

  /**
   * Runs a metadata commit (a branch created, moved or removed) on the freshly loaded table, again after a
   * {@link CommitFailedException}: another writer changed the metadata meanwhile (say, created its own branch),
   * which the catalog's compare-and-swap rejects and Iceberg's own retry cannot redo inside a transaction.
   * What must not be redone blindly is not: the fast-forward re-checks that {@code main} is an ancestor.
   */
  private static void metadataCommit(Table table, java.util.function.Consumer<Table> commit) {
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      try {
        commit.accept(table);
        return;
      } catch (CommitFailedException e) {
        if (attempt >= 10) {
          throw e;
        }
        try {
          Thread.sleep(50L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Adds the columns that the source has and the table lacks (a later connector version may add some). */
  private void evolve(Table table, Dataset<Row> cdrs, Progress progress) {
    List<String> added = new ArrayList<>();
    UpdateSchema update = table.updateSchema();
    for (StructField f : cdrs.schema().fields()) {
      if (table.schema().findField(f.name()) == null) {
        update.addColumn(f.name(), SparkSchemaUtil.convert(f.dataType()));
        added.add(f.name());
      }
    }
    if (!added.isEmpty()) {
      update.commit();
      table.refresh();
      progress.line("schema: added column" + (added.size() > 1 ? "s " : " ") + String.join(", ", added));
    }
  }

  /**
   * Expires the snapshots older than {@code keepDays} days (the current one always stays) and deletes the files
   * that only they referenced; removes branches of runs that died before their fast-forward.
   */
  @Override
  public void housekeeping(int keepDays, Progress progress) {
    try {
      expire(keepDays, progress);
    } catch (Exception e) { // SparkException is checked, and Scala throws it undeclared
      // the run's data and state are committed: a failed clean-up must not make it look failed
      progress.line("snapshot expiry did not run (" + e.getClass().getSimpleName() + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); the next run tries again");
    }
  }

  private void expire(int keepDays, Progress progress) {
    Table table = table().orElseThrow();
    long now = System.currentTimeMillis();
    long staleBranch = now - Math.max(Duration.ofDays(keepDays).toMillis(), Duration.ofDays(1).toMillis());
    for (Map.Entry<String, SnapshotRef> r : table.refs().entrySet()) {
      if (r.getKey().startsWith(BRANCH_PREFIX) && table.snapshot(r.getValue().snapshotId()).timestampMillis() < staleBranch) {
        metadataCommit(table, t -> t.manageSnapshots().removeBranch(r.getKey()).commit());
        progress.line("removed the branch " + r.getKey() + " of a run that did not finish");
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
      progress.line("snapshots: " + before + " kept, none older than " + keepDays + " days");
      return;
    }
    // Spark's action deletes what was reachable before and is not after: exact whatever the history looks like
    // (the table API's incremental clean-up left files that the current snapshot had just replaced)
    ExpireSnapshots.Result r = SparkActions.get(spark).expireSnapshots(table).expireOlderThan(cutoff).retainLast(1)
        .execute();
    table.refresh();
    int after = size(table.snapshots());
    progress.line("snapshots: " + after + " kept, " + (before - after) + " expired (older than " + keepDays
        + " days); " + r.deletedDataFilesCount() + " data files only they used deleted");
  }

  private static int size(Iterable<?> it) {
    int n = 0;
    for (Object ignored : it) {
      n++;
    }
    return n;
  }

  @Override
  public Dataset<Row> read(Instant start, Instant end) {
    Optional<Table> t = table();
    if (t.isEmpty() || t.get().currentSnapshot() == null) {
      throw new UsageException(name + " has no CDRs yet: run ingest first");
    }
    try {
      spark.catalog().refreshTable(sparkIdent);
    } catch (RuntimeException notCached) {
      // nothing cached to refresh
    }
    return spark.table(sparkIdent).where(window(start, end));
  }

  /** For messages and tests: the table's location. */
  String location() {
    return table().map(Table::location).orElse(root == null ? null : new Path(root, ParquetLake.CDRS).toString());
  }
}
