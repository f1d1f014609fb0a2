package io.zentrunk.spark.jobs;

import io.zentrunk.spark.source.ReadOptions;
import io.zentrunk.spark.source.ZentrunkDataSource;
import java.time.Instant;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The one place where the jobs read CDRs from the Zentrunk API: the {@code zentrunk} Spark source. */
public final class CdrSources {

  private CdrSources() {}

  /**
   * CDRs with {@code start <= end_time < end}. {@code options} are the source's (endpoint,
   * credentials); missing credentials come from PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN.
   */
  public static Dataset<Row> api(SparkSession spark, Map<String, String> options, Instant start, Instant end) {
    return spark.read().format(ZentrunkDataSource.SHORT_NAME).options(options)
        .option(ReadOptions.START.key(), start.toString())
        .option(ReadOptions.END.key(), end.toString())
        .load();
  }
}
