package io.zentrunk.spark.alerts;

import static io.zentrunk.spark.alerts.WatchBatchTest.offset;
import static io.zentrunk.spark.alerts.WatchBatchTest.start;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatedInsights;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.report.Quality;
import io.zentrunk.spark.source.Cdrs;
import io.zentrunk.spark.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality-drop rule in the watch's batches (as WatchBaselineIT drives them: the offsets written, the batches
 * called), against the emulator over real HTTP with one carrier degraded from an emulated time on: the watch raises
 * exactly one quality_drop, for that carrier, at the first minute where the rule holds on the ground truth (computed
 * in plain Java from the emulator's CDRs and Insights), and none for the other carriers; each batch asks for the
 * Insights of its own answered calls only, once: a batch replayed after a crash asks for none and raises nothing again.
 */
class WatchQualityIT {

  static final Instant NOW = Instant.parse("2026-10-31T00:00:00Z");
  static final String FAULTY = "Harbor Voice";
  static final Instant FAULT = Instant.parse("2026-10-30T12:00:00Z");
  static final String STREAM_START = "2026-10-29T12:00:00Z";
  /** The first batch judges 10-29's afternoon (no baseline day kept: nothing judged), the second 10-30's morning. */
  static final List<String> ENDS = List.of("2026-10-30T00:00:00Z", "2026-10-30T12:00:00Z", "2026-10-30T12:20:00Z",
      "2026-10-30T12:40:00Z", "2026-10-30T13:00:00Z", "2026-10-30T13:20:00Z");

  static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  @Test
  void aDegradedCarrierIsAlertedOnceAtTheFirstMinuteItsRuleHoldsAndNoOtherCarrier(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(11).callsPerDay(5_000).now(NOW)
        .rateLimitOff().carrierFault(FAULTY, FAULT).build())) {
      Map<String, String> o = Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(),
          "auth_token", api.config().authToken(), "now", NOW.toString(), "request_budget", "100000");
      // IRSF not judged (no baseline day held): this test is about quality alone
      WatchBatch.History history = new WatchBatch.History() {
        @Override
        public Dataset<Row> outbound(Instant from, Instant to) {
          throw new AssertionError("no IRSF baseline is read");
        }

        @Override
        public LocalDate heldFrom(Instant end) {
          return LocalDate.ofInstant(end, ZoneOffset.UTC).plusDays(1);
        }
      };
      List<Dataset<Row>> batches = new ArrayList<>();
      Instant after = Instant.parse(STREAM_START);
      for (String end : ENDS) {
        Dataset<Row> b = Cdrs.window(spark, o, after, Instant.parse(end)).select(WatchBatch.columns());
        batches.add(spark.createDataFrame(b.collectAsList(), b.schema()));
        after = Instant.parse(end);
      }
      List<String> want = expected(api, Instant.parse(STREAM_START), Instant.parse(ENDS.get(ENDS.size() - 1)));
      assertThat(want).as("the ground truth: one drop, of the degraded carrier").hasSize(1)
          .allMatch(a -> a.startsWith(FAULTY + ", landline|"));
      Instant first = Instant.parse(want.get(0).split("\\|")[1]);
      int raisedBy = 0; // the batch whose minutes hold the first minute where the rule holds
      while (!Instant.parse(ENDS.get(raisedBy)).isAfter(first.minusNanos(1))) {
        raisedBy++;
      }

      Path chk = tmp.resolve("chk");
      String alerts = tmp.resolve("alerts").toString();
      start(chk, STREAM_START);
      WatchBatch.Insights feed = WatchBatch.Insights.of(spark, o);
      after = Instant.parse(STREAM_START);
      for (int i = 0; i < ENDS.size(); i++) {
        Instant end = Instant.parse(ENDS.get(i));
        offset(chk, i, ENDS.get(i));
        long answered = api.groundTruth(after, end).stream().filter(c -> c.billDuration() > 0).count();
        api.resetStats();
        watch(chk, alerts, history, feed).call(batches.get(i), (long) i);
        assertThat(api.stats().insightsRequests()).as("batch " + i + ": one Insights request per answered call of its own")
            .isEqualTo(answered);
        List<String> raised = drops(alerts);
        if (i < raisedBy) {
          assertThat(raised).as("batch " + i + ", before " + first).isEmpty();
        } else {
          // raised by the batch that judged that minute, and not again while its window overlaps
          assertThat(raised).as("batch " + i + " to " + end).containsExactly(want.get(0) + "|" + raisedBy);
        }
        after = end;
      }
      assertThat(drops(alerts)).hasSize(1);
      // the last batch replayed after a crash (a restart before Spark committed it): its Insights are kept, none asked
      api.resetStats();
      watch(chk, alerts, history, feed).call(batches.get(ENDS.size() - 1), (long) ENDS.size() - 1);
      assertThat(api.stats().insightsRequests()).as("the replayed batch's Insights requests").isZero();
      assertThat(drops(alerts)).hasSize(1);
      String reason = spark.read().parquet(alerts).filter(col("kind").equalTo("quality_drop")).first().getAs("reason");
      System.out.println("quality_drop: " + reason);
      assertThat(reason).startsWith("quality of carrier " + FAULTY + ", landline in the hour to ")
          .contains("against its baseline").contains("on 2026-10-29, the UTC day before the window");
    }
  }

  static WatchBatch watch(Path chk, String alerts, WatchBatch.History history, WatchBatch.Insights feed) {
    return new WatchBatch(spark, chk.toString(), alerts, AlertRules.defaults(), history, null, Duration.ofMinutes(1),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), s -> {})
        .withQuality(feed, Quality.Rule.defaults());
  }

  /** The quality_drop triggers in the store: carrier|window_end|batch. */
  static List<String> drops(String alerts) {
    return TestSpark.lines(new AlertStore(spark, alerts).read()
        .filter(col("kind").equalTo("quality_drop").and(col("event").equalTo("trigger")))
        .orderBy(col("window_end"), col("destination")).select("destination", "window_end", "batch"));
  }

  record Scored(Instant end, String carrier, double score) {}

  /**
   * The drops the rule finds on the ground truth at every minute of (from, to], raised once per window: the answered
   * calls' scores (bill_duration > 0, as the watch asks), the hour to each minute by terminating carrier against the
   * carrier's scores of the UTC day before the window's start, medians as Spark's exact percentile.
   */
  static List<String> expected(ZentrunkEmulator api, Instant from, Instant to) {
    List<Scored> all = new ArrayList<>();
    for (EmulatedCall c : api.groundTruth(from, to)) {
      EmulatedInsights t = c.billDuration() > 0 ? api.insightsTruth(c) : null;
      if (t != null && t.qualityScore() != null) {
        all.add(new Scored(c.endTime(), t.toCarrier(), t.qualityScore()));
      }
    }
    double threshold = Quality.Rule.defaults().threshold();
    Map<String, Instant> last = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (Instant m = from.plusSeconds(60); !m.isAfter(to); m = m.plusSeconds(60)) {
      Instant ws = m.minus(Duration.ofHours(1));
      Instant bs = LocalDate.ofInstant(ws, ZoneOffset.UTC).minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant be = bs.plus(Duration.ofDays(1));
      Map<String, List<Double>> hour = new TreeMap<>();
      Map<String, List<Double>> base = new HashMap<>();
      for (Scored s : all) {
        if (!s.end().isBefore(ws) && s.end().isBefore(m)) {
          hour.computeIfAbsent(s.carrier(), k -> new ArrayList<>()).add(s.score());
        }
        if (!s.end().isBefore(bs) && s.end().isBefore(be)) {
          base.computeIfAbsent(s.carrier(), k -> new ArrayList<>()).add(s.score());
        }
      }
      for (Map.Entry<String, List<Double>> e : hour.entrySet()) {
        List<Double> b = base.get(e.getKey());
        if (e.getValue().size() < Quality.MIN_SCORED_CALLS || b == null || b.size() < Quality.MIN_SCORED_CALLS
            || !(median(e.getValue()) < median(b) - threshold)) {
          continue;
        }
        Instant l = last.get(e.getKey());
        if (l == null || !ws.isBefore(l)) {
          last.put(e.getKey(), m);
          out.add(e.getKey() + "|" + m);
        }
      }
    }
    return out;
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double pos = (v.length - 1) * 0.5;
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }
}
