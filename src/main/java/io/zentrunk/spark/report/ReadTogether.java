package io.zentrunk.spark.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The reads of one job, cached and fetched together: one action reads every one of them, back to back under the
 * account's one request budget, before the job computes on any of them (Spark runs it as one job per cached read,
 * all submitted at once).
 *
 * <p>Why: the account's request budget is what a job waits for. A read left to the action that first needs it
 * (the fraud baseline, read only when the fraud report is computed) leaves the budget idle while the job
 * computes on the reads before it; read first, all requests go back to back (jobs/bench duty measures the share
 * of the budget a report keeps busy; docs/performance-history.md, "The report's computation").
 *
 * <p>Why not one scan of both windows, split afterwards: the baseline reads outbound calls only (the filter goes
 * to the API), the window all of them; one scan over both would have to read the baseline's inbound calls too
 * (40% of the emulator's calls: about 700 more requests for the quick-start report, a quarter more). Two scans
 * under one action cost no request more than the two reads alone.
 */
final class ReadTogether implements AutoCloseable {

  /** The reads given (nulls skipped), as {@link #get} returns them: persisted when {@link #cached}. */
  private final List<Dataset<Row>> kept = new ArrayList<>();
  private final boolean cached;
  private long rows;

  private ReadTogether(boolean cached) {
    this.cached = cached;
  }

  /**
   * Persists {@code reads} (nulls are skipped) and reads them all with one action: a count over their union,
   * which computes every partition of every read (tasks of the first read first, as Spark schedules them).
   */
  @SafeVarargs
  static ReadTogether read(Dataset<Row>... reads) {
    return of(true, reads);
  }

  /**
   * Counts {@code reads} (nulls are skipped) with one action and keeps them as they are, not cached: for reads of
   * files (a lake), which cost no request to read again. Each dataset then reads only its own columns from the
   * files (Parquet's column pruning, its vectorized reader), where a cache would be built of every column of every
   * row first and then scanned as many times: on the 60-day lake (1.2 million CDRs, jobs/bench compute) building it
   * was the report's longest phase.
   */
  @SafeVarargs
  static ReadTogether counted(Dataset<Row>... reads) {
    return of(false, reads);
  }

  private static ReadTogether of(boolean cache, Dataset<Row>[] reads) {
    ReadTogether t = new ReadTogether(cache);
    Dataset<Row> all = null;
    for (Dataset<Row> d : reads) {
      if (d != null) {
        Dataset<Row> p = cache ? d.persist(StorageLevel.MEMORY_AND_DISK()) : d;
        t.kept.add(p);
        all = all == null ? p : all.unionByName(p);
      }
    }
    if (all != null) {
      t.rows = all.count();
    }
    return t;
  }

  /** How many rows the reads hold together (what the action counted). */
  long rows() {
    return rows;
  }

  /** The {@code i}-th read given (nulls not counted), cached by {@link #read}. */
  Dataset<Row> get(int i) {
    return Objects.requireNonNull(kept.get(i));
  }

  @Override
  public void close() {
    if (cached) {
      kept.forEach(Dataset::unpersist);
    }
  }
}
