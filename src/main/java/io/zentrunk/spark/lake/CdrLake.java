package io.zentrunk.spark.lake;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A lake of CDRs in one of the two formats ({@link IcebergLake}, {@link ParquetLake} for Parquet), as ingest and the
 * report see it. Ingest calls, in this order: {@link #lock()}, {@link #prepare}, {@link #base()},
 * {@link #ingest} with that base, {@link #housekeeping}.
 */
public interface CdrLake {

  /** The folder of the CDRs in a lake folder: Parquet partitions, or the Iceberg path table. */
  String CDRS = "cdrs";

  /** The outcome of one ingest run: the records loaded per day of the plan, and the state after it. */
  record Result(Map<LocalDate, Long> recordsByDay, Optional<Instant> state) {
    public long records() {
      return recordsByDay.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** How the user named the lake, for messages: {@code --lake PATH} or {@code --table NAME}. */
  String name();

  LakeFormat format();

  /** One writer at a time on a lake folder; nothing for a catalog table, whose commits are atomic. */
  LakeLock lock();

  /**
   * Creates the lake if it does not exist, recording {@code source}; otherwise checks it against the recorded
   * source ({@link Provenance#check}) and records it when {@code changeOnPurpose}.
   */
  void prepare(Provenance source, boolean changeOnPurpose, Consumer<String> progress);

  /**
   * The lake as a run finds it, read once and then handed to {@link #ingest}: up to which UTC midnight it is
   * complete and, for Iceberg, the snapshot that the run's commit builds on (the commit is refused if anyone
   * committed after it).
   */
  record Base(Optional<Instant> state, OptionalLong snapshotId) {}

  /** Reads the lake's state; changes nothing. */
  Base base();

  /** Up to which UTC midnight the lake is complete. */
  default Optional<Instant> state() {
    return base().state();
  }

  /**
   * The records the lake holds for each of {@code days} at {@code base}, from its metadata (Iceberg: the record
   * counts of the data files in the manifests; Parquet: the row counts in the footers), never by reading the
   * rows; a day the lake cannot count this way is absent from the map (it is then re-read).
   */
  Map<LocalDate, Long> recordsHeld(java.util.List<LocalDate> days, Base base);

  /**
   * Replaces the plan's whole days and moves the state as the plan says, on top of {@code base} (what
   * {@link #base()} returned, planned from); {@code beforeCommit} runs just before the data becomes visible (it
   * checks the lock).
   */
  Result ingest(IngestPlan plan, Base base, CdrInput reader, Consumer<String> progress, Runnable beforeCommit);

  /** After a successful ingest: expires what the lake no longer needs. */
  void housekeeping(int keepSnapshotsDays, Consumer<String> progress);

  /** The accounts the lake holds when it holds several (ingest with auth_ids), in the recorded order; else none. */
  default java.util.List<String> accounts() {
    return java.util.List.of();
  }

  /** CDRs with {@code start <= end_time < end}, with the source's columns. */
  Dataset<Row> read(Instant start, Instant end);

  /**
   * The earliest {@code end_time} of {@link #read}{@code (start, end)}, empty when it holds no CDR: one small
   * aggregate over the whole range.
   */
  default Optional<Instant> firstEndTime(Instant start, Instant end) {
    return firstEndTime(read(start, end));
  }

  /** The earliest {@code end_time} of {@code cdrs}, empty when there is none. */
  static Optional<Instant> firstEndTime(Dataset<Row> cdrs) {
    Row first = cdrs.agg(org.apache.spark.sql.functions.min(io.zentrunk.spark.source.CdrColumns.END_TIME)).first();
    if (first.isNullAt(0)) {
      return Optional.empty();
    }
    return Optional.of(first.get(0) instanceof Instant i ? i : ((java.sql.Timestamp) first.get(0)).toInstant());
  }
}
