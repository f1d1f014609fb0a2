package io.zentrunk.spark.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The driver of {@link ClusterIT#readsInOneApplicationHoldTheBudget}: one application on the
 * standalone cluster (client mode, no {@code spark.cores.max}) that reads many times. Prints
 * one line per phase and per read ({@code PHASE name START|END epochMillis},
 * {@code RESULT name count distinct sum executors}) for the test to check against the
 * emulator's ground truth and request log.
 *
 * <p>Arguments: master URL, API URL, application jar, start of the day read (ISO), the
 * emulator's "now" (ISO). Credentials from PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN.
 */
public final class ClusterReadsApp {

  static String api;
  static String now;

  public static void main(String[] args) throws Exception {
    String master = args[0];
    api = args[1];
    String jar = args[2];
    Instant day = Instant.parse(args[3]);
    now = args[4];
    SparkSession spark = SparkSession.builder().master(master).appName("ClusterReadsApp")
        .config("spark.jars", jar)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.executor.memory", "768m")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
    session = spark;
    try {
      // ten reads in a row, while the second worker's executor joins, each of more requests than their budget
      // of 100 per 5 s (a budget per executor would show as a peak above 100)
      for (int i = 0; i < 10; i++) {
        Instant from = day.plus(Duration.ofHours(7 + i));
        read(spark, "ten-" + i, from, from.plus(Duration.ofHours(1)), 300, TEN_BUDGET);
      }
      Thread.sleep(5_500); // that budget's window empties before the reads under the default budget
      // two reads at once, each planning while the other reads
      phase("concurrent", true);
      ExecutorService two = Executors.newFixedThreadPool(2);
      Future<?> a = two.submit(() -> read(spark, "concurrent-a", day.plus(Duration.ofHours(12)), day.plus(Duration.ofHours(14)), 500));
      Future<?> b = two.submit(() -> read(spark, "concurrent-b", day.plus(Duration.ofHours(14)), day.plus(Duration.ofHours(16)), 500));
      a.get();
      b.get();
      two.shutdown();
      phase("concurrent", false);
      // two reads of the account at once with different settings share its one budget (the permit service keys
      // budgets by account): the default beside request_budget=auto, then beside 60 per 1000 ms
      // (the day's busiest hours: a pair needs more requests than one 5-s window of the account's limit holds)
      pair(spark, "pair-auto", day.plus(Duration.ofHours(10)), java.util.Map.of("request_budget", "auto"));
      pair(spark, "pair-window", day.plus(Duration.ofHours(10)), java.util.Map.of("request_budget", "60",
          "budget_window_ms", "1000"));
      // the whole-scan figure: one read alone, the budget's window empty when it starts
      Thread.sleep(6_000);
      read(spark, "scan", day, day.plus(Duration.ofDays(1)), 1000);
      // a worker dies in the middle of this one (the test kills it)
      Thread.sleep(1_000);
      read(spark, "kill", day.plus(Duration.ofHours(12)), day.plus(Duration.ofHours(17)), 1000);
    } finally {
      spark.stop();
    }
  }

  static SparkSession session;

  /**
   * Phase {@code name}: after the budget's window has emptied, a read at the default budget ({@code name-a}) and one
   * with {@code other} settings ({@code name-b}) at once, two hours each from {@code from}.
   */
  static void pair(SparkSession spark, String name, Instant from, java.util.Map<String, String> other) throws Exception {
    Thread.sleep(5_500);
    phase(name, true);
    ExecutorService two = Executors.newFixedThreadPool(2);
    Instant mid = from.plus(Duration.ofHours(2));
    Future<?> a = two.submit(() -> read(spark, name + "-a", from, mid, 500, java.util.Map.of()));
    Future<?> b = two.submit(() -> read(spark, name + "-b", mid, mid.plus(Duration.ofHours(2)), 500, other));
    a.get();
    b.get();
    two.shutdown();
    phase(name, false);
  }

  static void phase(String name, boolean start) {
    System.out.println("PHASE " + name + (start ? " START " : " END ") + System.currentTimeMillis() + " executors="
        + (session.sparkContext().statusTracker().getExecutorInfos().length - 1));
    System.out.flush();
  }

  /** The request budget of the ten reads in a row. */
  static final int TEN_BUDGET = 100;

  static Void read(SparkSession spark, String name, Instant from, Instant to, int partitionRecords) {
    return read(spark, name, from, to, partitionRecords, 250);
  }

  static Void read(SparkSession spark, String name, Instant from, Instant to, int partitionRecords, int budget) {
    return read(spark, name, from, to, partitionRecords, java.util.Map.of("request_budget", String.valueOf(budget)));
  }

  static Void read(SparkSession spark, String name, Instant from, Instant to, int partitionRecords,
      java.util.Map<String, String> options) {
    phase(name, true);
    Row r = spark.read().format("zentrunk").option("api_url", api).option("now", now)
        .options(options)
        .option("start", from.toString()).option("end", to.toString())
        .option("partition_records", String.valueOf(partitionRecords)).load()
        .agg(count(lit(1)), countDistinct(col("call_uuid")), sum(col("total_amount"))).first();
    phase(name, false);
    BigDecimal amount = r.isNullAt(2) ? BigDecimal.ZERO : r.getDecimal(2);
    System.out.println("RESULT " + name + " " + from + " " + to + " " + r.getLong(0) + " " + r.getLong(1) + " "
        + amount.stripTrailingZeros().toPlainString() + " executors="
        + (spark.sparkContext().statusTracker().getExecutorInfos().length - 1));
    System.out.flush();
    return null;
  }
}
