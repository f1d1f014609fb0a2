package io.zentrunk.spark.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The driver of the bench's {@link AccountsRate} scenario: one application on the standalone cluster that reads
 * the same window of one account, then of four accounts (each its own budget), then of four accounts under one
 * shared budget against an emulator whose four accounts share one limit. Prints {@code PHASE name START|END
 * epochMillis} around each read and {@code RESULT name rows}. The budget's window empties (5.5 s) before each
 * measured read, so none starts with permits another spent.
 *
 * <p>Arguments: master URL, API URL (accounts each at their own limit), API URL (one limit shared), application
 * jar, start and end of the window (ISO), the emulators' "now" (ISO), the auth ids (comma-separated, the first one
 * the environment's PLIVO_AUTH_ID). Tokens from PLIVO_AUTH_TOKEN_&lt;AUTH_ID&gt;.
 */
public final class AccountsRateApp {

  public static void main(String[] args) throws Exception {
    String master = args[0];
    String apart = args[1];
    String together = args[2];
    String jar = args[3];
    Instant from = Instant.parse(args[4]);
    Instant to = Instant.parse(args[5]);
    String now = args[6];
    String ids = args[7];
    SparkSession spark = SparkSession.builder().master(master).appName("AccountsRateApp")
        .config("spark.jars", jar)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.executor.memory", "768m")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
    try {
      // every executor has read once before the figures (class loading and code generation are not the figure)
      read(spark, "warm", apart, now, from, from.plus(Duration.ofHours(2)), Map.of());
      Thread.sleep(5_500);
      read(spark, "one", apart, now, from, to, Map.of());
      Thread.sleep(5_500);
      read(spark, "four", apart, now, from, to, Map.of("auth_ids", ids));
      Thread.sleep(5_500);
      read(spark, "shared", together, now, from, to, Map.of("auth_ids", ids, "shared_budget", "all"));
    } finally {
      spark.stop();
    }
  }

  static void read(SparkSession spark, String name, String api, String now, Instant from, Instant to,
      Map<String, String> options) {
    System.out.println("PHASE " + name + " START " + System.currentTimeMillis());
    System.out.flush();
    // every row is read: a sum is not pushed to the API (COUNT(*) alone would be)
    Row r = spark.read().format("zentrunk").option("api_url", api).option("now", now).options(options)
        .option("start", from.toString()).option("end", to.toString()).load()
        .agg(count(lit(1)), sum(col("call_duration"))).first();
    System.out.println("PHASE " + name + " END " + System.currentTimeMillis());
    System.out.println("RESULT " + name + " " + r.getLong(0));
    System.out.flush();
  }
}
