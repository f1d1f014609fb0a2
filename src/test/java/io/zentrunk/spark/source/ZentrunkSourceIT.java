package io.zentrunk.spark.source;

import io.zentrunk.spark.testing.SourceReads;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.Faults;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/** The source against the emulator over real HTTP: exact rows, request counts, pushdown, SQL. */
class ZentrunkSourceIT {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant DAY = Instant.parse("2026-10-20T00:00:00Z");

  static SparkSession spark;
  static ZentrunkEmulator api;

  @BeforeAll
  static void start() {
    api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(42).callsPerDay(100_000).now(NOW).rateLimitOff().build());
    spark = SparkSession.builder().master("local[2]").appName("ZentrunkSourceIT")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void schemaIsTyped() {
    Dataset<Row> df = SourceReads.read(SourceReads.options(api, DAY, DAY.plusSeconds(60)));
    assertThat(df.schema()).isEqualTo(CdrSchema.SCHEMA);
    assertThat(df.schema().apply("end_time").dataType().typeName()).isEqualTo("timestamp");
    assertThat(df.schema().apply("total_amount").dataType().simpleString()).isEqualTo("decimal(18,5)");
    assertThat(df.schema().apply("srtp").dataType().typeName()).isEqualTo("boolean");
  }

  @Test
  void fiftyThousandRecordsOverManyPartitionsExactlyAndAtPageCost() {
    Instant from = DAY.plus(Duration.ofHours(8));
    Instant to = from.plus(Duration.ofHours(12));
    List<EmulatedCall> truth = api.groundTruth(from, to);
    assertThat(truth.size()).isGreaterThanOrEqualTo(50_000);
    Map<String, String> o = SourceReads.options(api, from, to);
    o.put("partition_records", "5000");
    Dataset<Row> df = SourceReads.read(o);
    api.resetStats();
    SourceReads.assertExactly(df, truth);
    long requests = api.stats().listRequests();
    long pages = (truth.size() + 19) / 20;
    System.out.printf("50k read: %d CDRs, %d requests, %d pages minimum, overhead %.2f%%%n", truth.size(), requests, pages,
        100.0 * (requests - pages) / pages);
    assertThat(requests).isLessThanOrEqualTo((long) Math.floor(pages * 1.01));
    assertThat(df.rdd().getNumPartitions()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void tiesAcrossPageBoundariesAreReadExactly() {
    Instant from = DAY.plus(Duration.ofHours(14));
    Instant to = from.plus(Duration.ofMinutes(20));
    List<EmulatedCall> truth = api.groundTruth(from, to);
    long distinctSeconds = truth.stream().map(EmulatedCall::endTime).distinct().count();
    assertThat(truth.size() - distinctSeconds).as("the window must hold many end_time ties").isGreaterThan(100);
    Map<String, String> o = SourceReads.options(api, from, to);
    o.put("partition_records", "300");
    o.put("concurrency", "3");
    SourceReads.assertExactly(SourceReads.read(o), truth);
  }

  @Test
  void emptyWindowCostsOneRequest() {
    Instant from = NOW.plus(Duration.ofHours(1));
    api.resetStats();
    assertThat(SourceReads.read(SourceReads.options(api, from, from.plusSeconds(3600))).count()).isZero();
    Map<String, String> o = SourceReads.options(api, from, from.plusSeconds(3600));
    o.put("pushdown_aggregate", "false");
    api.resetStats();
    assertThat(SourceReads.read(o).collectAsList()).isEmpty();
    assertThat(api.stats().listRequests()).isEqualTo(1);
  }

  @Test
  void oneRecordCostsOneRequest() {
    List<EmulatedCall> hour = api.groundTruth(DAY.plusSeconds(3 * 3600), DAY.plusSeconds(4 * 3600));
    Map<Instant, Long> perSecond = hour.stream().collect(Collectors.groupingBy(EmulatedCall::endTime, Collectors.counting()));
    Instant lonely = perSecond.entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey).sorted().findFirst().orElseThrow();
    List<EmulatedCall> truth = api.groundTruth(lonely, lonely.plusSeconds(1));
    assertThat(truth).hasSize(1);
    api.resetStats();
    SourceReads.assertExactly(SourceReads.read(SourceReads.options(api, lonely, lonely.plusSeconds(1))), truth);
    assertThat(api.stats().listRequests()).isEqualTo(1);
  }

  @Test
  void limitIsOneRequestAndCountOverNinetyDaysIsOne() {
    Map<String, String> o = SourceReads.options(api, null, null);
    o.put("clamp_to_retention", "true");
    o.put("start", NOW.minus(Duration.ofDays(90)).toString());
    api.resetStats();
    assertThat(SourceReads.read(o).limit(5).collectAsList()).hasSize(5);
    assertThat(api.stats().listRequests()).as("LIMIT 5").isEqualTo(1);

    Instant from = NOW.minus(Duration.ofDays(89));
    api.resetStats();
    long n = SourceReads.read(SourceReads.options(api, from, NOW)).count();
    assertThat(api.stats().listRequests()).as("COUNT(*) over 89 days").isEqualTo(1);
    assertThat(n).isEqualTo(api.groundTruthCount(from, NOW));

    Instant f = DAY.plusSeconds(5 * 3600);
    Instant t = f.plusSeconds(3600);
    api.resetStats();
    long outbound = SourceReads.read(SourceReads.options(api, f, t)).filter(col("call_direction").equalTo("outbound")).count();
    assertThat(api.stats().listRequests()).as("filtered COUNT(*)").isEqualTo(1);
    assertThat(outbound).isEqualTo(api.groundTruth(f, t).stream().filter(c -> c.callDirection().equals("outbound")).count());
  }

  record Case(String name, Column condition, Predicate<EmulatedCall> truth, String explain) {}

  @Test
  void pushdownMatrixSameRowsFewerRequests() {
    Instant from = DAY.plusSeconds(10 * 3600);
    Instant to = from.plusSeconds(2 * 3600);
    List<EmulatedCall> all = api.groundTruth(from, to);
    EmulatedCall some = all.get(all.size() / 2);
    String prefix = some.fromNumber().substring(0, 4);
    Instant mid = from.plusSeconds(1800);
    List<Case> cases = List.of(
        new Case("end_time range", col("end_time").geq(lit(mid)).and(col("end_time").lt(lit(mid.plusSeconds(600)))),
            c -> !c.endTime().isBefore(mid) && c.endTime().isBefore(mid.plusSeconds(600)), "end_time"),
        new Case("bill_duration >", col("bill_duration").gt(120), c -> c.billDuration() > 120, "bill_duration"),
        new Case("bill_duration <=", col("bill_duration").leq(0), c -> c.billDuration() <= 0, "bill_duration"),
        new Case("call_direction", col("call_direction").equalTo("inbound"), c -> c.callDirection().equals("inbound"), "call_direction"),
        new Case("hangup_source", col("hangup_source").equalTo("customer"), c -> c.hangupSource().equals("customer"), "hangup_source"),
        new Case("stir_verification", col("stir_verification").equalTo("Verified"), c -> c.stirVerification().equals("Verified"), "stir_verification"),
        new Case("hangup_cause_code", col("hangup_cause_code").equalTo(4410), c -> c.hangupCauseCode() == 4410, "hangup_cause_code"),
        new Case("from_number startsWith", col("from_number").startsWith(prefix), c -> c.fromNumber().startsWith(prefix), "from_number"),
        new Case("to_number =", col("to_number").equalTo(some.toNumber()), c -> c.toNumber().equals(some.toNumber()), "to_number"));

    Map<String, String> off = SourceReads.options(api, from, to);
    off.put("pushdown_filters", "false");
    api.resetStats();
    Dataset<Row> unpushed = SourceReads.read(off).cache();
    assertThat(unpushed.count()).isEqualTo(all.size());
    long offRequests = api.stats().listRequests();
    for (Case k : cases) {
      Set<String> expected = all.stream().filter(k.truth).map(EmulatedCall::callUuid).collect(Collectors.toSet());
      assertThat(expected).as(k.name + " must select something and not everything").isNotEmpty().hasSizeLessThan(all.size());
      Set<String> viaSpark = uuids(unpushed.filter(k.condition));
      Dataset<Row> pushed = SourceReads.read(SourceReads.options(api, from, to)).filter(k.condition);
      String plan = pushed.queryExecution().explainString(ExplainMode.fromString("simple"));
      api.resetStats();
      Set<String> viaApi = uuids(pushed);
      long onRequests = api.stats().listRequests();
      System.out.printf("pushdown %-24s rows %6d  requests on %5d off %5d%n", k.name, expected.size(), onRequests, offRequests);
      assertThat(viaApi).as(k.name).isEqualTo(expected).isEqualTo(viaSpark);
      assertThat(onRequests).as(k.name + " requests").isLessThan(offRequests);
      assertThat(plan).as(k.name + " explain").contains("ZentrunkScan").contains("PushedFilters: [").contains(k.explain);
    }
    unpushed.unpersist();
  }

  static Set<String> uuids(Dataset<Row> df) {
    return df.select("call_uuid").collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet());
  }

  @Test
  void explainShowsTheWindowAndNeverTheToken() {
    Map<String, String> o = SourceReads.options(api, DAY, DAY.plusSeconds(3600));
    api.resetStats();
    Dataset<Row> df = SourceReads.read(o).filter(col("call_direction").equalTo("outbound")).select("call_uuid", "end_time");
    String plan = df.queryExecution().explainString(ExplainMode.fromString("extended"));
    assertThat(plan).contains("Window: [2026-10-20 00:00:00, 2026-10-20 01:00:00)").contains("call_direction=outbound")
        .doesNotContain(api.config().authToken());
    // Spark's physical planning asks for the partitions, so explain() plans (counts windows)
    // but never reads a page of CDRs.
    assertThat(api.stats().listRequests()).as("explain only plans").isLessThanOrEqualTo(10);
    assertThat(api.stats().rowsServed()).as("explain only plans").isLessThanOrEqualTo(20);
  }

  @Test
  void sqlViewAndCatalog() {
    Instant from = DAY.plusSeconds(6 * 3600);
    Instant to = from.plusSeconds(1800);
    long truth = api.groundTruthCount(from, to);
    spark.sql("CREATE OR REPLACE TEMPORARY VIEW calls USING zentrunk OPTIONS (api_url '" + api.baseUrl() + "', auth_id '"
        + api.config().authId() + "', auth_token '" + api.config().authToken() + "', now '" + NOW + "', start '" + from
        + "', end '" + to + "')");
    assertThat(spark.sql("SELECT count(*) FROM calls").first().getLong(0)).isEqualTo(truth);
    assertThat(spark.sql("SELECT count(DISTINCT call_uuid) FROM calls").first().getLong(0)).isEqualTo(truth);

    SparkSession s = spark.newSession();
    s.conf().set("spark.sql.catalog.zentrunk", ZentrunkCatalog.class.getName());
    s.conf().set("spark.sql.catalog.zentrunk.api_url", api.baseUrl());
    s.conf().set("spark.sql.catalog.zentrunk.auth_id", api.config().authId());
    s.conf().set("spark.sql.catalog.zentrunk.auth_token", api.config().authToken());
    s.conf().set("spark.sql.catalog.zentrunk.now", NOW.toString());
    s.conf().set("spark.sql.catalog.zentrunk.request_budget", "100000");
    Row r = s.sql("SELECT count(*), count(DISTINCT call_uuid), sum(total_amount) FROM zentrunk.calls WHERE end_time >= TIMESTAMP '"
        + "2026-10-20 06:00:00' AND end_time < TIMESTAMP '2026-10-20 06:30:00'").first();
    assertThat(r.getLong(0)).isEqualTo(truth);
    assertThat(r.getLong(1)).isEqualTo(truth);
    BigDecimal amount = api.groundTruth(from, to).stream().map(EmulatedCall::totalAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(r.getDecimal(2)).isEqualByComparingTo(amount);
  }

  @Test
  void typedDatasetOfCdrBeans() {
    Instant from = DAY.plusSeconds(7 * 3600);
    Instant to = from.plusSeconds(300);
    Map<String, EmulatedCall> truth = api.groundTruth(from, to).stream().collect(Collectors.toMap(EmulatedCall::callUuid, Function.identity()));
    List<Cdr> cdrs = Cdrs.read(spark, SourceReads.options(api, from, to)).collectAsList();
    assertThat(cdrs).hasSize(truth.size());
    for (Cdr c : cdrs) {
      EmulatedCall e = truth.get(c.getCallUuid());
      assertThat(c.getEndTime()).isEqualTo(e.endTime());
      assertThat(c.getTotalAmount()).isEqualByComparingTo(e.totalAmount());
      assertThat(c.getAnswerTime()).isEqualTo(e.answerTime());
      assertThat(c.getAttestationIndicator()).isEqualTo(e.attestationIndicator());
      assertThat(c.getSrtp()).isEqualTo(e.srtp());
    }
  }

  @Test
  void exactDespiteFivePercentOfEveryFaultUnderTheRateLimit() {
    try (ZentrunkEmulator flaky = ZentrunkEmulator.start(EmulatorConfig.builder().seed(7).callsPerDay(100_000).now(NOW)
        .rateLimit(300, Duration.ofSeconds(5))
        .faults(Faults.builder().http500(0.01).http502(0.01).http503(0.01).htmlErrorShare(0.5).connectionReset(0.01)
            .truncatedBody(0.01).stall(0.01).stallDuration(Duration.ofSeconds(30)).build())
        .build())) {
      Instant from = DAY.plusSeconds(9 * 3600);
      Instant to = from.plusSeconds(2400);
      List<EmulatedCall> truth = flaky.groundTruth(from, to);
      Map<String, String> o = SourceReads.options(flaky, from, to);
      o.put("request_budget", "300");
      o.put("request_timeout_ms", "1500");
      o.put("partition_records", "1000");
      o.put("max_retries", "12");
      long began = System.nanoTime();
      SourceReads.assertExactly(SourceReads.read(o), truth);
      var s = flaky.stats();
      System.out.printf("faults: %d CDRs, %d requests, %d faults injected, %d 429s, by status %s, %d ms%n", truth.size(),
          s.requests(), s.faultsInjected(), s.status(429), s.byStatus(), (System.nanoTime() - began) / 1_000_000);
      assertThat(s.faultsInjected()).isGreaterThan(0);
    }
  }

  @Test
  void badInputFailsBeforeAnyRequest() {
    api.resetStats();
    Map<String, String> o = SourceReads.options(api, DAY, DAY.plusSeconds(60));
    o.put("call_direction", "sideways");
    assertThatThrownBy(() -> SourceReads.read(o)).hasMessageContaining("Option 'call_direction' must be one of");
    Map<String, String> old = SourceReads.options(api, NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(80)));
    assertThatThrownBy(() -> SourceReads.read(old).collectAsList())
        .hasMessageContaining("before the API's 90-day retention: the earliest end_time still served is 2026-08-03 00:00:00 UTC");
    assertThat(api.stats().requests()).as("bad input is refused before any request").isZero();
    Map<String, String> clamped = new HashMap<>(old);
    clamped.put("clamp_to_retention", "true");
    clamped.put("end", NOW.minus(Duration.ofDays(89)).plusSeconds(60).toString());
    api.resetStats();
    assertThat(SourceReads.read(clamped).count()).isEqualTo(api.groundTruthCount(NOW.minus(Duration.ofDays(90)).plusSeconds(60),
        NOW.minus(Duration.ofDays(89)).plusSeconds(60)));
    Map<String, String> noToken = SourceReads.options(api, DAY, DAY.plusSeconds(60));
    noToken.put("auth_token", ""); // explicitly none, whatever PLIVO_AUTH_TOKEN holds here
    assertThatThrownBy(() -> SourceReads.read(noToken)).hasMessageContaining("Option 'auth_token' is required");
    Map<String, String> wrong = SourceReads.options(api, DAY, DAY.plusSeconds(60));
    wrong.put("auth_token", "wrong-token");
    assertThatThrownBy(() -> SourceReads.read(wrong).collectAsList()).hasMessageContaining("401").hasMessageContaining("check auth_id and auth_token")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-token"));
  }
}
