package io.zentrunk.spark.source;

import io.zentrunk.spark.testing.SourceReads;
import io.zentrunk.spark.client.ApiValues;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import static org.assertj.core.api.Assertions.assertThat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GROUP BY counts, top-N, IN lists and statistics pushed to the API, against the emulator's
 * ground truth over real HTTP: exact groups, exact request counts, and the explain text
 * (in the style of Spark JDBC's {@code checkPushedInfo}).
 */
class GroupCountIT {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant DAY = Instant.parse("2026-10-20T00:00:00Z");
  static final long DAY_S = 86_400;

  static SparkSession spark;
  static ZentrunkEmulator api;
  /** The same account where 0.05% of calls end with a code the reference table does not list. */
  static ZentrunkEmulator unlisted;

  @BeforeAll
  static void start() {
    api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(7).callsPerDay(20_000).now(NOW).rateLimitOff().build());
    unlisted = ZentrunkEmulator.start(EmulatorConfig.builder().seed(7).callsPerDay(20_000).now(NOW).rateLimitOff()
        .unlistedHangupCodes(0.0005).build());
    spark = SparkSession.builder().master("local[2]").appName("GroupCountIT")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.shuffle.partitions", "2")
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
    if (unlisted != null) {
      unlisted.close();
    }
  }

  static Dataset<Row> calls(ZentrunkEmulator emu, Instant from, Instant to, String... extra) {
    Map<String, String> o = SourceReads.options(emu, from, to);
    for (int i = 0; i < extra.length; i += 2) {
      o.put(extra[i], extra[i + 1]);
    }
    Dataset<Row> df = spark.read().format("zentrunk").options(o).load();
    df.createOrReplaceTempView("calls");
    return df;
  }

  /** Rows as lists of values, the count last, sorted for comparison. */
  static Map<List<Object>, Long> groups(Dataset<Row> df) {
    Map<List<Object>, Long> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      List<Object> key = new ArrayList<>();
      for (int i = 0; i < r.size() - 1; i++) {
        key.add(r.get(i));
      }
      assertThat(out.put(key, r.getLong(r.size() - 1))).as("duplicate group " + key).isNull();
    }
    return out;
  }

  @SafeVarargs
  static Map<List<Object>, Long> truth(List<EmulatedCall> calls, Function<EmulatedCall, Object>... keys) {
    return calls.stream().collect(Collectors.groupingBy(c -> {
      List<Object> k = new ArrayList<>();
      for (Function<EmulatedCall, Object> f : keys) {
        k.add(f.apply(c));
      }
      return k;
    }, Collectors.counting()));
  }

  static String explain(Dataset<Row> df) {
    return df.queryExecution().explainString(ExplainMode.fromString("simple"));
  }

  static LocalDate utcDay(EmulatedCall c) {
    return LocalDate.ofInstant(c.endTime(), ZoneOffset.UTC);
  }

  // ---- an independent model of the counter's requests, over the ground truth ----

  /** A dimension of the model: its key, and its fan-out over a window [from, to) in epoch seconds (0 = a value set). */
  record Dim(Function<EmulatedCall, Object> key, long bucketSeconds, List<?> values) {}

  static Dim day() {
    return new Dim(c -> Math.floorDiv(c.endTime().getEpochSecond(), DAY_S), DAY_S, null);
  }

  static Dim hour() {
    return new Dim(c -> Math.floorDiv(c.endTime().getEpochSecond(), 3600), 3600, null);
  }

  static Dim values(Function<EmulatedCall, Object> key, List<?> values) {
    return new Dim(key, 0, values);
  }

  record Node(long from, long to, List<EmulatedCall> calls) {}

  /**
   * The requests the documented algorithm makes: a probe per root; a window of at most 20
   * records is whole in its probe; a window is split when its fan-out is below its remaining
   * pages, else read; a split whose known values do not add up is read too.
   */
  static long expectedRequests(List<EmulatedCall> truth, Instant from, Instant to, List<Dim> dims) {
    return model(truth, from, to, dims)[0];
  }

  /** {requests, windows whose known values did not add up}. */
  static long[] model(List<EmulatedCall> truth, Instant from, Instant to, List<Dim> dims) {
    long requests = 1;
    long unexplained = 0;
    List<Node> frontier = List.of(new Node(from.getEpochSecond(), to.getEpochSecond(), truth));
    for (Dim d : dims) {
      List<Node> next = new ArrayList<>();
      for (Node n : frontier) {
        long c = n.calls.size();
        if (c == 0 || c <= 20) {
          continue;
        }
        long remaining = (c + 19) / 20 - 1;
        long k = d.values != null ? d.values.size()
            : Math.floorDiv(n.to - 1, d.bucketSeconds) - Math.floorDiv(n.from, d.bucketSeconds) + 1;
        if (d.values == null && k == 1) {
          next.add(n);
          continue;
        }
        if (k >= remaining) {
          requests += remaining;
          continue;
        }
        requests += k;
        Map<Object, List<EmulatedCall>> parts = n.calls.stream().collect(Collectors.groupingBy(d.key));
        long known = d.values == null ? c
            : parts.entrySet().stream().filter(e -> d.values.contains(e.getKey())).mapToLong(e -> e.getValue().size()).sum();
        if (known != c) {
          requests += remaining;
          unexplained++;
          continue;
        }
        for (Map.Entry<Object, List<EmulatedCall>> e : parts.entrySet()) {
          long f = n.from;
          long t = n.to;
          if (d.values == null) {
            long b = (Long) e.getKey() * d.bucketSeconds;
            f = Math.max(f, b);
            t = Math.min(t, b + d.bucketSeconds);
          }
          next.add(new Node(f, t, e.getValue()));
        }
      }
      frontier = next;
    }
    return new long[] {requests, unexplained};
  }

  static final List<Integer> CODES = ApiValues.HANGUP_CODES.stream().map(Integer::valueOf).toList();
  static final Dim DIRECTION = values(EmulatedCall::callDirection, ApiValues.DIRECTIONS);
  static final Dim CODE = values(EmulatedCall::hangupCauseCode, CODES);

  // ---- pushed shapes ----

  @Test
  void byCodeAndDirectionFromProbes() {
    Instant from = DAY;
    Instant to = DAY.plusSeconds(DAY_S);
    List<EmulatedCall> all = api.groundTruth(from, to);
    calls(api, from, to);
    Dataset<Row> df = spark.sql("SELECT hangup_cause_code, call_direction, count(*) FROM calls GROUP BY 1, 2");
    api.resetStats();
    Map<List<Object>, Long> got = groups(df);
    long requests = api.stats().listRequests();
    assertThat(got).isEqualTo(truth(all, EmulatedCall::hangupCauseCode, EmulatedCall::callDirection));
    long expected = expectedRequests(all, from, to, List.of(CODE, DIRECTION));
    assertThat(requests).isEqualTo(expected);
    long pages = (all.size() + 19) / 20;
    System.out.printf("GROUP BY code, direction over a day: %d CDRs, %d groups, %d requests vs %d pages%n", all.size(),
        got.size(), requests, pages);
    assertThat(requests * 5).as("far fewer requests than pages").isLessThan(pages);
    // codes of at most 20 calls are whole in their probe: "read" as rows at no request
    assertThat(explain(df)).contains("PushedAggregates: [COUNT(*)], PushedGroupBy: [hangup_cause_code, call_direction]")
        .contains("Path: count probes + rows (").contains(expected + " count probes + 0 row requests; reading all rows: "
            + pages + " requests)");
  }

  @Test
  void byDayCodeAndDirectionWithWhere() {
    Instant from = DAY.plusSeconds(DAY_S / 2);
    Instant to = from.plusSeconds(2 * DAY_S);
    List<EmulatedCall> all = api.groundTruth(from, to);
    List<EmulatedCall> inbound = all.stream().filter(c -> c.callDirection().equals("inbound")).toList();
    calls(api, from, to);
    Dataset<Row> df = spark.sql("SELECT to_date(end_time) d, hangup_cause_code, count(1) FROM calls "
        + "WHERE call_direction = 'inbound' GROUP BY 1, 2");
    api.resetStats();
    Map<List<Object>, Long> got = groups(df);
    long requests = api.stats().listRequests();
    assertThat(got).isEqualTo(truth(inbound, GroupCountIT::utcDay, EmulatedCall::hangupCauseCode));
    Dim d = day();
    assertThat(requests).isEqualTo(expectedRequests(inbound, from, to, List.of(d, CODE)));
    assertThat(got.keySet().stream().map(k -> k.get(0)).distinct().count()).as("three UTC days touched").isEqualTo(3);
    assertThat(explain(df)).contains("call_direction=inbound").contains("PushedGroupBy: [to_date(end_time), hangup_cause_code]")
        .contains("Path: count probes");
  }

  @Test
  void byHourOfDayAndByDay() {
    Instant from = DAY.minusSeconds(3 * DAY_S);
    Instant to = DAY;
    List<EmulatedCall> all = api.groundTruth(from, to);
    calls(api, from, to);
    Dataset<Row> byHour = spark.sql("SELECT hour(end_time), count(*) FROM calls GROUP BY 1");
    api.resetStats();
    Map<List<Object>, Long> got = groups(byHour);
    assertThat(got).isEqualTo(truth(all, c -> c.endTime().atZone(ZoneOffset.UTC).getHour()));
    assertThat(api.stats().listRequests()).as("root + 72 hours").isEqualTo(1 + 72);
    assertThat(explain(byHour)).contains("PushedGroupBy: [hour(end_time)]");

    Dataset<Row> byDay = spark.sql("SELECT to_date(end_time), count(*) FROM calls GROUP BY 1");
    api.resetStats();
    assertThat(groups(byDay)).isEqualTo(truth(all, GroupCountIT::utcDay));
    assertThat(api.stats().listRequests()).as("root + 3 days").isEqualTo(4);
  }

  @Test
  void smallWindowIsReadAsRowsByTheCostModel() {
    Instant from = DAY.plusSeconds(3 * 3600);
    Instant to = from.plusSeconds(600);
    List<EmulatedCall> all = api.groundTruth(from, to);
    calls(api, from, to);
    Dataset<Row> df = spark.sql("SELECT hangup_cause_code, count(*) FROM calls GROUP BY 1");
    api.resetStats();
    Map<List<Object>, Long> got = groups(df);
    assertThat(got).isEqualTo(truth(all, EmulatedCall::hangupCauseCode));
    long pages = (all.size() + 19) / 20;
    assertThat(pages).as("fewer pages than codes").isLessThan(CODES.size());
    assertThat(api.stats().listRequests()).as("the rows: page 0 is the probe").isEqualTo(pages);
    assertThat(explain(df)).contains("Path: rows (1 windows, " + all.size() + " CDRs, 0 did not add up; 1 count probes + " + (pages - 1)
        + " row requests; reading all rows: " + pages + " requests)");
  }

  @Test
  void unlistedCodeStaysExactThroughTheRowsFallback() {
    Instant from = DAY.plusSeconds(8 * 3600);
    Instant to = from.plusSeconds(6 * 3600);
    List<EmulatedCall> all = unlisted.groundTruth(from, to);
    Predicate<EmulatedCall> isUnlisted = c -> c.hangupCauseCode() == 4990;
    long hoursWith = all.stream().filter(isUnlisted).map(c -> c.endTime().getEpochSecond() / 3600).distinct().count();
    assertThat(hoursWith).as("some hours hold an unlisted code, some do not").isBetween(1L, 5L);
    calls(unlisted, from, to);

    // by code: the root's code probes do not add up, so the whole window is read
    Dataset<Row> byCode = spark.sql("SELECT hangup_cause_code, call_direction, count(*) FROM calls GROUP BY 1, 2");
    unlisted.resetStats();
    Map<List<Object>, Long> got = groups(byCode);
    assertThat(got).isEqualTo(truth(all, EmulatedCall::hangupCauseCode, EmulatedCall::callDirection));
    assertThat(got.keySet().stream().anyMatch(k -> k.get(0).equals(4990))).isTrue();
    assertThat(unlisted.stats().listRequests()).isEqualTo(expectedRequests(all, from, to, List.of(CODE, DIRECTION)));
    assertThat(unlisted.stats().status(400)).as("no probe of a code outside the table").isZero();
    assertThat(explain(byCode)).contains("Path: rows (1 windows, " + all.size() + " CDRs, 1 did not add up;");

    // by hour and code: only the hours holding an unlisted code are read, the others are probed
    Dataset<Row> byHour = spark.sql("SELECT hour(end_time), hangup_cause_code, count(*) FROM calls GROUP BY 1, 2");
    unlisted.resetStats();
    assertThat(groups(byHour)).isEqualTo(truth(all, c -> c.endTime().atZone(ZoneOffset.UTC).getHour(), EmulatedCall::hangupCauseCode));
    long[] m = model(all, from, to, List.of(hour(), CODE));
    assertThat(unlisted.stats().listRequests()).isEqualTo(m[0]);
    assertThat(m[1]).as("hours whose code probes did not add up").isPositive().isLessThanOrEqualTo(hoursWith);
    assertThat(explain(byHour)).contains("Path: count probes + rows (").contains(", " + m[1] + " did not add up;");
  }

  @Test
  void shapesThatAreNotPushedAreComputedBySpark() {
    Instant from = DAY.plusSeconds(20 * 3600);
    Instant to = from.plusSeconds(2 * 3600);
    List<EmulatedCall> all = api.groundTruth(from, to);
    calls(api, from, to);

    Dataset<Row> sum = spark.sql("SELECT call_direction, sum(bill_duration), avg(bill_duration), count(DISTINCT hangup_cause_code) "
        + "FROM calls GROUP BY 1");
    Map<String, Row> got = sum.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    Map<String, List<EmulatedCall>> byDir = all.stream().collect(Collectors.groupingBy(EmulatedCall::callDirection));
    assertThat(got.keySet()).isEqualTo(byDir.keySet());
    byDir.forEach((dir, cs) -> {
      long s = cs.stream().mapToLong(EmulatedCall::billDuration).sum();
      assertThat(got.get(dir).getLong(1)).isEqualTo(s);
      assertThat(got.get(dir).getDouble(2)).isCloseTo((double) s / cs.size(), org.assertj.core.data.Offset.offset(1e-9));
      assertThat(got.get(dir).getLong(3)).isEqualTo(cs.stream().map(EmulatedCall::hangupCauseCode).distinct().count());
    });
    assertThat(explain(sum)).doesNotContain("PushedGroupBy").doesNotContain("PushedAggregates");

    Dataset<Row> country = spark.sql("SELECT from_country, count(*) FROM calls GROUP BY 1");
    assertThat(groups(country)).isEqualTo(truth(all, EmulatedCall::fromCountry));
    assertThat(explain(country)).doesNotContain("PushedGroupBy");

    Dataset<Row> trunc = spark.sql("SELECT date_trunc('HOUR', end_time), count(*) FROM calls GROUP BY 1");
    assertThat(groups(trunc)).isEqualTo(truth(all, c -> c.endTime().truncatedTo(java.time.temporal.ChronoUnit.HOURS)));
    assertThat(explain(trunc)).as("Spark 4.1 does not translate date_trunc for sources").doesNotContain("PushedGroupBy");

    SparkSession ny = spark.newSession();
    ny.conf().set("spark.sql.session.timeZone", "America/New_York");
    ny.read().format("zentrunk").options(SourceReads.options(api, from, to)).load().createOrReplaceTempView("calls");
    Dataset<Row> nyDay = ny.sql("SELECT to_date(end_time), hour(end_time), count(*) FROM calls GROUP BY 1, 2");
    ZoneId zone = ZoneId.of("America/New_York");
    assertThat(groups(nyDay)).isEqualTo(truth(all, c -> LocalDate.ofInstant(c.endTime(), zone), c -> c.endTime().atZone(zone).getHour()));
    assertThat(explain(nyDay)).as("a day outside UTC is no end_time window").doesNotContain("PushedGroupBy");

    calls(api, from, to, "pushdown_group_count", "false");
    Dataset<Row> off = spark.sql("SELECT call_direction, count(*) FROM calls GROUP BY 1");
    assertThat(groups(off)).isEqualTo(truth(all, EmulatedCall::callDirection));
    assertThat(explain(off)).doesNotContain("PushedGroupBy");
  }

  // ---- top-N ----

  @Test
  void newestAndOldestHundredCostTheirPages() {
    Instant from = DAY.plusSeconds(2 * 3600);
    Instant to = from.plusSeconds(4 * 3600);
    List<EmulatedCall> all = api.groundTruth(from, to);
    calls(api, from, to);
    List<Instant> ends = all.stream().map(EmulatedCall::endTime).sorted(Comparator.reverseOrder()).toList();
    Map<String, Instant> byUuid = all.stream().collect(Collectors.toMap(EmulatedCall::callUuid, EmulatedCall::endTime));

    Dataset<Row> newest = spark.sql("SELECT call_uuid, end_time FROM calls ORDER BY end_time DESC LIMIT 100");
    api.resetStats();
    List<Row> rows = newest.collectAsList();
    assertThat(api.stats().listRequests()).as("ceil(100/20)").isEqualTo(5);
    assertTop(rows, byUuid, ends.subList(0, 100));
    assertThat(explain(newest)).contains("PushedTopN: ORDER BY end_time DESC LIMIT 100");

    Dataset<Row> oldest = spark.sql("SELECT call_uuid, end_time FROM calls ORDER BY end_time ASC LIMIT 50");
    api.resetStats();
    rows = oldest.collectAsList();
    assertThat(api.stats().listRequests()).as("the count, then ceil(50/20) pages from the end").isEqualTo(1 + 3);
    assertTop(rows, byUuid, ends.stream().sorted().limit(50).toList());
    assertThat(explain(oldest)).contains("PushedTopN: ORDER BY end_time ASC LIMIT 50");
  }

  /** The rows are records of the window, in order, and their end_times are exactly the top end_times (ties at the cut: any of them). */
  static void assertTop(List<Row> rows, Map<String, Instant> byUuid, List<Instant> topEnds) {
    assertThat(rows).hasSize(topEnds.size());
    List<Instant> got = new ArrayList<>();
    for (Row r : rows) {
      assertThat(byUuid.get(r.getString(0))).isEqualTo(r.get(1));
      got.add((Instant) r.get(1));
    }
    assertThat(got).isEqualTo(topEnds);
    assertThat(rows.stream().map(r -> r.getString(0)).distinct().count()).isEqualTo(rows.size());
  }

  // ---- IN lists ----

  @Test
  void inListIsOneQueryPerValue() {
    Instant from = DAY.plusSeconds(9 * 3600);
    Instant to = from.plusSeconds(6 * 3600);
    List<EmulatedCall> all = api.groundTruth(from, to);
    Predicate<EmulatedCall> busyOrCancelled = c -> c.hangupCauseCode() == 4410 || c.hangupCauseCode() == 4550;
    List<EmulatedCall> want = all.stream().filter(busyOrCancelled).toList();
    calls(api, from, to);
    Dataset<Row> df = spark.sql("SELECT call_uuid FROM calls WHERE hangup_cause_code IN (4410, 4550)");
    api.resetStats();
    List<String> got = df.collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    assertThat(got).isEqualTo(want.stream().map(EmulatedCall::callUuid).sorted().toList());
    long expected = 0;
    for (int code : new int[] {4410, 4550}) {
      long n = all.stream().filter(c -> c.hangupCauseCode() == code).count();
      expected += Math.max(1, (n + 19) / 20); // the planner's probe is page 0, the read starts from it
    }
    assertThat(api.stats().listRequests()).isEqualTo(expected);
    assertThat(explain(df)).contains("ApiInLists: {hangup_cause_code=[4410, 4550]} (one query per value)");

    // grouped by the IN column: each value's query is already that group; only direction is probed
    Dataset<Row> grouped = spark.sql("SELECT hangup_cause_code, call_direction, count(*) FROM calls "
        + "WHERE hangup_cause_code IN (4410, 4550) GROUP BY 1, 2");
    api.resetStats();
    assertThat(groups(grouped)).isEqualTo(truth(want, EmulatedCall::hangupCauseCode, EmulatedCall::callDirection));
    long groupedExpected = 0;
    for (int code : new int[] {4410, 4550}) {
      long n = all.stream().filter(c -> c.hangupCauseCode() == code).count();
      long remaining = (n + 19) / 20 - 1;
      groupedExpected += n <= 20 ? 1 : 1 + Math.min(2, remaining);
    }
    assertThat(api.stats().listRequests()).isEqualTo(groupedExpected);
    assertThat(explain(grouped)).contains("ApiInLists: {hangup_cause_code=[4410, 4550]}").contains("PushedGroupBy: [hangup_cause_code, call_direction]");

    Dataset<Row> count = spark.sql("SELECT count(*) FROM calls WHERE call_direction IN ('inbound', 'outbound', 'sideways')");
    api.resetStats();
    assertThat(count.first().getLong(0)).isEqualTo(all.size());
    assertThat(api.stats().listRequests()).as("one count per value").isEqualTo(2);
  }

  // ---- statistics and metrics ----

  @Test
  void statisticsCarryThePlannedRowCount() {
    Instant from = DAY.plusSeconds(16 * 3600);
    Instant to = from.plusSeconds(1800);
    long n = api.groundTruthCount(from, to);
    Dataset<Row> df = calls(api, from, to).select("call_uuid", "end_time");
    String cost = df.queryExecution().explainString(ExplainMode.fromString("cost"));
    assertThat(cost).contains("rowCount=" + n);
    assertThat(df.queryExecution().optimizedPlan().stats().rowCount().get().longValue()).isEqualTo(n);

    Dataset<Row> grouped = spark.sql("SELECT call_direction, count(*) FROM calls GROUP BY 1");
    grouped.collectAsList();
    SparkPlan plan = grouped.queryExecution().executedPlan();
    String text = plan.toString();
    assertThat(text).contains("PushedGroupBy: [call_direction]");
    long probes = findMetric(plan, "countProbes");
    assertThat(probes).as("root + 2 directions").isEqualTo(3);
  }

  static long findMetric(SparkPlan plan, String name) {
    List<SparkPlan> all = new ArrayList<>();
    collect(plan, all);
    for (SparkPlan p : all) {
      if (p.metrics().contains(name)) {
        return p.metrics().apply(name).value();
      }
    }
    throw new AssertionError("no metric " + name + " in " + plan);
  }

  static void collect(SparkPlan p, List<SparkPlan> out) {
    out.add(p);
    if (p instanceof org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec a) {
      collect(a.executedPlan(), out);
    }
    if (p instanceof org.apache.spark.sql.execution.adaptive.QueryStageExec q) {
      collect(q.plan(), out);
    }
    scala.jdk.javaapi.CollectionConverters.asJava(p.children()).forEach(c -> collect(c, out));
  }
}
