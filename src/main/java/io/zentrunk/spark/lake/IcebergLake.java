package io.zentrunk.spark.lake;

import io.zentrunk.spark.client.UtcDays;
import io.zentrunk.spark.source.CdrSchema;
import static io.zentrunk.spark.source.CdrColumns.END_TIME;
import static io.zentrunk.spark.lake.LakeDays.window;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
      LakeFolder.checkLayout(fs, root, location, "an Iceberg CDR lake holds only cdrs/",
          s -> s.getPath().getName().equals(CdrLake.CDRS) && s.isDirectory());
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
      return new IcebergLake(spark, "--lake " + location, catalog, TableIdentifier.of(CdrLake.CDRS),
          catalog + "." + CdrLake.CDRS, fs, root);
    } catch (IOException e) {
      throw new LakeUsageException("--lake " + location + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** {@code CATALOG.NAMESPACE.TABLE} in a catalog configured with {@code spark.sql.catalog.CATALOG}. */
  static IcebergLake inCatalog(SparkSession spark, String table) {
    List<String> parts = Arrays.asList(table.split("\\."));
    if (parts.size() < 3 || parts.stream().anyMatch(String::isBlank)) {
      throw new LakeUsageException("--table must be CATALOG.NAMESPACE.TABLE, not '" + table + "'");
    }
    String catalog = parts.get(0);
    if (!spark.conf().contains("spark.sql.catalog." + catalog)) {
      throw new LakeUsageException("--table " + table + ": no catalog '" + catalog + "' is configured (set spark.sql.catalog."
          + catalog + "=org.apache.iceberg.spark.SparkCatalog and its type, uri, warehouse)");
    }
    TableIdentifier id = TableIdentifier.of(Namespace.of(parts.subList(1, parts.size() - 1).toArray(new String[0])),
        parts.get(parts.size() - 1));
    return new IcebergLake(spark, "--table " + table, catalog, id, table, null, null);
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
  public void prepare(Provenance source, boolean changeOnPurpose, Consumer<String> progress) {
    Optional<Table> existing = table();
    Table t;
    if (existing.isPresent()) {
      t = existing.get();
      Optional<Provenance> recorded = provenance(t);
      Provenance.check(name, recorded, source, changeOnPurpose);
      if (recorded.isEmpty() || !recorded.get().equals(source)) {
        IcebergTables.metadataCommit(t, x -> x.updateProperties().set(AUTH_ID, source.authId()).set(API_HOST, source.apiHost()).commit());
        progress.accept("source recorded: " + source + recorded.map(r -> " (was " + r + ")").orElse(""));
      }
    } else {
      t = IcebergTables.create(catalog(), ident, name, source);
      progress.accept("created the Iceberg table " + t.name() + " at " + t.location() + " for " + source);
    }
    if (t.currentSnapshot() == null) {
      // the first run's branch starts from this empty snapshot, like every later run's from the one before
      t.newAppend().commit();
    }
  }

  static Optional<Provenance> provenance(Table t) {
    String id = t.properties().get(AUTH_ID);
    String host = t.properties().get(API_HOST);
    return id == null || host == null ? Optional.empty() : Optional.of(new Provenance(id, host));
  }

  /** The state at the current snapshot, and that snapshot: what the run's commit builds on. */
  @Override
  public Base base() {
    Optional<Table> t = table();
    Snapshot current = t.map(Table::currentSnapshot).orElse(null);
    if (current == null) {
      return new Base(Optional.empty(), OptionalLong.empty());
    }
    return new Base(stateAt(t.get(), current), OptionalLong.of(current.snapshotId()));
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

  /**
   * Summed from the record counts of the data files of {@code base}'s snapshot, as the manifests list them (no
   * data file is opened). Exact because ingest only ever replaces whole files (no delete files); a day with a
   * delete file, or a file not partitioned by day of {@code end_time}, is left out (re-read).
   */
  @Override
  public Map<LocalDate, Long> recordsHeld(List<LocalDate> days, Base base) {
    Map<LocalDate, Long> held = new java.util.LinkedHashMap<>();
    if (days.isEmpty() || base.snapshotId().isEmpty()) {
      return held;
    }
    Table t = table().orElseThrow();
    days.forEach(d -> held.put(d, 0L));
    java.util.Set<LocalDate> unknown = new java.util.HashSet<>();
    long from = UtcDays.start(days.get(0)).getEpochSecond() * 1_000_000L;
    long to = UtcDays.start(days.get(days.size() - 1).plusDays(1)).getEpochSecond() * 1_000_000L;
    try (org.apache.iceberg.io.CloseableIterable<org.apache.iceberg.FileScanTask> tasks = t.newScan()
        .useSnapshot(base.snapshotId().getAsLong())
        .filter(org.apache.iceberg.expressions.Expressions.and(
            org.apache.iceberg.expressions.Expressions.greaterThanOrEqual(END_TIME, from),
            org.apache.iceberg.expressions.Expressions.lessThan(END_TIME, to)))
        .planFiles()) {
      for (org.apache.iceberg.FileScanTask task : tasks) {
        Optional<LocalDate> day = dayOf(t, task.file());
        if (day.isEmpty() || !task.deletes().isEmpty()) {
          // not countable from metadata: the day is re-read (if the file's day is unknown, every day is)
          day.ifPresentOrElse(unknown::add, () -> unknown.addAll(days));
          continue;
        }
        held.computeIfPresent(day.get(), (d, n) -> n + task.file().recordCount());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    unknown.forEach(held::remove);
    return held;
  }

  /** The UTC day of a data file's partition, if its spec partitions by {@code day(end_time)}. */
  private static Optional<LocalDate> dayOf(Table t, org.apache.iceberg.DataFile file) {
    PartitionSpec spec = t.specs().get(file.specId());
    List<org.apache.iceberg.PartitionField> fields = spec.fields();
    for (int i = 0; i < fields.size(); i++) {
      org.apache.iceberg.PartitionField f = fields.get(i);
      if (f.sourceId() == spec.schema().findField(END_TIME).fieldId() && "day".equals(f.transform().toString())) {
        Integer epochDay = file.partition().get(i, Integer.class);
        return epochDay == null ? Optional.empty() : Optional.of(LocalDate.ofEpochDay(epochDay));
      }
    }
    return Optional.empty();
  }

  @Override
  public CdrLake.Result ingest(IngestPlan plan, Base base, CdrInput reader, Consumer<String> progress,
      Runnable beforeCommit) {
    long baseId = base.snapshotId().orElseThrow(() -> new IllegalStateException("base() after prepare() names a snapshot"));
    Table table = table().orElseThrow(() -> new IllegalStateException("prepare() creates the table"));
    Optional<Instant> newState = plan.advanceStateTo().isPresent() ? plan.advanceStateTo() : base.state();
    progress.accept("reading " + plan.describeReads());
    StageMarkers.reach(StageMarkers.READING);
    // Read once, straight into the write: the per-day counts come from the written branch afterwards (local
    // files), so the rate-limited API is never read twice and nothing is cached.
    Dataset<Row> cdrs = LakeDays.read(reader, plan);
    IcebergTables.evolve(table, cdrs, progress);
    Map<LocalDate, Long> counts;
    try (IcebergBranch branch = IcebergBranch.create(spark, table, name, sparkIdent, baseId, progress)) {
      counts = branch.write(cdrs, plan, newState);
      beforeCommit.run();
      StageMarkers.during(StageMarkers.FAST_FORWARD, () -> {
        branch.fastForwardMain();
        return null;
      });
      StageMarkers.reach(StageMarkers.COMMITTED);
    }
    counts.forEach((day, n) -> progress.accept(LakeDays.records(day, n)));
    table.refresh();
    progress.accept("committed snapshot " + table.currentSnapshot().snapshotId() + " to " + table.location());
    if (plan.advanceStateTo().isPresent()) {
      progress.accept("state: complete until " + newState.get());
    } else {
      progress.accept("state unchanged: " + base.state().map(Instant::toString).orElse("none"));
    }
    return new CdrLake.Result(counts, newState);
  }

  /**
   * Expires the snapshots older than {@code keepDays} days (the current one always stays) and deletes the files
   * that only they referenced; removes branches of runs that died before their fast-forward.
   */
  @Override
  public void housekeeping(int keepDays, Consumer<String> progress) {
    try {
      IcebergExpiry.expire(spark, table().orElseThrow(), keepDays, progress);
    } catch (Exception e) { // SparkException is checked, and Scala throws it undeclared
      // the run's data and state are committed: a failed clean-up must not make it look failed
      progress.accept("snapshot expiry did not run (" + e.getClass().getSimpleName() + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); the next run tries again");
    }
  }

  @Override
  public Dataset<Row> read(Instant start, Instant end) {
    Optional<Table> t = table();
    if (t.isEmpty() || t.get().currentSnapshot() == null) {
      throw new LakeUsageException(name + " has no CDRs yet: run ingest first");
    }
    try {
      spark.catalog().refreshTable(sparkIdent);
    } catch (RuntimeException notCached) {
      // nothing cached to refresh
    }
    return AccountColumn.fill(spark.table(sparkIdent).where(window(start, end)), t.get().properties().get(AUTH_ID));
  }

  /** For messages and tests: the table's location. */
  String location() {
    return table().map(Table::location).orElse(root == null ? null : new Path(root, CdrLake.CDRS).toString());
  }
}
