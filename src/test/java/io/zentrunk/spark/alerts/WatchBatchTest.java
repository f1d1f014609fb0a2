package io.zentrunk.spark.alerts;

import static io.zentrunk.spark.testing.TestCdrs.cdr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.testing.TestCdrs;
import io.zentrunk.spark.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch job's per-batch step on hand-made batches and a hand-written offset log: the last hour kept across
 * batches, the baseline read once a day, an alert raised once per window, and a batch replayed after a crash
 * rewriting the same alerts.
 */
class WatchBatchTest {

  static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  static void offset(Path chk, long id, String end) throws Exception {
    Files.createDirectories(chk.resolve("offsets"));
    Files.writeString(chk.resolve("offsets/" + id), "v1\n{\"batchWatermarkMs\":0}\n{\"version\":1,\"end_time\":\"" + end + "\"}");
  }

  static Dataset<Row> cu(String id, String end, String amount) {
    return TestCdrs.df(spark, List.of(cdr(id).end(end).countries("US", "CU").amount(amount).row()));
  }

  @Test
  void anAlertIsWrittenOncePerWindowAndAReplayedBatchRewritesTheSameRows(@TempDir Path tmp) throws Exception {
    Path chk = tmp.resolve("chk");
    String alerts = tmp.resolve("alerts").toString();
    AtomicInteger historyReads = new AtomicInteger();
    List<Instant[]> historyWindows = new ArrayList<>();
    WatchBatch.History history = (from, to) -> {
      historyReads.incrementAndGet();
      historyWindows.add(new Instant[] {from, to});
      // a week of GB: 168.00000 over 168 hours, 1.00000 an hour
      return TestCdrs.df(spark, List.of(cdr("b").end("2026-10-25T10:00:00Z").countries("US", "GB").amount("168.00000").row()));
    };
    List<String> stages = new ArrayList<>();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    WatchBatch w = new WatchBatch(spark, chk.toString(), alerts, AlertRules.defaults(), history, null,
        new PrintStream(console, true, StandardCharsets.UTF_8), stages::add);

    offset(chk, 0, "2026-10-28T12:00:00Z");
    w.call(cu("a", "2026-10-28T11:10:00Z", "40.00000").unionByName(TestCdrs.df(spark, List.of(
        cdr("g").end("2026-10-28T11:20:00Z").countries("US", "GB").amount("4.99999").row()))), 0L);
    List<Row> first = spark.read().parquet(alerts).collectAsList();
    assertThat(first).hasSize(1);
    assertThat(first.get(0).<String>getAs("destination")).isEqualTo("CU");
    assertThat(stages).containsExactly(WatchBatch.STAGE_BATCH, WatchBatch.STAGE_ALERTS_WRITTEN, WatchBatch.STAGE_BATCH_DONE);
    assertThat(historyWindows.get(0)).containsExactly(Instant.parse("2026-10-21T00:00:00Z"), Instant.parse("2026-10-28T00:00:00Z"));

    // the burst goes on: the hour to 12:30 overlaps the alert's hour, nothing new
    offset(chk, 1, "2026-10-28T12:30:00Z");
    w.call(cu("b", "2026-10-28T12:20:00Z", "40.00000"), 1L);
    // replayed after a crash: the same window, the same outcome, and batch 0's alert is not raised twice
    w.call(cu("b", "2026-10-28T12:20:00Z", "40.00000"), 1L);
    w.call(cu("a", "2026-10-28T11:10:00Z", "40.00000"), 0L);
    // the recent CDRs after batch 1: those of the hour to 12:30 only (11:10 and 11:20 have left it)
    assertThat(TestSpark.lines(spark.read().parquet(chk.resolve("watch/recent/1").toString()).select("end_time")))
        .containsExactly("2026-10-28T12:20:00Z");
    assertThat(spark.read().parquet(alerts).count()).isEqualTo(1);

    // at 13:10 the hour [12:10, 13:10) no longer overlaps [11:00, 12:00)... but overlaps nothing raised since: raised
    offset(chk, 2, "2026-10-28T13:10:00Z");
    w.call(cu("c", "2026-10-28T12:50:00Z", "0.00001"), 2L);
    List<Row> all = spark.read().parquet(alerts).orderBy("batch").collectAsList();
    assertThat(TestSpark.lines(spark.read().parquet(alerts).orderBy("batch")
        .select("batch", "kind", "destination", "window_start", "window_end", "calls", "amount")))
        .containsExactly("0|irsf|CU|2026-10-28T11:00:00Z|2026-10-28T12:00:00Z|1|40.00000",
            "2|irsf|CU|2026-10-28T12:10:00Z|2026-10-28T13:10:00Z|2|40.00001");
    assertThat(all.get(0).<String>getAs("alert_id")).isNotEqualTo(all.get(1).<String>getAs("alert_id"));
    // the baseline was read once for the day
    assertThat(historyReads).hasValue(1);
    String out = console.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("the IRSF baseline of 2026-10-28 covers 2026-10-21T00:00:00Z to 2026-10-28T00:00:00Z (168 hours)");
    // batch 0 printed twice (run and replay), batch 2 once
    assertThat(out.lines().filter(l -> l.startsWith("watch: ALERT irsf CU"))).hasSize(3);
  }

  @Test
  void aMissingStateOfThePreviousBatchIsAClearError(@TempDir Path tmp) throws Exception {
    Path chk = tmp.resolve("chk");
    WatchBatch w = new WatchBatch(spark, chk.toString(), tmp.resolve("alerts").toString(), AlertRules.defaults(),
        (from, to) -> TestCdrs.df(spark, List.of()), null, new PrintStream(new ByteArrayOutputStream()), s -> { });
    offset(chk, 5, "2026-10-28T12:00:00Z");
    assertThatThrownBy(() -> w.call(cu("a", "2026-10-28T11:10:00Z", "1.00000"), 5L))
        .hasMessageContaining("the watch state of batch 4 is missing under the checkpoint");
  }
}
