package io.zentrunk.spark.lake;

import io.zentrunk.spark.source.Cdrs;
import java.time.Instant;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where ingest gets CDRs from: every CDR with {@code startInclusive <= end_time < endExclusive}, as a DataFrame
 * with the {@code zentrunk} source's columns. Injected so that ingest is testable without the API; the real one
 * is {@code (s, e) -> Cdrs.window(spark, endpoint.sourceOptions(), s, e)}. Called once per window of a run's plan
 * ({@link IngestPlan#windows()}).
 */
@FunctionalInterface
public interface CdrInput {
  Dataset<Row> read(Instant startInclusive, Instant endExclusive);

  /**
   * How many CDRs the source holds with {@code startInclusive <= end_time < endExclusive}. Through the
   * {@code zentrunk} source a {@code COUNT(*)} is answered from the API's {@code total_count}: one request.
   */
  default long count(Instant startInclusive, Instant endExclusive) {
    return read(startInclusive, endExclusive).where(LakeDays.window(startInclusive, endExclusive)).count();
  }
}
