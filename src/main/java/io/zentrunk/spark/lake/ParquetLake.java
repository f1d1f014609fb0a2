package io.zentrunk.spark.lake;

import io.zentrunk.spark.client.UtcDays;
import io.zentrunk.spark.source.CdrColumns;
import io.zentrunk.spark.storage.S3aSettings;
import io.zentrunk.spark.storage.SessionConf;
import static io.zentrunk.spark.source.CdrColumns.END_DATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * A CDR lake: {@code <lake>/cdrs/} is Parquet partitioned Hive-style by {@code end_date} (the UTC date of
 * {@code end_time}), readable as a table by Spark, Trino and DuckDB; {@code <lake>/_zentrunk_state.json} says
 * up to which UTC midnight the table is complete ({@link ParquetLakeState}).
 *
 * <p>Ingest replaces exactly the day partitions of its plan, days without CDRs included, and moves the state
 * only after the data it covers is committed: a crash at any point leaves the state where it was, and the
 * next run rewrites the same days, so re-running always repairs the lake. A Parquet write is not atomic: a reader
 * during a run may see a day half replaced, and two writers are kept apart by {@link LakeLock}. The state file
 * also records where the CDRs come from ({@link Provenance}).
 */
public final class ParquetLake implements CdrLake {

  public static final String STATE_FILE = "_zentrunk_state.json";
  private static final String HOLDS = "a CDR lake holds only cdrs/ (end_date=YYYY-MM-DD partitions) and " + STATE_FILE;
  private static final Pattern PARTITION = Pattern.compile(END_DATE + "=\\d{4}-\\d{2}-\\d{2}");

  private final SparkSession spark;
  private final String location;
  private final Path root;
  private final FileSystem fs;
  private Provenance source;
  /**
   * On a store with conditional writes: the ETag of the state file as {@link #base()} read it ("" when there was
   * none), which the run's commit must still find; null elsewhere.
   */
  private String baseEtag;

  private ParquetLake(SparkSession spark, String location, Path root, FileSystem fs) {
    this.spark = spark;
    this.location = location;
    this.root = root;
    this.fs = fs;
  }

  /**
   * Opens a lake, new or existing, after checking that the location holds nothing but a lake.
   *
   * @throws LakeUsageException naming {@code --lake} when it holds something else
   */
  public static ParquetLake open(SparkSession spark, String location) {
    Path root = new Path(location);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      FileSystem fs = root.getFileSystem(conf);
      ParquetLake lake = new ParquetLake(spark, location, fs.makeQualified(root), fs);
      lake.checkLayout();
      return lake;
    } catch (IOException e) {
      throw new LakeUsageException("--lake " + location + ": cannot be read: " + e.getMessage(), e);
    }
  }

  public String location() {
    return location;
  }

  @Override
  public String name() {
    return "--lake " + location;
  }

  @Override
  public LakeFormat format() {
    return LakeFormat.PARQUET;
  }

  @Override
  public LakeLock lock() {
    return LakeLock.acquire(fs, root, name());
  }

  @Override
  public void prepare(Provenance source, boolean changeOnPurpose, Consumer<String> progress) {
    Optional<ParquetLakeState> state = readState();
    Optional<Provenance> recorded = state.flatMap(ParquetLakeState::source);
    Provenance.check(name(), recorded, source, changeOnPurpose);
    this.source = source;
    if (state.isPresent() && !recorded.equals(Optional.of(source))) {
      writeState(ParquetLakeState.of(state.get().completeUntil(), source));
      progress.accept("source recorded: " + source + recorded.map(r -> " (was " + r + ")").orElse(""));
    }
  }

  @Override
  public Base base() {
    baseEtag = null;
    try {
      if (fs.hasPathCapability(statePath(), ConditionalWrites.CREATE_IF_ABSENT)) {
        FileStatus s = fs.getFileStatus(statePath());
        baseEtag = s instanceof org.apache.hadoop.fs.EtagSource e && e.getEtag() != null ? e.getEtag() : null;
      }
    } catch (FileNotFoundException none) {
      baseEtag = "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + statePath(), e);
    }
    return new Base(readState().map(ParquetLakeState::completeUntil), OptionalLong.empty());
  }

  @Override
  public void housekeeping(int keepSnapshotsDays, Consumer<String> progress) {
    // a Parquet lake keeps no old versions
  }

  /**
   * Counted from the Parquet footers of the days' partitions (Spark reads no column of a count); a day without a
   * partition holds 0.
   */
  @Override
  public Map<LocalDate, Long> recordsHeld(List<LocalDate> days, Base base) {
    Map<LocalDate, Long> held = new LinkedHashMap<>();
    List<String> present = new ArrayList<>();
    try {
      for (LocalDate d : days) {
        held.put(d, 0L);
        if (fs.exists(partitionPath(d))) {
          present.add(partitionPath(d).toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!present.isEmpty()) {
      for (Row r : spark.read().option("basePath", cdrsPath().toString()).parquet(present.toArray(new String[0]))
          .groupBy(col(END_DATE).cast("string")).count().collectAsList()) {
        held.put(LocalDate.parse(r.getString(0)), r.getLong(1));
      }
    }
    return held;
  }

  public Path cdrsPath() {
    return new Path(root, CDRS);
  }

  Path partitionPath(LocalDate day) {
    return new Path(cdrsPath(), END_DATE + "=" + day);
  }

  private Path statePath() {
    return new Path(root, STATE_FILE);
  }

  private void checkLayout() throws IOException {
    LakeFolder.checkLayout(fs, root, location, HOLDS, s -> s.getPath().getName().equals(CDRS) && s.isDirectory()
        || s.getPath().getName().equals(STATE_FILE) && s.isFile());
    if (fs.exists(cdrsPath())) {
      Optional<String> stray = LakeFolder.stray(fs, cdrsPath(),
          s -> s.isDirectory() && PARTITION.matcher(s.getPath().getName()).matches());
      if (stray.isPresent()) {
        throw LakeFolder.somethingElse(location, "'" + CDRS + "/" + stray.get() + "'", HOLDS);
      }
    }
    readState();
  }

  /** The state file, if the lake has one. */
  public Optional<ParquetLakeState> readState() {
    try (InputStream in = fs.open(statePath())) {
      return Optional.of(ParquetLakeState.fromJson(in.readAllBytes()));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      throw new LakeUsageException("--lake " + location + ": " + STATE_FILE + " " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + statePath(), e);
    }
  }

  /**
   * Writes the state atomically: a single PUT on S3 (an object appears whole or not at all); elsewhere a
   * temporary file renamed over the old one.
   */
  void writeState(ParquetLakeState state) {
    byte[] bytes = state.toJson(Instant.now());
    try {
      fs.mkdirs(root);
      if (S3aSettings.isS3a(location)) {
        try (OutputStream out = fs.create(statePath(), true)) {
          out.write(bytes);
        }
        return;
      }
      Path tmp = new Path(root, "." + STATE_FILE + ".tmp-" + UUID.randomUUID());
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(bytes);
      }
      FileContext.getFileContext(root.toUri(), fs.getConf()).rename(tmp, statePath(), Options.Rename.OVERWRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + statePath(), e);
    }
  }

  /**
   * The run's commit: the state written (always, with the run's id, so that its ETag is new) on condition that it
   * is still the version {@link #base()} read: If-Match its ETag, or create-if-absent when there was none. A run
   * that paused past its lease while another took the lease over and committed is refused here by the store,
   * whatever its own checks said before. Where the store has no conditional writes, a plain atomic write.
   *
   * @throws LakeConflictException in one line when the state changed since {@link #base()}
   */
  private void commitState(ParquetLakeState state) throws IOException {
    if (baseEtag == null) {
      writeState(state);
      return;
    }
    byte[] bytes = state.toJson(Instant.now(), UUID.randomUUID().toString());
    boolean done;
    if (baseEtag.isEmpty()) {
      done = ConditionalWrites.createIfAbsent(fs, statePath(), bytes);
    } else {
      try (OutputStream out = (OutputStream) fs.createFile(statePath()).overwrite(true)
          .must(LakeLock.IF_MATCH, baseEtag).build()) {
        out.write(bytes);
        done = true;
      } catch (FileNotFoundException gone) {
        done = false;
      } catch (IOException | UncheckedIOException e) {
        if (!ConditionalWrites.preconditionFailed(e)) {
          throw e;
        }
        done = false;
      }
    }
    if (!done) {
      throw new LakeConflictException("another ingest committed to " + name() + " while this run was writing (its "
          + "state " + STATE_FILE + " changed); this run's state was not written: run ingest again");
    }
  }

  /**
   * Loads the plan's days: one read of the whole window, one write job for all days, then empties the
   * partitions of days that had no CDRs, then moves the state.
   */
  @Override
  public CdrLake.Result ingest(IngestPlan plan, Base base, CdrInput reader, Consumer<String> progress, Runnable beforeCommit) {
    progress.accept("reading " + plan.describeReads());
    Dataset<Row> cdrs = LakeDays.read(reader, plan).withColumn(END_DATE, CdrColumns.endDate());
    // The source is a rate-limited API: keep what was read for the per-day counts instead of reading it again.
    cdrs.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      beforeCommit.run();
      write(cdrs);
      progress.accept("written " + UtcDays.days(plan.days()) + " to " + cdrsPath());
      Map<LocalDate, Long> counts = LakeDays.countByDay(plan.days(), cdrs);
      for (Map.Entry<LocalDate, Long> e : counts.entrySet()) {
        if (e.getValue() == 0 && fs.delete(partitionPath(e.getKey()), true)) {
          progress.accept(e.getKey() + ": 0 records, old partition removed");
        } else {
          progress.accept(LakeDays.records(e.getKey(), e.getValue()));
        }
      }
      Optional<Instant> advance = plan.advanceStateTo();
      StageMarkers.reach(StageMarkers.STATE_WRITE);
      Optional<Instant> after = advance.isPresent() ? advance : base.state();
      if (after.isPresent()) {
        commitState(ParquetLakeState.of(after.get(), source));
      }
      if (advance.isPresent()) {
        progress.accept("state: complete until " + advance.get());
      } else {
        progress.accept("state unchanged: " + base.state().map(Instant::toString).orElse("none"));
      }
      return new CdrLake.Result(counts, advance.isPresent() ? advance : base.state());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      cdrs.unpersist();
    }
  }

  @SuppressWarnings("try") // the resource is the scope of the session confs
  private void write(Dataset<Row> cdrs) {
    Map<String, String> sql = new LinkedHashMap<>();
    // INT64 microseconds, UTC-adjusted: what Trino and DuckDB read as timestamp with time zone
    sql.put("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    if (S3aSettings.isS3a(location)) {
      sql.putAll(S3aSettings.SESSION);
    }
    try (SessionConf ignored = SessionConf.set(spark, sql)) {
      if (S3aSettings.isS3a(location)) {
        cdrs.write().options(S3aSettings.LAKE_WRITE).mode(SaveMode.Append).partitionBy(END_DATE)
            .parquet(cdrsPath().toString());
      } else {
        cdrs.write().option("partitionOverwriteMode", "dynamic").mode(SaveMode.Overwrite).partitionBy(END_DATE)
            .parquet(cdrsPath().toString());
      }
    }
  }

  /**
   * The earliest {@code end_time} of {@code [start, end)}: the day partitions are listed, and only the first day
   * holding a CDR of the range is read, not {@code end_time} of every day's files (the report of a 60-day lake
   * asks this first). The same instant as the aggregate over the whole range: a partition holds the CDRs that
   * ended on its day.
   */
  @Override
  public Optional<Instant> firstEndTime(Instant start, Instant end) {
    List<LocalDate> days = partitionDays();
    if (days.isEmpty() || !start.isBefore(end)) {
      return CdrLake.firstEndTime(read(start, end, days));
    }
    LocalDate first = UtcDays.day(start);
    LocalDate last = UtcDays.day(end.minusNanos(1));
    for (LocalDate d : days.stream().sorted().filter(d -> !d.isBefore(first) && !d.isAfter(last)).toList()) {
      Instant from = UtcDays.start(d).isBefore(start) ? start : UtcDays.start(d);
      Instant to = UtcDays.start(d.plusDays(1)).isAfter(end) ? end : UtcDays.start(d.plusDays(1));
      // the day's Parquet footers answer without a Spark job when they can; else the day's rows are read
      FooterMin footers = footerMin(d, from, to);
      Optional<Instant> t = footers.known() ? Optional.ofNullable(footers.first())
          : CdrLake.firstEndTime(read(from, to, days));
      if (t.isPresent()) {
        return t;
      }
    }
    return Optional.empty();
  }

  /**
   * What the footers of a day's files say of its earliest {@code end_time} in {@code [from, to)}: known (and
   * {@code first} null when no row is in the range), or not known.
   */
  private record FooterMin(boolean known, Instant first) {
    static final FooterMin UNKNOWN = new FooterMin(false, null);
  }

  /**
   * The earliest {@code end_time} in {@code [from, to)} of day partition {@code day} (one the lake lists), from the minimum and maximum
   * of {@code end_time} that each row group's footer records (exact for Spark's timestamps, microseconds in an
   * INT64): a row group entirely outside the range holds none of its rows, one whose minimum is in the range
   * holds its earliest. Not known when a file or a row group has no such statistics (another writer), or a row
   * group begins before the range and reaches into it: the caller then reads the day's rows.
   */
  private FooterMin footerMin(LocalDate day, Instant from, Instant to) {
    Path folder = partitionPath(day);
    Instant first = null;
    try {
      Configuration conf = spark.sessionState().newHadoopConf();
      for (FileStatus f : fs.listStatus(folder)) {
        String name = f.getPath().getName();
        // the files Spark reads: not its hidden ones (_SUCCESS, ._*.crc)
        if (!f.isFile() || name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        ParquetMetadata footer;
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
          footer = r.getFooter();
        }
        MessageType schema = footer.getFileMetaData().getSchema();
        if (!schema.containsField(CdrColumns.END_TIME) || !microsTimestamp(schema.getType(CdrColumns.END_TIME))) {
          return FooterMin.UNKNOWN;
        }
        for (BlockMetaData block : footer.getBlocks()) {
          if (block.getRowCount() == 0) {
            continue;
          }
          ColumnChunkMetaData column = block.getColumns().stream()
              .filter(c -> c.getPath().toDotString().equals(CdrColumns.END_TIME)).findFirst().orElse(null);
          Statistics<?> stats = column == null ? null : column.getStatistics();
          if (stats == null || stats.isEmpty()) {
            return FooterMin.UNKNOWN;
          }
          if (stats.isNumNullsSet() && stats.getNumNulls() == block.getRowCount()) {
            continue; // no end_time in this row group: none of its rows is in any range
          }
          if (!stats.hasNonNullValue()) {
            return FooterMin.UNKNOWN;
          }
          Instant min = micros((Long) stats.genericGetMin());
          Instant max = micros((Long) stats.genericGetMax());
          if (max.isBefore(from) || !min.isBefore(to)) {
            continue;
          }
          if (min.isBefore(from)) {
            return FooterMin.UNKNOWN;
          }
          first = first == null || min.isBefore(first) ? min : first;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new FooterMin(true, first);
  }

  /** Whether {@code t} is a timestamp in microseconds since the epoch in an INT64, as Spark writes them. */
  private static boolean microsTimestamp(Type t) {
    return t.isPrimitive() && t.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64
        && t.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
        && ts.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS && ts.isAdjustedToUTC();
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** Parquet's filtering of row groups by their dictionaries (its statistics filtering stays on). */
  static final String DICTIONARY_FILTER = "parquet.filter.dictionary.enabled";

  /** The session conf under which a read's files are listed on the driver, however many folders it lists. */
  static final Map<String, String> DRIVER_LISTING =
      Map.of("spark.sql.sources.parallelPartitionDiscovery.threshold", String.valueOf(Integer.MAX_VALUE));

  /**
   * The lake's CDRs with {@code start <= end_time < end}, pruned to the day partitions of the window; the same
   * columns as the source, without {@code end_date}.
   */
  @Override
  public Dataset<Row> read(Instant start, Instant end) {
    return read(start, end, partitionDays());
  }

  /** The day partitions the lake holds (listed once by the caller), in no particular order. */
  private List<LocalDate> partitionDays() {
    List<LocalDate> days = new ArrayList<>();
    try {
      if (fs.exists(cdrsPath())) {
        for (FileStatus s : fs.listStatus(cdrsPath())) {
          if (s.isDirectory() && PARTITION.matcher(s.getPath().getName()).matches()) {
            days.add(LocalDate.parse(s.getPath().getName().substring(END_DATE.length() + 1)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return days;
  }

  /** As {@link #read(Instant, Instant)}, over the lake's day partitions {@code days}. */
  private Dataset<Row> read(Instant start, Instant end, List<LocalDate> days) {
    if (days.isEmpty()) {
      throw new LakeUsageException("--lake " + location + " has no CDRs yet: run ingest first");
    }
    LocalDate first = UtcDays.day(start);
    LocalDate last = UtcDays.day(end.minusNanos(1));
    // only the day partitions of the window are listed (given as the paths, under the lake's base path), not the
    // whole lake; none in the window: the lake's folder, which lists to no row of the window
    List<String> inWindow = days.stream().filter(d -> !d.isBefore(first) && !d.isAfter(last))
        .map(d -> partitionPath(d).toString()).toList();
    // the window's filter on end_time is checked against each row group's min and max, not against its
    // dictionary: a day's end_time dictionary holds about every value, and expanding it into a set for every row
    // group of every scan (each dataset of a report scans the files) costs more than it can skip
    DataFrameReader reader = spark.read().schema(AccountColumn.parquetSchema(END_DATE))
        .option(DICTIONARY_FILTER, "false");
    Dataset<Row> files;
    // the files are listed when the read is made: on the driver from a local or cluster file system, where a folder
    // is one cheap call and Spark's listing in parallel is a job of a task per folder; an object store keeps Spark's
    // parallel listing, where a folder is a request
    try (SessionConf ignored = SessionConf.set(spark, S3aSettings.isS3a(location) ? Map.of() : DRIVER_LISTING)) {
      files = inWindow.isEmpty() ? reader.parquet(cdrsPath().toString())
          : reader.option("basePath", cdrsPath().toString()).parquet(inWindow.toArray(new String[0]));
    }
    Dataset<Row> cdrs = files
        .where(col(END_DATE).geq(lit(first)).and(col(END_DATE).leq(lit(last))))
        .where(LakeDays.window(start, end))
        .drop(END_DATE);
    return AccountColumn.fill(cdrs, readState().flatMap(ParquetLakeState::source).map(Provenance::authId).orElse(null));
  }
}
