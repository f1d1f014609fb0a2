package io.zentrunk.spark.jobs;

import java.io.PrintStream;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Writes the three reports as Parquet under {@code <output>/hangup_causes/}, {@code countries/} and
 * {@code attestation/}, replacing what a previous run over the same output wrote, and prints the summary.
 */
public final class ReportJob {

  public static final String HANGUP_CAUSES = "hangup_causes";
  public static final String COUNTRIES = "countries";
  public static final String ATTESTATION = "attestation";

  private ReportJob() {}

  public static void run(SparkSession spark, Dataset<Row> cdrs, String outputPath) {
    run(spark, cdrs, outputPath, System.out);
  }

  /** As {@link #run(SparkSession, Dataset, String)}, printing the summary to {@code out}; returns it too. */
  @SuppressWarnings("try") // the resource is the scope of the session confs
  public static String run(SparkSession spark, Dataset<Row> cdrs, String outputPath, PrintStream out) {
    // three aggregations over one input: read the source (an API or the lake) once
    Dataset<Row> input = cdrs.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> causes = Reports.hangupCauses(input);
      Dataset<Row> countries = Reports.countries(input);
      Dataset<Row> attestation = Reports.attestation(input);
      String base = outputPath.endsWith("/") ? outputPath.substring(0, outputPath.length() - 1) : outputPath;
      boolean s3a = S3aSettings.isS3a(base);
      try (SessionConf ignored = SessionConf.set(spark, s3a ? S3aSettings.SESSION : Map.of())) {
        for (Map.Entry<String, Dataset<Row>> e : Map.of(
            HANGUP_CAUSES, causes, COUNTRIES, countries, ATTESTATION, attestation).entrySet()) {
          e.getValue().write().options(s3a ? S3aSettings.REPORT_WRITE : Map.of()).mode(SaveMode.Overwrite)
              .parquet(base + "/" + e.getKey());
        }
      }
      String summary = Reports.summary(causes, countries, attestation);
      out.print(summary);
      out.flush();
      return summary;
    } finally {
      input.unpersist();
    }
  }
}
