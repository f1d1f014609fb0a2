package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrField;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** The typed entry point for Java: {@code Dataset<Cdr> cdrs = Cdrs.read(spark, options);}. */
public final class Cdrs {
  private Cdrs() {}

  /** Reads CDRs through the {@code zentrunk} source with the given options, as beans. */
  public static Dataset<Cdr> read(SparkSession spark, Map<String, String> options) {
    Column[] cols = new Column[CdrField.count()];
    for (CdrField f : CdrField.values()) {
      cols[f.ordinal()] = functions.col(f.jsonName()).as(Cdr.property(f.jsonName()));
    }
    return spark.read().format(ZentrunkDataSource.SHORT_NAME).options(options).load().select(cols).as(Encoders.bean(Cdr.class));
  }
}
