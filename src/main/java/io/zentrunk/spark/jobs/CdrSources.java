package io.zentrunk.spark.jobs;

import java.time.Instant;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The one place where the jobs read CDRs from the Zentrunk API: the {@code zentrunk} Spark source. */
public final class CdrSources {

  private CdrSources() {}

  /**
   * CDRs with {@code start <= end_time < end}. Credentials come from the source's defaults (PLIVO_AUTH_ID,
   * PLIVO_AUTH_TOKEN); {@code apiUrl} may be null for the real service.
   */
  public static Dataset<Row> api(SparkSession spark, String apiUrl, Instant start, Instant end) {
    DataFrameReader reader = spark.read().format("zentrunk")
        .option("start", start.toString())
        .option("end", end.toString());
    if (apiUrl != null) {
      reader = reader.option("api_url", apiUrl);
    }
    return reader.load();
  }
}
