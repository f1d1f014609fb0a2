package io.zentrunk.spark.lake;

import io.zentrunk.spark.source.Cdrs;
import java.time.Instant;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where ingest gets CDRs from: every CDR with {@code startInclusive <= end_time < endExclusive}, as a DataFrame
 * with the {@code zentrunk} source's columns. Injected so that ingest is testable without the API; the real one
 * is {@code (s, e) -> Cdrs.window(spark, endpoint.sourceOptions(), s, e)}. Called once per run for the whole window.
 */
@FunctionalInterface
public interface CdrInput {
  Dataset<Row> read(Instant startInclusive, Instant endExclusive);
}
