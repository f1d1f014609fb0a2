package io.zentrunk.spark.alerts;

import static io.zentrunk.spark.testing.TestCdrs.cdr;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.zentrunk.spark.testing.TestCdrs;
import io.zentrunk.spark.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --alerts} given as an Iceberg table name: the watch's batches append to the table, a replayed batch adds no
 * row and POSTs nothing again, and every commit of the table is an append (the store only grows).
 */
class AlertStoreTableTest {

  static Dataset<Row> cu(SparkSession spark, String id, String end) {
    return TestCdrs.df(spark, List.of(cdr(id).end(end).countries("US", "CU").amount("40.00000").row()));
  }

  static void offset(Path chk, long id, String end) throws Exception {
    Files.createDirectories(chk.resolve("offsets"));
    Files.writeString(chk.resolve("offsets/" + id), "v1\n{\"batchWatermarkMs\":0}\n{\"version\":1,\"end_time\":\"" + end + "\"}");
  }

  @Test
  void anIcebergTableStoreOnlyGrowsAndAReplayedBatchWritesAndPostsNothingAgain(@TempDir Path tmp) throws Exception {
    SparkSession spark = TestSpark.session();
    spark.conf().set("spark.sql.catalog.watch_ice", "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set("spark.sql.catalog.watch_ice.type", "hadoop");
    spark.conf().set("spark.sql.catalog.watch_ice.warehouse", tmp.resolve("warehouse").toUri().toString());
    String table = "watch_ice.ops.alerts";
    assertThat(AlertStore.isTable(spark, table)).isTrue();

    List<String> posts = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", ex -> {
      posts.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    receiver.start();
    try {
      Webhook hook = new Webhook(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"),
          Webhook.Format.SLACK, null, 2, Duration.ofMillis(20), Duration.ofSeconds(5));
      Path chk = tmp.resolve("chk");
      Files.createDirectories(chk.resolve("sources/0"));
      Files.writeString(chk.resolve("sources/0/zentrunk-start-offset.json"), "{\"version\":1,\"end_time\":\"2026-10-28T11:00:00Z\"}");
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      WatchBatch w = new WatchBatch(spark, chk.toString(), table, AlertRules.defaults(),
          (from, to) -> TestCdrs.df(spark, List.of()), hook, Duration.ofMinutes(1),
          new PrintStream(console, true, StandardCharsets.UTF_8), s -> { });

      offset(chk, 0, "2026-10-28T12:00:00Z");
      w.call(cu(spark, "a", "2026-10-28T11:10:00Z"), 0L);
      List<String> first = rows(spark, table);
      assertThat(first).containsExactly("trigger|irsf|CU|2026-10-28T11:11:00Z|0");
      assertThat(posts).hasSize(1);

      // batch 0 replayed after a crash: nothing written, nothing POSTed
      w.call(cu(spark, "a", "2026-10-28T11:10:00Z"), 0L);
      assertThat(rows(spark, table)).isEqualTo(first);
      assertThat(posts).hasSize(1);

      // batch 1 resolves the alert and raises the next hour's; replayed twice: the same rows, no POST again
      offset(chk, 1, "2026-10-28T12:21:00Z");
      w.call(cu(spark, "b", "2026-10-28T12:20:00Z"), 1L);
      List<String> second = rows(spark, table);
      assertThat(second).containsAll(first).containsExactly("trigger|irsf|CU|2026-10-28T11:11:00Z|0",
          "resolve|irsf|CU|2026-10-28T11:11:00Z|1", "trigger|irsf|CU|2026-10-28T12:21:00Z|1");
      assertThat(posts).hasSize(3);
      w.call(cu(spark, "b", "2026-10-28T12:20:00Z"), 1L);
      w.call(cu(spark, "b", "2026-10-28T12:20:00Z"), 1L);
      assertThat(rows(spark, table)).isEqualTo(second);
      assertThat(posts).hasSize(3);

      // every commit of the table added rows: none replaced or deleted one
      List<String> operations = new ArrayList<>();
      spark.table(table + ".snapshots").orderBy("committed_at").select("operation").collectAsList()
          .forEach(r -> operations.add(r.getString(0)));
      assertThat(operations).isNotEmpty().allMatch(o -> o.equals("append"));
      assertThat(posts).allMatch(p -> p.contains("irsf CU"));
    } finally {
      receiver.stop(0);
      spark.sql("DROP TABLE IF EXISTS " + table);
    }
  }

  /** event|kind|destination|window_end|batch of every row of the table, in order. */
  static List<String> rows(SparkSession spark, String table) {
    return TestSpark.lines(spark.table(table).orderBy(org.apache.spark.sql.functions.col("window_end"),
        org.apache.spark.sql.functions.col("event").desc()).select("event", "kind", "destination", "window_end", "batch"));
  }
}
