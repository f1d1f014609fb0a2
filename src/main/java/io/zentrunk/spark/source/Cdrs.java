package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrField;
import java.time.Instant;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The one way code of this project reads CDRs through the {@code zentrunk} source: a window as rows (the jobs),
 * or typed beans for Java users ({@code Dataset<Cdr> cdrs = Cdrs.read(spark, options);}).
 */
public final class Cdrs {
  private Cdrs() {}

  /**
   * CDRs with {@code start <= end_time < end}. {@code options} are the source's (endpoint,
   * credentials); missing credentials come from PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN.
   */
  public static Dataset<Row> window(SparkSession spark, Map<String, String> options, Instant start, Instant end) {
    return spark.read().format(ZentrunkDataSource.SHORT_NAME).options(options)
        .option(ReadOptions.START.key(), start.toString())
        .option(ReadOptions.END.key(), end.toString())
        .load();
  }

  /** Reads CDRs through the {@code zentrunk} source with the given options, as beans. */
  public static Dataset<Cdr> read(SparkSession spark, Map<String, String> options) {
    Column[] cols = new Column[CdrField.count()];
    for (CdrField f : CdrField.values()) {
      cols[f.ordinal()] = functions.col(f.jsonName()).as(Cdr.property(f.jsonName()));
    }
    return spark.read().format(ZentrunkDataSource.SHORT_NAME).options(options).load().select(cols).as(Encoders.bean(Cdr.class));
  }
}
