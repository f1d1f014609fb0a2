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
  private InsightsInput insightsInput; // --with-insights
  private LakeInsights insights;

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
      LakeFolder.checkLayout(fs, root, location, "an Iceberg CDR lake holds only cdrs/ and call_insights/",
          s -> (s.getPath().getName().equals(CdrLake.CDRS) || s.getPath().getName().equals(LakeInsights.TABLE))
              && s.isDirectory());
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

  /**
   * Makes each {@link #ingest} also fill the table {@code call_insights} beside {@code cdrs} with the Insights of the
   * run's new calls, in the same commit ({@link LakeInsights}): {@code <lake>/call_insights} for a lake folder,
   * {@code CATALOG.NAMESPACE.TABLE_call_insights} for {@code --table}.
   */
  void withInsights(InsightsInput input) {
    this.insightsInput = input;
    TableIdentifier id = root != null ? TableIdentifier.of(LakeInsights.TABLE)
        : TableIdentifier.of(ident.namespace(), ident.name() + "_" + LakeInsights.TABLE);
    String sparkId = root != null ? catalogName + "." + LakeInsights.TABLE : sparkIdent + "_" + LakeInsights.TABLE;
    String label = root != null ? name + " " + LakeInsights.TABLE : "--table " + sparkId;
    this.insights = new LakeInsights(spark, catalog(), id, sparkId, label);
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

  /** A lake of several accounts: partitioned by account, then by day, so each account's day is its own files. */
  static PartitionSpec specByAccount(Schema schema) {
    return PartitionSpec.builderFor(schema).identity(CdrSchema.ACCOUNT_ID).day(END_TIME).build();
  }

  /** Whether the table's current spec partitions by account (a lake of several accounts). */
  static boolean byAccount(Table t) {
    int accountField = t.schema().findField(CdrSchema.ACCOUNT_ID) == null ? -1
        : t.schema().findField(CdrSchema.ACCOUNT_ID).fieldId();
    return t.spec().fields().stream()
        .anyMatch(f -> f.sourceId() == accountField && "identity".equals(f.transform().toString()));
  }

  /**
   * The snapshot-summary key of one account's state in a lake of several accounts: {@code zentrunk.complete-until.}
   * and the auth id in lower case (Spark passes write options, and so snapshot properties, with lower-case keys).
   */
  public static String completeUntil(String account) {
    return COMPLETE_UNTIL + "." + account.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void prepare(Provenance source, boolean changeOnPurpose, Consumer<String> progress) {
    prepare(source, changeOnPurpose, progress, false);
  }

  /** As {@link #prepare(Provenance, boolean, Consumer)}; a new table is partitioned by account when {@code byAccount}. */
  void prepare(Provenance source, boolean changeOnPurpose, Consumer<String> progress, boolean byAccount) {
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
      t = IcebergTables.create(catalog(), ident, name, source, byAccount);
      progress.accept("created the Iceberg table " + t.name() + " at " + t.location() + " for " + source);
    }
    if (t.currentSnapshot() == null) {
      // the first run's branch starts from this empty snapshot, like every later run's from the one before
      t.newAppend().commit();
    }
    if (insights != null) {
      // before anything else: call_insights level with cdrs, should a run have died between the two commits
      t.refresh();
      insights.base(insights.prepare(source, progress), t, t.currentSnapshot().snapshotId(), progress);
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
    return stateAt(table, snapshot, COMPLETE_UNTIL);
  }

  /** The state under {@code key} (one account's, {@link #completeUntil}) in force at {@code snapshot}. */
  static Optional<Instant> stateAt(Table table, Snapshot snapshot, String key) {
    for (Snapshot s = snapshot; s != null; s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
      String v = s.summary().get(key);
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
    return recordsHeld(days, base, null);
  }

  /**
   * As {@link #recordsHeld(List, Base)}, of one account's files only ({@code account} null: every file); in a lake
   * of several accounts each file holds one account's day (the table is partitioned by account).
   */
  Map<LocalDate, Long> recordsHeld(List<LocalDate> days, Base base, String account) {
    Map<LocalDate, Long> held = new java.util.LinkedHashMap<>();
    if (days.isEmpty() || base.snapshotId().isEmpty()) {
      return held;
    }
    Table t = table().orElseThrow();
    days.forEach(d -> held.put(d, 0L));
    java.util.Set<LocalDate> unknown = new java.util.HashSet<>();
    long from = UtcDays.start(days.get(0)).getEpochSecond() * 1_000_000L;
    long to = UtcDays.start(days.get(days.size() - 1).plusDays(1)).getEpochSecond() * 1_000_000L;
    org.apache.iceberg.expressions.Expression window = org.apache.iceberg.expressions.Expressions.and(
        org.apache.iceberg.expressions.Expressions.greaterThanOrEqual(END_TIME, from),
        org.apache.iceberg.expressions.Expressions.lessThan(END_TIME, to));
    if (account != null) {
      window = org.apache.iceberg.expressions.Expressions.and(window,
          org.apache.iceberg.expressions.Expressions.equal(CdrSchema.ACCOUNT_ID, account));
    }
    try (org.apache.iceberg.io.CloseableIterable<org.apache.iceberg.FileScanTask> tasks = t.newScan()
        .useSnapshot(base.snapshotId().getAsLong())
        .filter(window)
        .planFiles()) {
      for (org.apache.iceberg.FileScanTask task : tasks) {
        if (account != null && !account.equals(accountOf(t, task.file()).orElse(null))) {
          // not one account's file: the days it may hold are re-read
          unknown.addAll(days);
          continue;
        }
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

  /** The account of a data file's partition, if its spec partitions by account. */
  private static Optional<String> accountOf(Table t, org.apache.iceberg.DataFile file) {
    PartitionSpec spec = t.specs().get(file.specId());
    List<org.apache.iceberg.PartitionField> fields = spec.fields();
    for (int i = 0; i < fields.size(); i++) {
      org.apache.iceberg.PartitionField f = fields.get(i);
      if (f.sourceId() == spec.schema().findField(CdrSchema.ACCOUNT_ID).fieldId()
          && "identity".equals(f.transform().toString())) {
        return Optional.ofNullable(file.partition().get(i, String.class));
      }
    }
    return Optional.empty();
  }

  /** Each account's state at {@code base}'s snapshot, in a lake of several accounts. */
  Map<String, Optional<Instant>> accountStates(List<String> accounts, Base base) {
    Map<String, Optional<Instant>> out = new java.util.LinkedHashMap<>();
    Table t = table().orElseThrow(() -> new IllegalStateException("prepare() creates the table"));
    Snapshot s = base.snapshotId().isPresent() ? t.snapshot(base.snapshotId().getAsLong()) : null;
    for (String a : accounts) {
      out.put(a, s == null ? Optional.empty() : stateAt(t, s, completeUntil(a)));
    }
    return out;
  }

  /**
   * A run over several accounts: replaces each account's planned days by its rows of {@code cdrs} and records every
   * account's state ({@link #completeUntil}), all in one snapshot on top of {@code base}, as {@link #ingest} does for
   * one account.
   *
   * @param states each account's state at {@code base}: kept where its plan does not move it
   * @return the records written per account and day
   */
  Map<String, Map<LocalDate, Long>> ingestAccounts(Map<String, IngestPlan> plans, Base base,
      Map<String, Optional<Instant>> states, Dataset<Row> cdrs, Consumer<String> progress, Runnable beforeCommit) {
    long baseId = base.snapshotId().orElseThrow(() -> new IllegalStateException("base() after prepare() names a snapshot"));
    Table table = table().orElseThrow(() -> new IllegalStateException("prepare() creates the table"));
    Map<String, String> properties = new java.util.LinkedHashMap<>();
    org.apache.spark.sql.Column replaced = null;
    for (Map.Entry<String, IngestPlan> e : plans.entrySet()) {
      String account = e.getKey();
      IngestPlan plan = e.getValue();
      Optional<Instant> state = plan.advanceStateTo().isPresent() ? plan.advanceStateTo() : states.get(account);
      state.ifPresent(s -> properties.put(completeUntil(account), s.toString()));
      if (!plan.days().isEmpty()) {
        properties.put(DAYS + "." + account.toLowerCase(java.util.Locale.ROOT), String.join(",",
            plan.windows().stream().map(w -> w.start() + "/" + w.end()).toList()));
        org.apache.spark.sql.Column mine = org.apache.spark.sql.functions.col(CdrSchema.ACCOUNT_ID).equalTo(account)
            .and(window(plan.windows()));
        replaced = replaced == null ? mine : replaced.or(mine);
        progress.accept(account + ": reading " + plan.describeReads());
      }
    }
    if (replaced == null) {
      throw new IllegalArgumentException("no account's plan has a day to read");
    }
    StageMarkers.reach(StageMarkers.READING);
    IcebergTables.evolve(table, cdrs, progress);
    Map<String, Map<LocalDate, Long>> counts = new java.util.LinkedHashMap<>();
    try (IcebergBranch branch = IcebergBranch.create(spark, table, name, sparkIdent, baseId, progress)) {
      branch.overwrite(cdrs, replaced, properties);
      plans.forEach((account, plan) -> {
        if (!plan.days().isEmpty()) {
          counts.put(account, LakeDays.countByDay(plan.days(), branch.rows()
              .where(org.apache.spark.sql.functions.col(CdrSchema.ACCOUNT_ID).equalTo(account))
              .where(window(plan.windows()))));
        }
      });
      beforeCommit.run();
      StageMarkers.during(StageMarkers.FAST_FORWARD, () -> {
        branch.fastForwardMain();
        return null;
      });
      StageMarkers.reach(StageMarkers.COMMITTED);
    }
    counts.forEach((account, days) -> days.forEach((day, n) -> progress.accept(account + ": " + LakeDays.records(day, n))));
    table.refresh();
    progress.accept("committed snapshot " + table.currentSnapshot().snapshotId() + " to " + table.location()
        + " with the state of each account");
    return counts;
  }

  @Override
  public CdrLake.Result ingest(IngestPlan plan, Base base, CdrInput reader, Consumer<String> progress,
      Runnable beforeCommit) {
    long baseId = base.snapshotId().orElseThrow(() -> new IllegalStateException("base() after prepare() names a snapshot"));
    Table table = table().orElseThrow(() -> new IllegalStateException("prepare() creates the table"));
    Optional<Instant> newState = plan.advanceStateTo().isPresent() ? plan.advanceStateTo() : base.state();
    // with Insights: call_insights brought level with cdrs' base before anything is read (LakeInsights)
    Table insightsTable = null;
    long insightsBase = -1;
    String run = java.util.UUID.randomUUID().toString();
    if (insights != null) {
      insightsTable = insights.prepare(provenance(table).orElseThrow(), progress);
      insightsBase = insights.base(insightsTable, table, baseId, progress);
    }
    progress.accept("reading " + plan.describeReads());
    StageMarkers.reach(StageMarkers.READING);
    // Read once, straight into the write: the per-day counts come from the written branch afterwards (local
    // files), so the rate-limited API is never read twice and nothing is cached.
    Dataset<Row> cdrs = LakeDays.read(reader, plan);
    IcebergTables.evolve(table, cdrs, progress);
    Map<LocalDate, Long> counts;
    try (IcebergBranch branch = IcebergBranch.create(spark, table, name, sparkIdent, baseId, progress)) {
      counts = branch.write(cdrs, plan, newState,
          insights == null ? Map.of() : Map.of(LakeInsights.INSIGHTS_RUN, run));
      if (insights == null) {
        beforeCommit.run();
        commit(branch);
      } else {
        writeInsightsAndCommit(plan, branch, baseId, insightsTable, insightsBase, run, progress, beforeCommit);
      }
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

  private static void commit(IcebergBranch branch) {
    StageMarkers.during(StageMarkers.FAST_FORWARD, () -> {
      branch.fastForwardMain();
      return null;
    });
    StageMarkers.reach(StageMarkers.COMMITTED);
  }

  /**
   * With the run's cdrs on {@code branch}: the Insights of its new calls onto a call_insights branch, then the cdrs
   * commit (the commit of both), then call_insights' main onto its branch ({@link LakeInsights}).
   */
  private void writeInsightsAndCommit(IngestPlan plan, IcebergBranch branch, long baseId, Table insightsTable,
      long insightsBase, String run, Consumer<String> progress, Runnable beforeCommit) {
    Map<IngestPlan.Window, List<String>> fresh = insights.newCalls(plan, branch.rows(), sparkIdent, baseId,
        insightsBase);
    int n = fresh.values().stream().mapToInt(List::size).sum();
    progress.accept(String.format(java.util.Locale.ROOT, "%s: %,d new calls, one Insights request each (or their "
        + "sample)", LakeInsights.TABLE, n));
    Dataset<Row> rows = LakeInsights.read(insightsInput, fresh);
    if (rows != null) {
      IcebergTables.evolve(insightsTable, rows, progress);
    }
    try (IcebergBranch ib = IcebergBranch.create(spark, insightsTable, insights.name, insights.sparkIdent,
        insightsBase, progress)) {
      ib.append(rows, Map.of(LakeInsights.RUN, run, LakeInsights.CDRS_SNAPSHOT, Long.toString(branch.head())));
      long written = ib.head();
      StageMarkers.reach(StageMarkers.INSIGHTS_WRITTEN);
      beforeCommit.run();
      commit(branch);
      try {
        ib.fastForwardMain();
        progress.accept(LakeInsights.TABLE + ": committed snapshot " + written + " (run " + run + ")");
      } catch (RuntimeException behind) {
        // cdrs is committed and names this run: the next run moves call_insights' main there first
        ib.keep();
        progress.accept(LakeInsights.TABLE + "'s main stays behind (" + behind.getMessage() + "); the next run moves "
            + "it to the snapshot of run " + run);
      }
    }
  }

  /**
   * Expires the snapshots older than {@code keepDays} days (the current one always stays) and deletes the files
   * that only they referenced; removes branches of runs that died before their fast-forward.
   */
  @Override
  public void housekeeping(int keepDays, Consumer<String> progress) {
    try {
      IcebergExpiry.expire(spark, table().orElseThrow(), keepDays, progress);
      if (insights != null) {
        IcebergExpiry.expire(spark, insights.prepare(provenance(table().orElseThrow()).orElseThrow(), progress),
            keepDays, progress);
      }
    } catch (Exception e) { // SparkException is checked, and Scala throws it undeclared
      // the run's data and state are committed: a failed clean-up must not make it look failed
      progress.accept("snapshot expiry did not run (" + e.getClass().getSimpleName() + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); the next run tries again");
    }
  }

  @Override
  public List<String> accounts() {
    Optional<Table> t = table();
    if (t.isEmpty() || !byAccount(t.get())) {
      return List.of();
    }
    String recorded = t.get().properties().get(AUTH_ID);
    return recorded == null ? List.of() : List.of(recorded.split(","));
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
    String recorded = t.get().properties().get(AUTH_ID);
    // a lake of several accounts records them all ("A,B"): each of its rows carries its own account_id
    return AccountColumn.fill(spark.table(sparkIdent).where(window(start, end)),
        recorded == null || recorded.contains(",") ? null : recorded);
  }

  /** For messages and tests: the table's location. */
  String location() {
    return table().map(Table::location).orElse(root == null ? null : new Path(root, CdrLake.CDRS).toString());
  }
}
