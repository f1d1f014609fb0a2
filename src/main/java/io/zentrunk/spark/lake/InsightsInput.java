package io.zentrunk.spark.lake;

import java.time.Instant;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where {@code ingest --with-insights} gets Call Insights from: the {@code zentrunk} source's {@code call_insights}
 * table of the window {@code [startInclusive, endExclusive)} (its budget, retries, {@code sample} and
 * {@code max_requests} refusal). Ingest narrows it with {@code call_uuid IN (the run's new calls)}, which the source
 * applies before any Insights request.
 */
@FunctionalInterface
public interface InsightsInput {
  Dataset<Row> read(Instant startInclusive, Instant endExclusive);
}
