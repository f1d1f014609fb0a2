package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.client.CallInsights;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatedInsights;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.testing.SourceReads;
import io.zentrunk.spark.testing.TestSpark;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The call_insights table against the emulator over real HTTP and real Spark: rows, requests, refusal, sample. */
class InsightsIT {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant FROM = Instant.parse("2026-10-20T09:00:00Z");
  static final Instant TO = FROM.plus(Duration.ofMinutes(40));

  static SparkSession spark;
  static ZentrunkEmulator api;

  @BeforeAll
  static void start() {
    // hostile bodies in 5% of the calls and 1% of every metric missing (the default): the read must keep each apart
    api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(42).callsPerDay(20_000).now(NOW).rateLimitOff()
        .hostileInsights(0.05).build());
    spark = TestSpark.session();
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  static Map<String, String> options(Instant from, Instant to) {
    Map<String, String> o = SourceReads.options(api, from, to);
    o.put("table", "call_insights");
    return o;
  }

  /** The columns of a row in the table's order, as the ground truth says they must be. */
  static List<Object> expected(EmulatedCall c, EmulatedInsights i) {
    return io.zentrunk.spark.testing.InsightsTruth.row(c, i, api.config().authId());
  }

  static Map<String, List<Object>> rows(Dataset<Row> df) {
    Map<String, List<Object>> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      List<Object> v = new java.util.ArrayList<>();
      for (int k = 0; k < r.size(); k++) {
        v.add(r.get(k));
      }
      assertThat(out.put(r.getString(0), v)).as("one row per call: " + r.getString(0)).isNull();
    }
    return out;
  }

  @Test
  void rowsAreTheGroundTruthRowForRowInParallelPartitions() {
    Map<String, String> o = options(FROM, TO);
    o.put("partition_records", "100");
    Dataset<Row> df = SourceReads.read(o);
    assertThat(df.schema()).isEqualTo(InsightsSchema.SCHEMA);
    List<EmulatedCall> truth = api.groundTruth(FROM, TO);
    Map<String, List<Object>> want = new HashMap<>();
    for (EmulatedCall c : truth) {
      want.put(c.callUuid(), expected(c, api.insightsTruth(c)));
    }
    api.resetStats();
    Map<String, List<Object>> got = rows(df);
    assertThat(got).isEqualTo(want);
    assertThat(df.rdd().getNumPartitions()).as("parallel like the calls' read").isGreaterThan(3);
    assertThat(api.stats().insightsRequests()).isEqualTo(truth.size());
    // the window holds each case the test claims to cover
    Map<String, Long> statuses = got.values().stream()
        .collect(Collectors.groupingBy(r -> (String) r.get(18), Collectors.counting()));
    System.out.println("insights window: " + truth.size() + " calls, statuses " + statuses);
    assertThat(statuses.keySet()).contains(CallInsights.OK, CallInsights.PARTIAL, CallInsights.NO_INSIGHTS);
  }

  @Test
  void aCallWithoutInsightsHasItsStatusNeverAZeroAndHostileValuesAreNull() {
    Dataset<Row> df = SourceReads.read(options(FROM, TO));
    List<Row> none = df.where("status = 'no_insights'").collectAsList();
    assertThat(none).isNotEmpty().allSatisfy(r -> {
      for (String m : InsightsSchema.METRICS) {
        assertThat((Object) r.getAs(m)).as(m).isNull();
      }
      assertThat((Object) r.getAs("to_carrier")).isNull();
    });
    // every unanswered call of the window, and only those, has no Insights (the emulator's documented 404)
    Set<String> unanswered = api.groundTruth(FROM, TO).stream().filter(c -> c.answerTime() == null)
        .map(EmulatedCall::callUuid).collect(Collectors.toSet());
    assertThat(none.stream().map(r -> r.getString(0)).collect(Collectors.toSet())).isEqualTo(unanswered);

    Map<String, Row> byUuid = df.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    int hostile = 0;
    Set<String> kinds = new java.util.TreeSet<>();
    for (EmulatedCall c : api.groundTruth(FROM, TO)) {
      EmulatedInsights i = api.insightsTruth(c);
      if (i == null || i.oddity() == null) {
        continue;
      }
      hostile++;
      Row r = byUuid.get(c.callUuid());
      String odd = i.oddity();
      kinds.add(odd.replaceAll("=.*", ""));
      String column = switch (odd.replaceAll("=.*", "")) {
        case "rtt" -> "rtt_ms";
        case "jitter" -> "jitter_ms";
        case "packet_loss" -> "packet_loss_pct";
        case "plivo_quality_score" -> "quality_score";
        default -> "to_carrier";
      };
      assertThat((Object) r.getAs(column)).as(odd + " of " + c.callUuid()).isNull();
      if (column.equals("to_carrier")) {
        assertThat((Object) r.getAs("to_region")).isNull();
      } else {
        assertThat(r.<String>getAs("status")).isIn(CallInsights.PARTIAL, CallInsights.NO_METRICS);
      }
    }
    System.out.println("hostile bodies in the window: " + hostile + " " + kinds);
    assertThat(hostile).isGreaterThan(5);
  }

  @Test
  void requestsAreTheListPagesPlusExactlyOnePerSelectedCall() {
    String where = "call_direction = 'outbound' AND bill_duration > 0";
    List<EmulatedCall> selected = api.groundTruth(FROM, TO).stream()
        .filter(c -> c.callDirection().equals("outbound") && c.billDuration() > 0).toList();
    assertThat(selected.size()).isGreaterThan(50);

    Dataset<Row> calls = SourceReads.read(SourceReads.options(api, FROM, TO)).where(where);
    api.resetStats();
    assertThat(calls.collectAsList()).hasSize(selected.size());
    long listPages = api.stats().listRequests();

    Dataset<Row> df = SourceReads.read(options(FROM, TO)).where(where);
    api.resetStats(); // explain plans the scan: its count probes are part of the read's cost
    String plan = df.queryExecution().explainString(ExplainMode.fromString("simple"));
    assertThat(plan).contains("call_direction").contains("bill_duration").contains("Table: call_insights");
    assertThat(api.stats().insightsRequests()).as("planning sends no Insights request").isZero();
    Map<String, List<Object>> got = rows(df);
    assertThat(got.keySet()).isEqualTo(selected.stream().map(EmulatedCall::callUuid).collect(Collectors.toSet()));
    System.out.printf("outbound billed calls %d: %d list requests, %d insights requests%n", selected.size(),
        api.stats().listRequests(), api.stats().insightsRequests());
    assertThat(api.stats().insightsRequests()).as("one per selected call").isEqualTo(selected.size());
    assertThat(api.stats().listRequests()).as("the calls table's own list requests").isEqualTo(listPages);
    assertThat(listPages).as("filtered by the API, not read whole").isLessThan((selected.size() * 3L + 19) / 20)
        .isGreaterThanOrEqualTo((selected.size() + 19) / 20);
  }

  @Test
  void aReadAboveMaxRequestsIsRefusedInOneLineBeforeAnyInsightsRequest() {
    long n = api.groundTruthCount(FROM, TO);
    Map<String, String> o = options(FROM, TO);
    o.put("max_requests", Long.toString(n - 1));
    o.put("request_budget", "300");
    api.resetStats();
    assertThatThrownBy(() -> SourceReads.read(o).collectAsList())
        .satisfies(e -> {
          Throwable t = e;
          while (!(t instanceof IllegalArgumentException) && t.getCause() != null) {
            t = t.getCause();
          }
          assertThat(t).isInstanceOf(IllegalArgumentException.class);
          assertThat(t.getMessage()).doesNotContain("\n").contains("Option 'max_requests'")
              .contains("would send " + n + " Insights requests").contains(n + " calls in the window")
              .contains("at the budget of 300 requests per 5.0 s").contains("max_requests " + (n - 1))
              .doesNotContain(api.config().authToken());
          System.out.println("refusal: " + t.getMessage());
        });
    assertThat(api.stats().insightsRequests()).isZero();
    assertThat(api.stats().listRequests()).as("only the count of planning").isPositive();

    // at the limit the same read goes through
    o.put("max_requests", Long.toString(n));
    api.resetStats();
    assertThat(SourceReads.read(o).collectAsList()).hasSize((int) n);
    assertThat(api.stats().insightsRequests()).isEqualTo(n);

    // COUNT(*) and CDR columns alone need no Insights: no request, so no refusal either
    o.put("max_requests", "1");
    api.resetStats();
    assertThat(SourceReads.read(o).count()).isEqualTo(n);
    assertThat(SourceReads.read(o).select("call_uuid", "trunk_id").collectAsList()).hasSize((int) n);
    assertThat(api.stats().insightsRequests()).isZero();
  }

  @Test
  void aCallUuidPredicateAsksInsightsOnlyForTheCallsItNamesAndMaxRequestsCountsThem() {
    List<EmulatedCall> truth = api.groundTruth(FROM, TO);
    List<EmulatedCall> named = truth.subList(0, 7);
    Object[] uuids = named.stream().map(EmulatedCall::callUuid).toArray();
    Map<String, String> o = options(FROM, TO);
    o.put("max_requests", "7"); // the window holds hundreds of calls: counted as the 7 named
    api.resetStats();
    Map<String, List<Object>> got = rows(SourceReads.read(o).where(org.apache.spark.sql.functions.col("call_uuid")
        .isin(uuids)));
    Map<String, List<Object>> want = new HashMap<>();
    named.forEach(c -> want.put(c.callUuid(), expected(c, api.insightsTruth(c))));
    assertThat(got).isEqualTo(want);
    assertThat(api.stats().insightsRequests()).isEqualTo(7);
    api.resetStats();
    assertThat(SourceReads.read(o).where("call_uuid = '" + named.get(0).callUuid() + "'").collectAsList()).hasSize(1);
    assertThat(api.stats().insightsRequests()).isEqualTo(1);
    o.put("max_requests", "6");
    api.resetStats();
    assertThatThrownBy(() -> SourceReads.read(o).where(org.apache.spark.sql.functions.col("call_uuid").isin(uuids))
        .collectAsList()).hasStackTraceContaining("would send 7 Insights requests (one per call: 7 calls in the window "
            + "after the API filters and call_uuid)");
    assertThat(api.stats().insightsRequests()).isZero();
  }

  @Test
  void aSampleIsTheSameCallsOnEveryRunAndCostsOneRequestEach() {
    Map<String, String> o = options(FROM, TO);
    o.put("sample", "0.25");
    api.resetStats();
    Map<String, List<Object>> first = rows(SourceReads.read(o));
    long requests = api.stats().insightsRequests();
    Map<String, List<Object>> again = rows(SourceReads.read(o));
    assertThat(again).isEqualTo(first);
    List<EmulatedCall> truth = api.groundTruth(FROM, TO);
    Set<String> kept = truth.stream().map(EmulatedCall::callUuid).filter(u -> InsightsSample.keeps(u, 0.25))
        .collect(Collectors.toSet());
    assertThat(first.keySet()).isEqualTo(kept);
    assertThat(requests).isEqualTo(kept.size());
    assertThat((double) kept.size() / truth.size()).isBetween(0.18, 0.32);
    for (EmulatedCall c : truth) {
      if (kept.contains(c.callUuid())) {
        assertThat(first.get(c.callUuid())).isEqualTo(expected(c, api.insightsTruth(c)));
      }
    }
  }

  @Test
  void insightsRequestsAreRetriedLikePagesAndSpentRetriesFailInOneLine() {
    Instant from = FROM;
    Instant to = FROM.plus(Duration.ofMinutes(10));
    try (ZentrunkEmulator faulty = ZentrunkEmulator.start(EmulatorConfig.builder().seed(42).callsPerDay(20_000).now(NOW)
        .rateLimitOff().hostileInsights(0.05).faults(io.zentrunk.spark.emulator.Faults.builder().http500(0.05)
            .truncatedBody(0.05).build()).build())) {
      Map<String, String> o = SourceReads.options(faulty, from, to);
      o.put("table", "call_insights");
      Dataset<Row> df = SourceReads.read(o);
      List<EmulatedCall> truth = faulty.groundTruth(from, to);
      Map<String, List<Object>> want = new HashMap<>();
      for (EmulatedCall c : truth) {
        want.put(c.callUuid(), expected(c, api.insightsTruth(c)));
      }
      // the same account (seed) as the shared emulator's: its ground truth is the faulty one's
      want.values().forEach(v -> v.set(19, faulty.config().authId()));
      faulty.resetStats();
      assertThat(rows(df)).isEqualTo(want);
      System.out.printf("faults: %d calls, %d Insights requests, by status %s%n", truth.size(),
          faulty.stats().insightsRequests(), faulty.stats().byStatus());
      assertThat(faulty.stats().insightsRequests()).as("failed Insights requests were retried")
          .isGreaterThan(truth.size());

      o.put("max_retries", "0");
      faulty.setFaults(io.zentrunk.spark.emulator.Faults.builder().http500(0.5).build());
      assertThatThrownBy(() -> SourceReads.read(o).collectAsList()).satisfies(e -> {
        Throwable t = e;
        while (!(t instanceof io.zentrunk.spark.client.ZentrunkApiException) && t.getCause() != null) {
          t = t.getCause();
        }
        assertThat(t).isInstanceOf(io.zentrunk.spark.client.ZentrunkApiException.class);
        assertThat(t.getMessage()).doesNotContain("\n").doesNotContain(faulty.config().authToken())
            .contains("gave up after 1 attempts (option max_retries): server error 500");
      });
    }
  }

  @Test
  void theCatalogServesCallInsights() {
    String cat = "ztinsights";
    spark.conf().set("spark.sql.catalog." + cat, ZentrunkCatalog.class.getName());
    SourceReads.options(api, null, null).forEach((k, v) -> spark.conf().set("spark.sql.catalog." + cat + "." + k, v));
    spark.conf().set("spark.sql.catalog." + cat + ".sample", "0.5");
    Dataset<Row> sql = spark.sql("SELECT call_uuid, quality_score, status FROM " + cat + ".call_insights WHERE end_time >= "
        + "TIMESTAMP '2026-10-20 09:00:00' AND end_time < TIMESTAMP '2026-10-20 09:40:00' AND call_direction = 'inbound'");
    Set<String> want = api.groundTruth(FROM, TO).stream()
        .filter(c -> c.callDirection().equals("inbound") && InsightsSample.keeps(c.callUuid(), 0.5))
        .map(EmulatedCall::callUuid).collect(Collectors.toSet());
    assertThat(sql.collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet())).isEqualTo(want);
    // the calls table of the same catalog is unchanged (sample is not its option)
    assertThat(spark.sql("SELECT count(*) FROM " + cat + ".calls WHERE end_time >= TIMESTAMP '2026-10-20 09:00:00' AND "
        + "end_time < TIMESTAMP '2026-10-20 09:40:00'").first().getLong(0)).isEqualTo(api.groundTruthCount(FROM, TO));
    assertThat(Objects.requireNonNull(spark.sessionState().catalogManager().catalog(cat)).name()).isEqualTo(cat);
  }
}
