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

  private final List<Dataset<Row>> cached = new ArrayList<>();
  private long rows;

  /**
   * Persists {@code reads} (nulls are skipped) and reads them all with one action: a count over their union,
   * which computes every partition of every read (tasks of the first read first, as Spark schedules them).
   */
  @SafeVarargs
  static ReadTogether read(Dataset<Row>... reads) {
    ReadTogether t = new ReadTogether();
    Dataset<Row> all = null;
    for (Dataset<Row> d : reads) {
      if (d != null) {
        Dataset<Row> p = d.persist(StorageLevel.MEMORY_AND_DISK());
        t.cached.add(p);
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

  /** The {@code i}-th read given (nulls not counted), cached. */
  Dataset<Row> get(int i) {
    return Objects.requireNonNull(cached.get(i));
  }

  @Override
  public void close() {
    cached.forEach(Dataset::unpersist);
  }
}
