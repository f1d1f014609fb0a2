package io.zentrunk.spark.testing;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** One local SparkSession per test JVM, small and quiet. */
public final class TestSpark {

  private TestSpark() {}

  public static synchronized SparkSession session() {
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

  /** A DataFrame's rows as "a|b|c" lines, for exact comparisons. */
  public static List<String> lines(Dataset<Row> df) {
    return df.collectAsList().stream()
        .map(r -> IntStream.range(0, r.size()).mapToObj(i -> String.valueOf(r.get(i))).collect(Collectors.joining("|")))
        .collect(Collectors.toList());
  }
}
