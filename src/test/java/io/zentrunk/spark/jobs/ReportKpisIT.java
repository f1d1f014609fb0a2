package io.zentrunk.spark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zentrunk.spark.source.Cdrs;
import io.zentrunk.spark.testing.JobRunner;
import io.zentrunk.spark.report.FraudRule;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.report.ReportJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's kpis, capacity and fraud_signals through SparkSubmit against aggregates computed here, in plain
 * Java and straight from each definition, from the emulator's ground truth: an account with an injected IRSF
 * burst and a busy hour of 5180/5190 rejections. The same account without the burst flags nothing.
 */
class ReportKpisIT {

  static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
  static final Instant START = Instant.parse("2026-10-28T00:00:00Z");
  static final Instant END = Instant.parse("2026-10-29T00:00:00Z");
  static final LocalDate BURST_DAY = LocalDate.parse("2026-10-28");
  static final BigDecimal MIN_AMOUNT = new BigDecimal("25.00");
  static final BigDecimal RATIO = new BigDecimal("5");
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ReportKpisIT").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC").config("spark.sql.datetime.java8API.enabled", "true").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static EmulatorConfig.Builder account() {
    return EmulatorConfig.builder().seed(23).callsPerDay(5_000).now(NOW).rateLimitOff().busyHour(15, 900);
  }

  @Test
  void kpisCapacityAndFraudSignalsEqualTheirDefinitionsOnTheGroundTruth(@TempDir Path tmp) throws Exception {
    // one carrier degraded all day: the quality section must flag it, and it alone
    try (ZentrunkEmulator api = ZentrunkEmulator.start(account().burst(BURST_DAY, "CU", 300)
        .wangiri(BURST_DAY, "+535550", 200, 5).carrierFault("Meridian Telecom", START).build())) {
      Path out = tmp.resolve("report");
      Path log = tmp.resolve("report.log");
      int code = JobRunner.run(api, log, "report", "--start", "2026-10-28", "--end", "2026-10-29", "--output", out.toString(),
          "--api-url", api.baseUrl(), "--now", "2026-11-01 12:00:00", "--source-option", "request_budget=100000",
          "--channels", "20", "--cps-limit", "10", "--quality", "--quality-sample", "0.3");
      String text = Files.readString(log);
      assertThat(code).as(text).isZero();
      List<Row> carriers = spark.read().parquet(out.resolve("quality_carriers").toString()).collectAsList();
      assertThat(carriers.stream().filter(r -> r.<Boolean>getAs("flagged")).map(r -> r.<String>getAs("to_carrier")))
          .as("flagged carriers").containsExactly("Meridian Telecom, landline");
      assertThat(text).contains("  carrier Meridian Telecom, landline: median score ");
      List<EmulatedCall> window = api.groundTruth(START, END);
      List<EmulatedCall> baseline = api.groundTruth(START.minusSeconds(7 * 86_400), START);

      // kpis
      Map<List<Object>, long[]> k = new HashMap<>();
      Map<List<Object>, BigDecimal> amounts = new HashMap<>();
      for (EmulatedCall c : window) {
        List<Object> key = Arrays.asList(JobsIT.day(c.endTime()), c.callDirection(), c.toCountry());
        long[] a = k.computeIfAbsent(key, x -> new long[7]);
        boolean answered = c.answerTime() != null;
        a[0]++;
        a[1] += answered ? 1 : 0;
        a[2] += !answered && Set.of(4410, 4550, 6000, 6030).contains(c.hangupCauseCode()) ? 1 : 0;
        a[3] += answered && c.callDuration() < 6 ? 1 : 0;
        a[4] += c.callDuration();
        a[5] += c.billDuration();
        amounts.merge(key, c.totalAmount(), BigDecimal::add);
      }
      List<Row> kpis = spark.read().parquet(out.resolve("kpis").toString()).collectAsList();
      assertThat(kpis).hasSize(k.size());
      long shortCalls = 0;
      for (Row r : kpis) {
        List<Object> key = Arrays.asList(r.getAs("end_date").toString(), r.getAs("call_direction"), r.getAs("to_country"));
        long[] w = k.get(key);
        assertThat(w).as(key.toString()).isNotNull();
        assertThat(new long[] {r.<Long>getAs("calls"), r.<Long>getAs("answered_calls"), r.<Long>getAs("short_calls"),
            r.<Long>getAs("call_seconds"), r.<Long>getAs("billed_seconds"), r.<Long>getAs("billing_overhead_seconds")})
            .as(key.toString()).isEqualTo(new long[] {w[0], w[1], w[3], w[4], w[5], w[5] - w[4]});
        assertThat(r.<Double>getAs("asr")).isEqualTo((double) w[1] / w[0]);
        assertThat(r.<Double>getAs("ner")).isEqualTo((double) (w[1] + w[2]) / w[0]);
        assertThat(r.<Double>getAs("short_call_ratio")).isEqualTo(w[1] == 0 ? null : (double) w[3] / w[1]);
        BigDecimal amount = amounts.get(key);
        assertThat(r.<BigDecimal>getAs("amount")).isEqualByComparingTo(amount);
        BigDecimal cost = r.getAs("cost_per_billed_minute");
        if (w[5] == 0) {
          assertThat(cost).isNull();
        } else {
          assertThat(cost).isEqualTo(amount.multiply(BigDecimal.valueOf(60)).divide(BigDecimal.valueOf(w[5]), 5, RoundingMode.HALF_UP));
        }
        shortCalls += w[3];
      }
      assertThat(shortCalls).as("the window has short calls to count").isPositive();

      // capacity: for every hour, straight from the definitions; the peak is reached at the hour start or a start
      List<Row> capacity = spark.read().parquet(out.resolve("capacity").toString()).orderBy("hour_start").collectAsList();
      assertThat(capacity).hasSize(24);
      long maxConcurrent = 0;
      for (int h = 0; h < 24; h++) {
        long from = START.getEpochSecond() + h * 3600L;
        long to = from + 3600;
        Map<Long, Long> perSecond = new TreeMap<>();
        long started = 0;
        long failures = 0;
        List<Long> instants = new ArrayList<>(List.of(from));
        for (EmulatedCall c : window) {
          long i = c.initiationTime().getEpochSecond();
          if (i >= from && i < to) {
            started++;
            perSecond.merge(i, 1L, Long::sum);
            failures += c.hangupCauseCode() == 5180 || c.hangupCauseCode() == 5190 ? 1 : 0;
            instants.add(i);
          }
        }
        long peak = 0;
        for (long t : instants) {
          long n = 0;
          for (EmulatedCall c : window) {
            if (c.initiationTime().getEpochSecond() <= t && t < c.endTime().getEpochSecond()) {
              n++;
            }
          }
          peak = Math.max(peak, n);
        }
        Row r = capacity.get(h);
        assertThat(r.<Instant>getAs("hour_start")).isEqualTo(Instant.ofEpochSecond(from));
        assertThat(new long[] {r.<Long>getAs("calls_started"), r.<Long>getAs("peak_concurrent_calls"),
            r.<Long>getAs("peak_calls_per_second"), r.<Long>getAs("limit_failures")}).as("hour " + h)
            .isEqualTo(new long[] {started, peak, perSecond.values().stream().mapToLong(x -> x).max().orElse(0), failures});
        maxConcurrent = Math.max(maxConcurrent, peak);
      }
      // 900 rejections end in 15:00-15:59 within 0-2 s of starting; a few of the first second start at 14:59
      assertThat(capacity.get(15).<Long>getAs("limit_failures")).as("the busy hour").isGreaterThan(880);

      // fraud signals: the rule applied in plain Java to the truth of the window and the 7 days before
      List<String> expected = fraud(window, baseline);
      assertThat(expected).as("the burst is flagged").anyMatch(s -> s.startsWith("2026-10-28|CU|"));
      List<String> signals = spark.read().parquet(out.resolve("fraud_signals").toString()).collectAsList().stream()
          .map(r -> r.getAs("end_date").toString() + "|" + r.getAs("to_country") + "|" + r.getAs("kind") + "|"
              + r.getAs("calls") + "|" + r.getAs("billed_seconds") + "|" + r.<BigDecimal>getAs("amount").toPlainString()
              + "|" + r.<BigDecimal>getAs("baseline_amount").toPlainString())
          .toList();
      assertThat(signals).containsExactlyInAnyOrderElementsOf(expected);

      trunkSizingAndWangiriEqualTheirDefinitionsOnTheGroundTruth(window, out, text);
      // where the data came from: _source.json, the summary's first line and the page's banner say the same
      String origin = "account " + api.config().authId() + " at 127.0.0.1:" + api.port();
      JsonNode source = new ObjectMapper().readTree(out.resolve("_source.json").toFile());
      assertThat(source.path("source").asText()).isEqualTo(origin);
      assertThat(source.path("kind").asText()).isEqualTo("api");
      assertThat(source.path("auth_id").asText()).isEqualTo(api.config().authId());
      assertThat(source.path("api_host").asText()).isEqualTo("127.0.0.1:" + api.port());
      assertThat(source.path("window").path("start").asText()).isEqualTo(START.toString());
      assertThat(source.path("window").path("end").asText()).isEqualTo(END.toString());
      assertThat(source.path("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
      assertThat(text).doesNotContain(api.config().authToken());
      String firstLine = "Source: " + origin + "; window " + START + " to " + END + " (end excluded); zentrunk-spark "
          + source.path("version").asText() + "\nCalls: ";
      assertThat(text).contains(firstLine);
      ReportPageCheck.check(spark, out, origin);

      assertThat(text).contains("Peak concurrent calls: " + maxConcurrent + " (hour of ")
          .contains("Fraud signals: " + expected.size()).contains("2026-10-28 CU irsf: USD ")
          .contains("Worst NER destinations");
    }
  }

  /** trunk_hours, trunk_sizing and wangiri_signals against {@link ReportTruth} on the window's truth. */
  static void trunkSizingAndWangiriEqualTheirDefinitionsOnTheGroundTruth(List<EmulatedCall> window, Path out, String text) {
    long first = START.getEpochSecond();
    Map<String, ReportTruth.Hour[]> truth = ReportTruth.trunkHours(window, first, 24);
    assertThat(truth).as("three trunks and calls without one").hasSize(4).containsKey(null);
    List<Row> hours = spark.read().parquet(out.resolve("trunk_hours").toString()).collectAsList();
    assertThat(hours).hasSize(4 * 24);
    for (Row r : hours) {
      String trunk = r.getAs("trunk_id");
      int h = (int) ((r.<Instant>getAs("hour_start").getEpochSecond() - first) / 3600);
      ReportTruth.Hour x = truth.get(trunk)[h];
      assertThat(new long[] {r.<Long>getAs("carried_seconds"), r.<Long>getAs("calls_started"),
          r.<Long>getAs("peak_concurrent_calls"), r.<Long>getAs("peak_calls_per_second"), r.<Long>getAs("cps_rejections"),
          r.<Long>getAs("channel_rejections")}).as(trunk + " hour " + h)
          .isEqualTo(new long[] {x.carried(), x.started(), x.peak(), x.cps(), x.r5180(), x.r5190()});
      assertThat(r.<Double>getAs("carried_erlangs")).isCloseTo(x.carried() / 3600.0, within(1e-9));
      assertThat(r.<Double>getAs("mean_holding_seconds")).as(trunk).isCloseTo(x.holding(), within(1e-9));
      assertThat(r.<Double>getAs("offered_erlangs")).as(trunk + " hour " + h).isCloseTo(x.offered(), within(1e-9));
    }
    List<Row> sizing = spark.read().parquet(out.resolve("trunk_sizing").toString()).collectAsList();
    assertThat(sizing).as("a day row and a window row per trunk").hasSize(2 * 4);
    for (Row r : sizing) {
      String trunk = r.getAs("trunk_id");
      ReportTruth.Hour[] hs = truth.get(trunk);
      int busy = 0;
      long started = 0;
      long peak = 0;
      long cps = 0;
      for (int h = 0; h < 24; h++) {
        busy = hs[h].offered() > hs[busy].offered() ? h : busy;  // every trunk carried calls: all estimated
        started += hs[h].started();
        peak = Math.max(peak, hs[h].peak());
        cps = Math.max(cps, hs[h].cps());
      }
      ReportTruth.Hour b = hs[busy];
      double e = b.offered();
      double carried = b.carried() / 3600.0;
      Object day = r.getAs("day");
      String what = trunk + " " + day;
      assertThat(day == null ? null : day.toString()).as(what).isIn(null, "2026-10-28");
      assertThat(r.<Instant>getAs("busy_hour_start")).as(what).isEqualTo(Instant.ofEpochSecond(first + 3600L * busy));
      assertThat(new long[] {r.<Long>getAs("busy_hour_carried_seconds"), r.<Long>getAs("busy_hour_refusals"),
          r.<Long>getAs("calls_started"), r.<Long>getAs("peak_concurrent_calls"), r.<Long>getAs("peak_calls_per_second"),
          r.<Integer>getAs("erlang_b_channels"), r.<Integer>getAs("carried_erlang_b_channels"), r.<Integer>getAs("channels"),
          r.<Integer>getAs("cps_limit"), r.<Long>getAs("busy_hour_attempts"), r.<Long>getAs("busy_hour_channel_rejections")})
          .as(what).isEqualTo(new long[] {b.carried(), b.r5180() + b.r5190(), started, peak, cps, ReportTruth.channels(e, 0.01),
              ReportTruth.channels(carried, 0.01), 20, 10, b.started(), b.r5190()});
      assertThat(r.<Double>getAs("busy_hour_offered_erlangs")).as(what).isCloseTo(e, within(1e-9));
      assertThat(r.<Double>getAs("busy_hour_carried_erlangs")).as(what).isCloseTo(carried, within(1e-9));
      assertThat(r.<Double>getAs("channel_utilisation")).as(what).isCloseTo(peak / 20.0, within(1e-12));
      assertThat(r.<Double>getAs("cps_utilisation")).as(what).isCloseTo(cps / 10.0, within(1e-12));
      assertThat(r.<Double>getAs("erlang_b_blocking")).as(what).isCloseTo(ReportTruth.erlangB(e, 20), within(1e-12));
      assertThat(r.<Double>getAs("observed_blocking")).as(what)
          .isEqualTo(b.started() == 0 ? null : (double) b.r5190() / b.started());
      if (day == null) {
        long refused = b.r5180() + b.r5190();
        String traffic = refused == 0
            ? String.format(Locale.ROOT, "%.3f Erlangs, needs %d channels at 1%%", e, ReportTruth.channels(e, 0.01))
            : String.format(Locale.ROOT, "%.3f Erlangs offered (%.3f carried + %d refused x %.1f s), needs %d channels at 1%% "
                + "(%d on carried traffic)", e, carried, refused, b.holding(), ReportTruth.channels(e, 0.01),
                ReportTruth.channels(carried, 0.01));
        assertThat(text).contains(String.format(Locale.ROOT, "  trunk %s: busy hour %s, %s, has 20, peak %d (%d calls/s, "
            + "limit 10)%n", trunk == null ? "(none)" : trunk, Instant.ofEpochSecond(first + 3600L * busy), traffic, peak, cps));
      }
    }
    List<String> wangiri = ReportTruth.wangiri(window, 5, 48, 4, 10, 1);
    List<String> signals = spark.read().parquet(out.resolve("wangiri_signals").toString()).collectAsList().stream()
        .map(r -> IntStream.range(0, r.size()).mapToObj(i -> String.valueOf(r.get(i) instanceof BigDecimal d
            ? d.toPlainString() : r.get(i))).collect(Collectors.joining("|")))
        .toList();
    assertThat(signals).containsExactlyInAnyOrderElementsOf(wangiri);
    // the injected campaign, and nothing of the account's own traffic, is flagged
    assertThat(wangiri.stream().filter(s -> s.endsWith("|true")).toList()).singleElement().asString()
        .startsWith("2026-10-28|+535550|CU|200|").contains("|5|5|");
    assertThat(text).contains("Wangiri signals: 1\n  2026-10-28 +535550 (CU): 200 one-ring calls to ");
  }

  @Test
  void theSameAccountWithoutTheBurstFlagsNothing(@TempDir Path tmp) {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(account().build())) {
      Map<String, String> o = Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(), "auth_token",
          api.config().authToken(), "now", NOW.toString(), "request_budget", "100000");
      Instant from = START.minusSeconds(7 * 86_400);
      Dataset<Row> window = Cdrs.window(spark, o, START, END);
      Dataset<Row> baseline = Cdrs.window(spark, o, from, START).filter("call_direction = 'outbound'");
      ReportJob.Input in = new ReportJob.Input(window, baseline, START, END, LocalDate.parse("2026-10-21"),
          new FraudRule(MIN_AMOUNT, RATIO, 7));
      ByteArrayOutputStream summary = new ByteArrayOutputStream();
      ReportJob.run(spark, in, tmp.resolve("report").toString(), new PrintStream(summary, true, StandardCharsets.UTF_8));
      assertThat(fraud(api.groundTruth(START, END), api.groundTruth(from, START))).isEmpty();
      assertThat(spark.read().parquet(tmp.resolve("report/fraud_signals").toString()).count()).isZero();
      assertThat(summary.toString(StandardCharsets.UTF_8)).contains("Fraud signals: 0\n").contains("Wangiri signals: 0\n")
          .startsWith("Source: CDRs given by the caller (source not stated); window ");
      // normal traffic has one-ring calls, none of them flagged
      Dataset<Row> wangiri = spark.read().parquet(tmp.resolve("report/wangiri_signals").toString());
      assertThat(wangiri.count()).isPositive();
      assertThat(wangiri.filter("flagged").count()).isZero();
    }
  }

  /** The IRSF rule on the truth: day|country|irsf|calls|billed_seconds|amount|baseline_amount of each flagged day. */
  static List<String> fraud(List<EmulatedCall> window, List<EmulatedCall> baseline) {
    Map<String, BigDecimal> before = new HashMap<>();
    for (EmulatedCall c : baseline) {
      if (c.callDirection().equals("outbound")) {
        before.merge(c.toCountry(), c.totalAmount(), BigDecimal::add);
      }
    }
    Map<String, long[]> n = new HashMap<>();
    Map<String, BigDecimal> amount = new HashMap<>();
    for (EmulatedCall c : window) {
      if (c.callDirection().equals("outbound")) {
        long[] a = n.computeIfAbsent(c.toCountry(), x -> new long[2]);
        a[0]++;
        a[1] += c.billDuration();
        amount.merge(c.toCountry(), c.totalAmount(), BigDecimal::add);
      }
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, BigDecimal> e : amount.entrySet()) {
      BigDecimal sum = before.getOrDefault(e.getKey(), BigDecimal.ZERO);
      BigDecimal a = e.getValue();
      boolean flagged = a.compareTo(MIN_AMOUNT) >= 0
          && (sum.signum() == 0 || a.multiply(BigDecimal.valueOf(7)).compareTo(sum.multiply(RATIO)) >= 0);
      if (flagged) {
        long[] x = n.get(e.getKey());
        out.add("2026-10-28|" + e.getKey() + "|irsf|" + x[0] + "|" + x[1] + "|" + a.setScale(5).toPlainString() + "|"
            + sum.divide(BigDecimal.valueOf(7), 5, RoundingMode.HALF_UP).toPlainString());
      }
    }
    return out.stream().sorted().collect(Collectors.toList());
  }
}
