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
import java.time.Duration;
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
 * The watch job's per-batch step on hand-made batches and a hand-written offset log: every minute of a batch
 * judged, the longest window kept across batches, the baseline read once a day, an alert raised once per window
 * and resolved once its rule no longer holds, NULL destinations judged as their own, a batch replayed after a crash
 * and a new checkpoint over the same store leaving every earlier row as it was, with nothing printed twice.
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

  /** The stream's start, as the source logs it in its checkpoint folder. */
  static void start(Path chk, String start) throws Exception {
    Files.createDirectories(chk.resolve("sources/0"));
    Files.writeString(chk.resolve("sources/0/zentrunk-start-offset.json"), "{\"version\":1,\"end_time\":\"" + start + "\"}");
  }

  /** An outbound call to CU and one without to_country, at the same time and amount. */
  static Dataset<Row> cu(String id, String end, String amount) {
    return TestCdrs.df(spark, List.of(cdr(id).end(end).countries("US", "CU").amount(amount).row(),
        cdr(id + "-null").end(end).countries("US", null).amount(amount).row()));
  }

  static WatchBatch watch(Path chk, String alerts, WatchBatch.History history, ByteArrayOutputStream console,
      List<String> stages) {
    return new WatchBatch(spark, chk.toString(), alerts, AlertRules.defaults(), history, null, Duration.ofMinutes(1),
        new PrintStream(console, true, StandardCharsets.UTF_8), stages::add);
  }

  static List<String> store(String alerts) {
    return TestSpark.lines(spark.read().parquet(alerts)
        .orderBy(org.apache.spark.sql.functions.col("window_end"), org.apache.spark.sql.functions.col("event").desc(),
            org.apache.spark.sql.functions.col("destination"))
        .select("event", "kind", "destination", "window_start", "window_end", "calls", "amount", "late", "resolved_at", "batch"));
  }

  @Test
  void everyMinuteOfABatchIsJudgedOnceAndAnAlertResolvesAtTheFirstMinuteItsRuleNoLongerHolds(@TempDir Path tmp)
      throws Exception {
    Path chk = tmp.resolve("chk");
    String alerts = tmp.resolve("alerts").toString();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // inbound: the limits count calls of either direction, and no outbound NER is at stake here
      rows.add(cdr("f" + i).direction("inbound").end("2026-10-28T12:02:00Z").unanswered().cause(5190, "concurrent_call_limit_exceeded", "zentrunk")
          .trunk("t1").row());
    }
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    WatchBatch w = watch(chk, alerts, (from, to) -> TestCdrs.df(spark, List.of()), console, new ArrayList<>());
    start(chk, "2026-10-28T12:00:00Z");
    offset(chk, 0, "2026-10-28T12:10:00Z");
    w.call(TestCdrs.df(spark, rows), 0L);
    // the 5-minute windows ending 12:03 to 12:07 hold the 30 calls: one alert, for the first; at 12:08 the rule no
    // longer holds: resolved there
    assertThat(store(alerts)).containsExactly(
        "trigger|trunk_limit|t1|2026-10-28T11:58:00Z|2026-10-28T12:03:00Z|30|null|true|null|0",
        "resolve|trunk_limit|t1|2026-10-28T11:58:00Z|2026-10-28T12:03:00Z|30|null|true|2026-10-28T12:08:00Z|0");
    // minutes 12:01 to 12:10
    assertThat(w.stats().minutesJudged()).isEqualTo(10);
    assertThat(w.stats().raised()).containsEntry(AlertRules.TRUNK_LIMIT, 1L);
    String out = console.toString(StandardCharsets.UTF_8);
    assertThat(out.lines().filter(l -> l.startsWith("watch: ALERT trunk_limit t1"))).hasSize(1);
    assertThat(out).contains("watch: RESOLVED trunk_limit t1: its rule no longer holds at 2026-10-28T12:08:00Z",
        "watch: batch 0 judged 10 minutes");
  }

  @Test
  void anAlertIsWrittenOncePerWindowAndNeitherAReplayNorANewCheckpointRewritesOrReprintsIt(@TempDir Path tmp)
      throws Exception {
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
    WatchBatch w = watch(chk, alerts, history, console, stages);

    start(chk, "2026-10-28T11:00:00Z");
    offset(chk, 0, "2026-10-28T12:00:00Z");
    w.call(cu("a", "2026-10-28T11:10:00Z", "40.00000").unionByName(TestCdrs.df(spark, List.of(
        cdr("g").end("2026-10-28T11:20:00Z").countries("US", "GB").amount("4.99999").row()))), 0L);
    // the hours to 11:11 .. 12:00 hold the 11:10 calls: raised at 11:11 (the stream started at 11:00: the hour to
    // 11:11 is judged over what it holds)
    assertThat(store(alerts)).containsExactly(
        "trigger|irsf|??|2026-10-28T10:11:00Z|2026-10-28T11:11:00Z|1|40.00000|true|null|0",
        "trigger|irsf|CU|2026-10-28T10:11:00Z|2026-10-28T11:11:00Z|1|40.00000|true|null|0");
    assertThat(stages).containsExactly(WatchBatch.STAGE_BATCH, WatchBatch.STAGE_BASELINE_READ,
        WatchBatch.STAGE_ALERTS_WRITTEN, WatchBatch.STAGE_BATCH_DONE);
    assertThat(historyWindows.get(0)).containsExactly(Instant.parse("2026-10-21T00:00:00Z"), Instant.parse("2026-10-28T00:00:00Z"));

    // to 12:10 the hour holds the 11:10 calls (the alert stays open); at 12:11 nothing: resolved; from 12:21 the
    // 12:20 calls are flagged, and the hour to 12:21 no longer overlaps [10:11, 11:11): raised, on time (batch 1
    // ends at 12:21)
    offset(chk, 1, "2026-10-28T12:21:00Z");
    w.call(cu("b", "2026-10-28T12:20:00Z", "40.00000"), 1L);
    // replayed after a crash: the same decisions, nothing written or printed twice
    w.call(cu("b", "2026-10-28T12:20:00Z", "40.00000"), 1L);
    w.call(cu("a", "2026-10-28T11:10:00Z", "40.00000"), 0L);

    // to 13:10 the hours hold 12:20 (and 12:50): the rule holds, its window overlaps [11:21, 12:21): nothing new
    offset(chk, 2, "2026-10-28T13:10:00Z");
    w.call(cu("c", "2026-10-28T12:50:00Z", "0.00001"), 2L);
    List<String> expected = List.of(
        "trigger|irsf|??|2026-10-28T10:11:00Z|2026-10-28T11:11:00Z|1|40.00000|true|null|0",
        "trigger|irsf|CU|2026-10-28T10:11:00Z|2026-10-28T11:11:00Z|1|40.00000|true|null|0",
        "resolve|irsf|??|2026-10-28T10:11:00Z|2026-10-28T11:11:00Z|1|40.00000|true|2026-10-28T12:11:00Z|1",
        "resolve|irsf|CU|2026-10-28T10:11:00Z|2026-10-28T11:11:00Z|1|40.00000|true|2026-10-28T12:11:00Z|1",
        "trigger|irsf|??|2026-10-28T11:21:00Z|2026-10-28T12:21:00Z|1|40.00000|false|null|1",
        "trigger|irsf|CU|2026-10-28T11:21:00Z|2026-10-28T12:21:00Z|1|40.00000|false|null|1");
    assertThat(store(alerts)).containsExactlyElementsOf(expected);
    // the CDRs batch 2 judged: the hour before 12:21 and the batch's own
    assertThat(TestSpark.lines(spark.read().parquet(chk.resolve("watch/recent/2").toString()).select("end_time").distinct()
        .orderBy("end_time"))).containsExactly("2026-10-28T12:20:00Z", "2026-10-28T12:50:00Z");
    assertThat(w.stats().minutesJudged()).isEqualTo(60 + 21 + 21 + 60 + 49); // replays judge again
    // the baseline was read once for the day
    assertThat(historyReads).hasValue(1);
    String out = console.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("the IRSF baseline of 2026-10-28 covers 2026-10-21T00:00:00Z to 2026-10-28T00:00:00Z (168 hours)");
    assertThat(out.lines().filter(l -> l.startsWith("watch: ALERT irsf CU"))).hasSize(2);
    assertThat(out.lines().filter(l -> l.startsWith("watch: ALERT irsf ??"))).hasSize(2);
    assertThat(out.lines().filter(l -> l.startsWith("watch: RESOLVED irsf CU"))).hasSize(1);

    // a new checkpoint over the same store, starting at 11:00 again: every earlier row stays, nothing is raised again
    Path chk2 = tmp.resolve("chk2");
    ByteArrayOutputStream console2 = new ByteArrayOutputStream();
    WatchBatch w2 = watch(chk2, alerts, history, console2, new ArrayList<>());
    start(chk2, "2026-10-28T11:00:00Z");
    offset(chk2, 0, "2026-10-28T12:00:00Z");
    w2.call(cu("a", "2026-10-28T11:10:00Z", "40.00000"), 0L);
    offset(chk2, 1, "2026-10-28T13:10:00Z");
    w2.call(cu("b", "2026-10-28T12:20:00Z", "40.00000").unionByName(cu("c", "2026-10-28T12:50:00Z", "0.00001")), 1L);
    assertThat(store(alerts)).containsExactlyElementsOf(expected);
    assertThat(console2.toString(StandardCharsets.UTF_8)).doesNotContain("watch: ALERT", "watch: RESOLVED");
  }

  @Test
  void aMissingStateOfThePreviousBatchIsAClearError(@TempDir Path tmp) throws Exception {
    Path chk = tmp.resolve("chk");
    WatchBatch w = watch(chk, tmp.resolve("alerts").toString(), (from, to) -> TestCdrs.df(spark, List.of()),
        new ByteArrayOutputStream(), new ArrayList<>());
    start(chk, "2026-10-28T11:00:00Z");
    offset(chk, 4, "2026-10-28T11:50:00Z");
    offset(chk, 5, "2026-10-28T12:00:00Z");
    assertThatThrownBy(() -> w.call(cu("a", "2026-10-28T11:10:00Z", "1.00000"), 5L))
        .hasMessageContaining("the watch state of batch 4 is missing under the checkpoint");
  }
}
