package io.zentrunk.spark.jobs;

import org.apache.spark.sql.SparkSession;

/** One local SparkSession per test JVM, small and quiet. */
final class TestSpark {

  private TestSpark() {}

  static synchronized SparkSession session() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("zentrunk-jobs-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }
}
