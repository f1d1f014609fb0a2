package io.zentrunk.spark.jobs;

import io.zentrunk.spark.source.Cdrs;
import io.zentrunk.spark.testing.JobRunner;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.CdrLake;
import io.zentrunk.spark.lake.IngestJob;
import io.zentrunk.spark.lake.LakeFormat;
import io.zentrunk.spark.lake.Provenance;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs end to end against the emulator: the built jar through Spark's real SparkSubmit
 * (exactly as the README shows), results checked against aggregates computed here, in plain
 * Java, from the emulator's ground truth; the ingest incremental, idempotent and late-arrival proof
 * (a Parquet lake; the Iceberg lake's process tests are in IcebergJobsIT).
 */
class JobsIT {

  static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("JobsIT").config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC").config("spark.sql.datetime.java8API.enabled", "true").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static String day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC).toString();
  }

  @Test
  void reportThroughSparkSubmitEqualsAggregatesOfTheGroundTruth(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(21).callsPerDay(8_000).now(NOW).rateLimitOff().build())) {
      Instant s = Instant.parse("2026-10-27T18:00:00Z");
      Instant e = Instant.parse("2026-10-29T06:00:00Z");
      Path out = tmp.resolve("report");
      Path log = tmp.resolve("report.log");
      int code = JobRunner.run(api, log, "report", "--start", "2026-10-27 18:00", "--end", "2026-10-29T06:00:00Z", "--output", out.toString(),
          "--api-url", api.baseUrl(), "--now", "2026-11-01 12:00:00", "--source-option", "request_budget=100000");
      assertThat(code).as(Files.readString(log)).isZero();
      List<EmulatedCall> truth = api.groundTruth(s, e);
      assertThat(truth.size()).isGreaterThan(5_000);

      Map<List<Object>, long[]> causes = new TreeMap<>(JobsIT::compareKeys);
      Map<List<Object>, BigDecimal> causeAmounts = new HashMap<>();
      Map<List<Object>, long[]> countries = new TreeMap<>(JobsIT::compareKeys);
      Map<List<Object>, BigDecimal> countryAmounts = new HashMap<>();
      Map<List<Object>, Long> attest = new HashMap<>();
      Map<List<Object>, Long> perDayDirection = new HashMap<>();
      for (EmulatedCall c : truth) {
        String d = day(c.endTime());
        List<Object> k1 = Arrays.asList(d, c.callDirection(), c.hangupSource(), c.hangupCauseCode(), c.hangupCauseName());
        long[] a = causes.computeIfAbsent(k1, k -> new long[3]);
        a[0]++;
        a[1] += c.callDuration();
        a[2] += c.billDuration();
        causeAmounts.merge(k1, c.totalAmount(), BigDecimal::add);
        List<Object> k2 = Arrays.asList(d, c.callDirection(), c.fromCountry(), c.toCountry());
        long[] b = countries.computeIfAbsent(k2, k -> new long[4]);
        b[0]++;
        b[1] += c.answerTime() != null ? 1 : 0;
        b[2] += c.callDuration();
        b[3] += c.billDuration();
        countryAmounts.merge(k2, c.totalAmount(), BigDecimal::add);
        attest.merge(Arrays.asList(d, c.callDirection(), c.stirVerification(), c.attestationIndicator()), 1L, Long::sum);
        perDayDirection.merge(Arrays.asList(d, c.callDirection()), 1L, Long::sum);
      }

      List<Row> hc = spark.read().parquet(out.resolve("hangup_causes").toString()).collectAsList();
      assertThat(hc).hasSize(causes.size());
      for (Row r : hc) {
        List<Object> k = Arrays.asList(r.getAs("end_date").toString(), r.getAs("call_direction"), r.getAs("hangup_source"),
            r.getAs("hangup_cause_code"), r.getAs("hangup_cause_name"));
        long[] want = causes.get(k);
        assertThat(want).as(k.toString()).isNotNull();
        assertThat(new long[] {r.<Long>getAs("calls"), r.<Long>getAs("call_seconds"), r.<Long>getAs("billed_seconds")}).isEqualTo(want);
        assertThat(r.<BigDecimal>getAs("amount")).isEqualByComparingTo(causeAmounts.get(k));
      }
      List<Row> co = spark.read().parquet(out.resolve("countries").toString()).collectAsList();
      assertThat(co).hasSize(countries.size());
      for (Row r : co) {
        List<Object> k = Arrays.asList(r.getAs("end_date").toString(), r.getAs("call_direction"), r.getAs("from_country"), r.getAs("to_country"));
        long[] want = countries.get(k);
        assertThat(new long[] {r.<Long>getAs("calls"), r.<Long>getAs("answered_calls"), r.<Long>getAs("call_seconds"),
            r.<Long>getAs("billed_seconds")}).as(k.toString()).isEqualTo(want);
        assertThat(r.<BigDecimal>getAs("amount")).isEqualByComparingTo(countryAmounts.get(k));
        assertThat(r.<Double>getAs("asr")).isEqualTo((double) want[1] / want[0]);
        if (want[1] == 0) {
          assertThat(r.<Double>getAs("acd_seconds")).isNull();
        } else {
          assertThat(r.<Double>getAs("acd_seconds")).isEqualTo((double) want[2] / want[1]);
        }
      }
      List<Row> at = spark.read().parquet(out.resolve("attestation").toString()).collectAsList();
      assertThat(at).hasSize(attest.size());
      for (Row r : at) {
        List<Object> k = Arrays.asList(r.getAs("end_date").toString(), r.getAs("call_direction"), r.getAs("stir_verification"),
            r.getAs("attestation_indicator"));
        assertThat(r.<Long>getAs("calls")).as(k.toString()).isEqualTo(attest.get(k));
        assertThat(r.<Double>getAs("share")).isCloseTo((double) attest.get(k) / perDayDirection.get(k.subList(0, 2)),
            org.assertj.core.api.Assertions.within(1e-12));
      }
      assertThat(Files.readString(log)).contains("hangup");
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compareKeys(List<Object> a, List<Object> b) {
    for (int i = 0; i < a.size(); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      if (x == null || y == null) {
        if (x != y) {
          return x == null ? -1 : 1;
        }
        continue;
      }
      int c = ((Comparable) x).compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  @Test
  void withoutCredentialsTheReportSaysItUsesTheBuiltInEmulator(@TempDir Path tmp) throws Exception {
    Instant end = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofDays(2));
    Path log = tmp.resolve("demo.log");
    int code = JobRunner.run(null, log, "report", "--start", end.minus(Duration.ofHours(3)).toString(), "--end", end.toString(),
        "--output", tmp.resolve("demo").toString());
    String text = Files.readString(log);
    assertThat(code).as(text).isZero();
    assertThat(text.lines().filter(l -> l.contains("reading the built-in emulator"))).hasSize(1);
    assertThat(spark.read().parquet(tmp.resolve("demo/hangup_causes").toString()).count()).isPositive();
    // the summary's first line, _source.json and the page's banner say the data is synthetic
    assertThat(text).contains("Source: synthetic: built-in emulator; window " + end.minus(Duration.ofHours(3)) + " to " + end);
    com.fasterxml.jackson.databind.JsonNode source = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(tmp.resolve("demo/_source.json").toFile());
    assertThat(source.path("source").asText()).isEqualTo("synthetic: built-in emulator");
    assertThat(source.path("kind").asText()).isEqualTo("emulator");
    assertThat(Files.readString(tmp.resolve("demo/report.html")))
        .contains("<strong>Source:</strong> synthetic: built-in emulator<br>");
  }

  static Set<String> lakeUuids(Path lake) {
    List<Row> rows = spark.read().parquet(lake.resolve("cdrs").toString()).select("call_uuid").collectAsList();
    Set<String> set = rows.stream().map(r -> r.getString(0)).collect(Collectors.toSet());
    assertThat(set).as("no duplicates in the lake").hasSize(rows.size());
    return set;
  }

  static Set<String> truth(ZentrunkEmulator api, Instant from, Instant to) {
    return api.groundTruth(from, to).stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
  }

  static List<String> lakeRows(Path lake) {
    return spark.read().parquet(lake.resolve("cdrs").toString()).orderBy("call_uuid").collectAsList().stream()
        .map(Row::toString).toList();
  }

  CdrLake.Result ingest(ZentrunkEmulator api, Path lake, Instant start, Instant end) {
    return ingest(api, lake, start, end, Map.of("request_budget", "100000"));
  }

  CdrLake.Result ingest(ZentrunkEmulator api, Path lake, Instant start, Instant end, Map<String, String> extra) {
    Map<String, String> o = new HashMap<>(Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(), "auth_token",
        api.config().authToken(), "now", api.now().toString()));
    o.putAll(extra);
    return IngestJob.run(spark, IngestJob.Args.lake(lake.toString(), LakeFormat.PARQUET, start, end,
            new Provenance(api.config().authId(), Provenance.host(api.baseUrl()))), api.now(),
        (f, t) -> io.zentrunk.spark.source.Cdrs.window(spark, o, f, t), ProgressLines.stderr("ingest")::line);
  }

  @Test
  void ingestIsIncrementalIdempotentAndPicksUpLateArrivals(@TempDir Path tmp) {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(31).callsPerDay(6_000).now(NOW)
        .lateArrival(0.2, 240).rateLimitOff().build())) {
      Path lake = tmp.resolve("lake");
      Instant first = Instant.parse("2026-10-25T00:00:00Z");
      ingest(api, lake, first, Instant.parse("2026-10-28T00:00:00Z"));
      assertThat(lakeUuids(lake)).isEqualTo(truth(api, first, Instant.parse("2026-10-28T00:00:00Z")));

      api.setNow(Instant.parse("2026-11-02T09:00:00Z"));
      ingest(api, lake, null, null);
      Set<String> seenAt9 = truth(api, first, api.now());
      assertThat(lakeUuids(lake)).as("incremental run up to now").isEqualTo(seenAt9);

      api.setNow(Instant.parse("2026-11-02T18:00:00Z"));
      Set<String> at18 = truth(api, first, Instant.parse("2026-11-02T09:00:00Z"));
      assertThat(at18).as("late CDRs arrived for the time already ingested").containsAll(seenAt9).hasSizeGreaterThan(seenAt9.size());
      ingest(api, lake, null, null);
      assertThat(lakeUuids(lake)).as("the lookback picks up late arrivals").isEqualTo(truth(api, first, api.now()));

      List<String> before = lakeRows(lake);
      ingest(api, lake, null, null);
      assertThat(lakeRows(lake)).as("a re-run changes nothing").isEqualTo(before);
    }
  }

  @Test
  void ingestUnderEveryFaultAtOnceEqualsTheGroundTruth(@TempDir Path tmp) {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(61).callsPerDay(11_000).now(NOW)
        .rateLimit(100, Duration.ofSeconds(1)).latency(Duration.ofMillis(5), Duration.ofMillis(5))
        .faults(io.zentrunk.spark.emulator.Faults.builder().http500(0.034).http502(0.033).http503(0.033).connectionReset(0.025)
            .truncatedBody(0.025).stall(0.01).stallDuration(Duration.ofSeconds(10)).build())
        .build())) {
      Path lake = tmp.resolve("lake");
      Instant from = Instant.parse("2026-10-26T00:00:00Z");
      Instant to = Instant.parse("2026-10-28T00:00:00Z");
      long began = System.nanoTime();
      ingest(api, lake, from, to, Map.of("request_budget", "300", "budget_window_ms", "1000", "request_timeout_ms", "1000",
          "max_retries", "12"));
      Set<String> truth = truth(api, from, to);
      assertThat(truth.size()).isGreaterThanOrEqualTo(20_000);
      assertThat(lakeUuids(lake)).isEqualTo(truth);
      var st = api.stats();
      System.out.printf("fault scenario %-28s CDRs %6d  requests %5d  429s %4d  faults %4d  wall %6d ms%n", "ingest, all together",
          truth.size(), st.requests(), st.rateLimited(), st.faultsInjected(), (System.nanoTime() - began) / 1_000_000);
    }
  }
}
