package io.zentrunk.spark.cluster;

import org.apache.spark.sql.SparkSession;

/**
 * A spark-submit application for {@link ClusterIT}: reads a window through
 * {@code format("zentrunk")} (credentials from PLIVO_AUTH_ID/PLIVO_AUTH_TOKEN) and writes
 * {@code call_uuid, end_time, total_amount} as Parquet.
 *
 * <p>A first, small read of two hours from the window's middle (partitions of 200 records, more
 * than the executors, so each gets tasks) warms the executor JVMs (class loading, code generation, the Parquet writer, the
 * HTTP client): on a machine of 2 shared cores that takes 10-20 s, which the measured read should
 * not count. The measured read's jobs carry the description {@value #MEASURED}.
 *
 * <p>Arguments: api-url start end now output partition-records.
 */
public final class ClusterReadApp {
  static final String MEASURED = "measured read";

  private ClusterReadApp() {}

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("ClusterReadApp").getOrCreate();
    try {
      java.time.Instant from = java.time.Instant.parse(args[1]);
      java.time.Instant middle = from.plus(java.time.Duration.between(from, java.time.Instant.parse(args[2])).dividedBy(2));
      spark.sparkContext().setJobDescription("warm-up read");
      spark.read().format("zentrunk")
          .option("api_url", args[0]).option("start", middle.toString()).option("end", middle.plusSeconds(7200).toString())
          .option("now", args[3]).option("partition_records", "200")
          .load()
          .select("call_uuid", "end_time", "total_amount")
          .write().mode("overwrite").parquet(args[4] + "-warmup");
      spark.sparkContext().setJobDescription(MEASURED);
      long began = System.nanoTime();
      spark.read().format("zentrunk")
          .option("api_url", args[0]).option("start", args[1]).option("end", args[2]).option("now", args[3])
          .option("partition_records", args[5])
          .load()
          .select("call_uuid", "end_time", "total_amount")
          .write().mode("overwrite").parquet(args[4]);
      System.out.println("ClusterReadApp: read and written in " + (System.nanoTime() - began) / 1_000_000 + " ms");
    } finally {
      spark.stop();
    }
  }
}
