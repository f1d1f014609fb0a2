package io.zentrunk.spark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatedInsights;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.testing.SourceReads;
import io.zentrunk.spark.testing.TestSpark;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code quality/} and the carrier rule on the emulator's Insights read over real HTTP, against figures computed in
 * plain Java from the emulator's ground truth (its CDRs and the Insights it serves); one carrier degraded by the
 * emulator's fault from the window's start is the one flagged, and nothing else.
 */
class QualityIT {

  static final Instant FROM = Instant.parse("2026-10-21T12:00:00Z");
  static final Instant TO = Instant.parse("2026-10-21T18:00:00Z");
  static final String FAULTY = "Meridian Telecom";

  static ZentrunkEmulator api;
  static Dataset<Row> insights;
  static Dataset<Row> cdrs;

  @BeforeAll
  static void read() {
    TestSpark.session();
    api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(11).callsPerDay(5_000).rateLimitOff()
        .now(Instant.parse("2026-10-22T00:00:00Z")).carrierFault(FAULTY, FROM).build());
    Map<String, String> o = SourceReads.options(api, FROM, TO);
    cdrs = SourceReads.read(o).cache();
    o.put("table", "call_insights");
    insights = SourceReads.read(o).cache();
  }

  @AfterAll
  static void close() {
    insights.unpersist();
    cdrs.unpersist();
    api.close();
  }

  /** Spark's exact percentile: linear interpolation between the closest ranks, at (n - 1) x p. */
  static Double percentile(List<Double> values, double p) {
    double[] v = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return null;
    }
    double pos = (v.length - 1) * p;
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }

  static String fmt(Object o) {
    return o instanceof Double d ? String.format(java.util.Locale.ROOT, "%.9f", d) : String.valueOf(o);
  }

  @Test
  void qualityEqualsTheGroundTruthPerDayTrunkCountryAndCarrier() {
    Map<String, List<EmulatedInsights>> groups = new TreeMap<>();
    long measured = 0;
    for (EmulatedCall c : api.groundTruth(FROM, TO)) {
      EmulatedInsights t = api.insightsTruth(c);
      if (t == null || (t.rttMs() == null && t.jitterMs() == null && t.packetLossPct() == null
          && t.postDialDelayMs() == null && t.qualityScore() == null)) {
        continue; // no media (404) or no metric at all: not measured
      }
      measured++;
      String key = String.join("|", c.endTime().atZone(ZoneOffset.UTC).toLocalDate().toString(), String.valueOf(c.trunkId()),
          String.valueOf(c.toCountry()), String.valueOf(t.toCarrier()));
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
    }
    assertThat(measured).as("calls with Insights in the window").isGreaterThan(500);
    List<String> want = new ArrayList<>();
    for (Map.Entry<String, List<EmulatedInsights>> e : groups.entrySet()) {
      List<EmulatedInsights> g = e.getValue();
      Function<Function<EmulatedInsights, Double>, List<Double>> of = f -> g.stream().map(f).toList();
      List<Double> scores = of.apply(EmulatedInsights::qualityScore).stream().filter(Objects::nonNull).toList();
      want.add(String.join("|", Arrays.asList(e.getKey(), String.valueOf(g.size()),
          fmt(percentile(of.apply(EmulatedInsights::postDialDelayMs), 0.5)), fmt(percentile(of.apply(EmulatedInsights::postDialDelayMs), 0.95)),
          fmt(percentile(of.apply(EmulatedInsights::jitterMs), 0.95)), fmt(percentile(of.apply(EmulatedInsights::packetLossPct), 0.95)),
          fmt(percentile(of.apply(EmulatedInsights::rttMs), 0.95)), String.valueOf(scores.size()),
          fmt(scores.isEmpty() ? null : scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow()),
          fmt(scores.isEmpty() ? null : scores.stream().filter(s -> s < 3).count() / (double) scores.size()))));
    }
    Dataset<Row> q = Quality.of(insights, cdrs);
    assertThat(q.columns()).containsExactly("end_date", "trunk_id", "to_country", "to_carrier", "calls_measured",
        "post_dial_delay_p50_ms", "post_dial_delay_p95_ms", "jitter_p95_ms", "packet_loss_p95_pct", "rtt_p95_ms",
        "scored_calls", "mean_quality_score", "share_below_3");
    List<String> got = new ArrayList<>();
    for (Row r : q.collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        cells.add(fmt(r.get(i)));
      }
      got.add(String.join("|", cells));
    }
    assertThat(got).containsExactlyInAnyOrderElementsOf(want);
  }

  @Test
  void theDegradedCarrierIsFlaggedAndNothingElse() {
    List<Row> carriers = Quality.carriers(insights, Quality.Rule.defaults()).collectAsList();
    List<String> flagged = carriers.stream().filter(r -> r.<Boolean>getAs("flagged")).map(r -> r.<String>getAs("to_carrier")).toList();
    System.out.print(Quality.summary(carriers, Quality.Rule.defaults()));
    carriers.forEach(r -> System.out.println("carrier " + r));
    assertThat(flagged).containsExactly(FAULTY + ", landline");
    assertThat(carriers.get(0).<String>getAs("to_carrier")).as("worst first").isEqualTo(FAULTY + ", landline");
    assertThat(Quality.summary(carriers, Quality.Rule.defaults())).contains("  carrier " + FAULTY + ", landline: median score ");
  }
}
