package io.zentrunk.spark.alerts;

import static io.zentrunk.spark.alerts.WatchBatchTest.offset;
import static io.zentrunk.spark.alerts.WatchBatchTest.start;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.source.CdrColumns;
import io.zentrunk.spark.source.Cdrs;
import io.zentrunk.spark.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IRSF baseline read incrementally, against the emulator over real HTTP (it counts the requests): each held
 * day's outbound amounts are read once and kept under the checkpoint, so a day's baseline costs the requests of one
 * day's outbound pages; the baselines and the alerts equal those of a baseline read whole each day (the same batches
 * with the kept days deleted before each one); a kill after a day was read and before its sums were kept reads that
 * day again at the restart, and nothing is counted twice or lost.
 */
class WatchBaselineIT {

  static final Instant NOW = Instant.parse("2026-10-31T06:00:00Z");
  /** A burst to CU on the third day, judged against the baseline of that day. */
  static final Instant BURST = Instant.parse("2026-10-30T12:00:00Z");

  static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  /**
   * The batches' ends: the first judges minutes of 2026-10-28, the second, third and fifth each cross a midnight (one
   * new day's baseline a batch), the fourth holds the burst.
   */
  static final List<String> ENDS = List.of("2026-10-28T23:30:00Z", "2026-10-29T00:30:00Z", "2026-10-30T00:30:00Z",
      "2026-10-30T13:00:00Z", "2026-10-31T00:30:00Z");
  static final String STREAM_START = "2026-10-28T23:00:00Z";

  static WatchBatch watch(Path chk, String alerts, WatchBatch.History history, Consumer<String> stage) {
    return new WatchBatch(spark, chk.toString(), alerts, AlertRules.defaults(), history, null, Duration.ofMinutes(1),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), stage);
  }

  @Test
  void aDayOfTheBaselineIsReadOnceAndTheAlertsEqualThoseOfABaselineReadWhole(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(11).callsPerDay(1_000).now(NOW)
        .rateLimitOff().burst(BURST, 10, "CU", 100).build())) {
      Map<String, String> o = Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(),
          "auth_token", api.config().authToken(), "now", NOW.toString(), "request_budget", "100000");
      WatchBatch.History history = (from, to) -> Cdrs.window(spark, o, from, to)
          .filter(col(CdrColumns.CALL_DIRECTION).equalTo("outbound"));
      // the batches' CDRs, read before any request is counted
      List<Dataset<Row>> batches = new ArrayList<>();
      Instant after = Instant.parse(STREAM_START);
      for (String end : ENDS) {
        Dataset<Row> b = Cdrs.window(spark, o, after, Instant.parse(end)).select(WatchBatch.columns());
        batches.add(spark.createDataFrame(b.collectAsList(), b.schema()));
        after = Instant.parse(end);
      }
      // what one read of days [from, to) costs, by the watch's own grouping of a read
      java.util.function.BiFunction<String, String, Long> cost = (from, to) -> {
        api.resetStats();
        history.outbound(day(from), day(to)).groupBy(col(CdrColumns.TO_COUNTRY))
            .agg(org.apache.spark.sql.functions.sum(col(CdrColumns.TOTAL_AMOUNT))).collectAsList();
        return api.stats().listRequests();
      };
      long week = cost.apply("2026-10-21", "2026-10-28");
      long oct28 = cost.apply("2026-10-28", "2026-10-29");
      long oct29 = cost.apply("2026-10-29", "2026-10-30");
      long oct30 = cost.apply("2026-10-30", "2026-10-31");
      long pagesOct29 = (api.groundTruth(day("2026-10-29"), day("2026-10-30")).stream()
          .filter(c -> c.callDirection().equals("outbound")).count() + 19) / 20;
      assertThat(oct29).as("one day's read: its outbound pages and the planner's probes").isBetween(pagesOct29,
          pagesOct29 + 5);
      long[] full = {week, cost.apply("2026-10-22", "2026-10-29"), cost.apply("2026-10-23", "2026-10-30"), 0,
          cost.apply("2026-10-24", "2026-10-31")};

      // read whole: the kept days deleted before each batch, so each new day's baseline reads its 7 days (as before)
      Path chkFull = tmp.resolve("full");
      String alertsFull = tmp.resolve("alerts-full").toString();
      WatchBatch wf = watch(chkFull, alertsFull, history, s -> {});
      start(chkFull, STREAM_START);
      for (int i = 0; i < ENDS.size(); i++) {
        offset(chkFull, i, ENDS.get(i));
        deleteDir(chkFull.resolve("watch/baseline-days"));
        api.resetStats();
        wf.call(batches.get(i), (long) i);
        assertThat(api.stats().listRequests()).as("batch " + i + " read whole").isEqualTo(full[i]);
      }

      // incrementally, killed once after reading 2026-10-29 (for the baseline of 2026-10-30) and before keeping its sums
      Path chk = tmp.resolve("chk");
      String alerts = tmp.resolve("alerts").toString();
      List<String> stages = new ArrayList<>();
      WatchBatch w = watch(chk, alerts, history, stages::add);
      start(chk, STREAM_START);
      long[] incremental = {week, oct28, oct29, 0, oct30};
      for (int i = 0; i < ENDS.size(); i++) {
        offset(chk, i, ENDS.get(i));
        api.resetStats();
        if (i == 2) {
          WatchBatch killed = watch(chk, alerts, history, s -> {
            if (s.equals(WatchBatch.STAGE_BASELINE_READ)) {
              throw new IllegalStateException("killed at " + s);
            }
          });
          assertThatThrownBy(() -> killed.call(batches.get(2), 2L)).hasMessage("killed at " + WatchBatch.STAGE_BASELINE_READ);
          assertThat(api.stats().listRequests()).as("the day was read before the kill").isEqualTo(oct29);
          assertThat(chk.resolve("watch/baseline-days/2026-10-29.json")).doesNotExist();
          w = watch(chk, alerts, history, stages::add); // the restart
          api.resetStats();
        }
        w.call(batches.get(i), (long) i);
        assertThat(api.stats().listRequests()).as("batch " + i + " incrementally").isEqualTo(incremental[i]);
      }
      assertThat(stages.stream().filter(WatchBatch.STAGE_BASELINE_READ::equals)).as("reads: the week, then a day each")
          .hasSize(4);

      for (String d : List.of("2026-10-28", "2026-10-29", "2026-10-30", "2026-10-31")) {
        assertThat(baseline(chk, d)).as("the baseline of " + d).isNotEmpty().containsExactlyElementsOf(baseline(chkFull, d));
      }
      List<String> raised = alertRows(alerts);
      assertThat(raised).as("alerts incrementally").containsExactlyElementsOf(alertRows(alertsFull));
      assertThat(raised).anyMatch(r -> r.startsWith("trigger|irsf|CU|2026-10-30T11:"));
      // only the days a baseline to come may need are kept
      try (var kept = Files.list(chk.resolve("watch/baseline-days"))) {
        assertThat(kept.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted()).containsExactly("2026-10-24.json",
            "2026-10-25.json", "2026-10-26.json", "2026-10-27.json", "2026-10-28.json", "2026-10-29.json",
            "2026-10-30.json");
      }
    }
  }

  static Instant day(String d) {
    return LocalDate.parse(d).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  static List<String> baseline(Path chk, String day) {
    return TestSpark.lines(spark.read().parquet(chk.resolve("watch/baseline/" + day).toString())
        .orderBy(col(CdrColumns.TO_COUNTRY)));
  }

  static List<String> alertRows(String alerts) {
    return TestSpark.lines(spark.read().parquet(alerts)
        .orderBy(col("window_end"), col("event").desc(), col("kind"), col("destination"))
        .select("event", "kind", "destination", "window_start", "window_end", "calls", "amount", "baseline_amount", "ner",
            "late", "resolved_at", "batch"));
  }

  static void deleteDir(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
