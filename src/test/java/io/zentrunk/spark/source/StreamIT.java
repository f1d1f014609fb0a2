package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code readStream.format("zentrunk")} against the emulator's ground truth. */
class StreamIT {

  static final Instant T1 = Instant.parse("2026-10-28T12:00:00Z");
  static SparkSession spark;

  static SparkSession session(String name) {
    return SparkSession.builder().master("local[2]").appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.streaming.noDataMicroBatches.enabled", "false")
        .config("spark.sql.catalog.default_iceberg", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.default_iceberg.type", "hadoop")
        .config("spark.sql.catalog.default_iceberg.warehouse", System.getProperty("java.io.tmpdir") + "/zentrunk-stream-it-wh")
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .getOrCreate();
  }

  @BeforeAll
  static void start() {
    spark = session("StreamIT");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static Map<String, String> options(ZentrunkEmulator api, Instant start, String lag) {
    Map<String, String> o = new HashMap<>();
    o.put("api_url", api.baseUrl());
    o.put("auth_id", api.config().authId());
    o.put("auth_token", api.config().authToken());
    o.put("request_budget", "100000");
    o.put("start", start.toString());
    o.put("lag", lag);
    return o;
  }

  static StreamingQuery availableNow(Map<String, String> o, Path out, Path checkpoint) throws Exception {
    StreamingQuery q = spark.readStream().format("zentrunk").options(o).load()
        .writeStream().format("parquet").option("checkpointLocation", checkpoint.toString())
        .trigger(Trigger.AvailableNow()).start(out.toString());
    q.awaitTermination();
    return q;
  }

  static List<String> uuids(Path out) {
    return spark.read().parquet(out.toString()).select("call_uuid").collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  static Set<String> truth(ZentrunkEmulator api, Instant from, Instant to) {
    return api.groundTruth(from, to).stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
  }

  @Test
  void availableNowTwiceReadsExactlyTheNewCdrsTheSecondTime(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(21).callsPerDay(20_000).now(T1).rateLimitOff().build())) {
      Instant start = T1.minus(Duration.ofHours(3));
      Map<String, String> o = options(api, start, "2 minutes");
      availableNow(o, tmp.resolve("out"), tmp.resolve("chk"));
      List<String> first = uuids(tmp.resolve("out"));
      Set<String> truth1 = truth(api, start, T1.minus(Duration.ofMinutes(2)));
      assertThat(first).hasSize(truth1.size()).doesNotHaveDuplicates();
      assertThat(new HashSet<>(first)).isEqualTo(truth1);

      // the clock moves 5 hours; the second run catches up in batches of at most 30 requests' records
      api.setNow(T1.plus(Duration.ofHours(5)));
      o.put("max_requests_per_trigger", "30");
      StreamingQuery q = availableNow(o, tmp.resolve("out"), tmp.resolve("chk"));
      List<String> both = uuids(tmp.resolve("out"));
      Set<String> truth2 = truth(api, start, T1.plus(Duration.ofHours(5)).minus(Duration.ofMinutes(2)));
      assertThat(both).hasSize(truth2.size()).doesNotHaveDuplicates();
      assertThat(new HashSet<>(both)).isEqualTo(truth2);
      Set<String> added = new HashSet<>(both);
      added.removeAll(first);
      assertThat(added).isEqualTo(truth(api, T1.minus(Duration.ofMinutes(2)), T1.plus(Duration.ofHours(5)).minus(Duration.ofMinutes(2))));
      StreamingQueryProgress[] progress = q.recentProgress();
      long batches = java.util.Arrays.stream(progress).filter(p -> p.numInputRows() > 0).count();
      assertThat(batches).isGreaterThan(5);
      assertThat(progress).allSatisfy(p -> assertThat(p.numInputRows()).isLessThanOrEqualTo(30 * 20));
    }
  }

  static long maxMetric(StreamingQuery q, String name) {
    return java.util.Arrays.stream(q.recentProgress()).filter(p -> p.sources().length > 0)
        .mapToLong(p -> Long.parseLong(p.sources()[0].metrics().getOrDefault(name, "0"))).max().orElse(0);
  }

  @Test
  void lateArrivalsWithinLagAreReadLaterOnesAreCountedAndWarned(@TempDir Path tmp) throws Exception {
    // 10% of the CDRs become visible 1 to 30 minutes after they end; the stream waits 5 minutes
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(5).callsPerDay(20_000).now(T1)
        .lateArrival(0.1, 30).rateLimitOff().build())) {
      Instant start = T1.minus(Duration.ofHours(2));
      Instant firstEnd = T1.minus(Duration.ofMinutes(5));
      Map<String, String> o = options(api, start, "PT5M");
      availableNow(o, tmp.resolve("out"), tmp.resolve("chk"));
      List<String> first = uuids(tmp.resolve("out"));
      // what was visible when it was read: every CDR whose delay was within the lag, and the later ones that had arrived
      assertThat(new HashSet<>(first)).isEqualTo(truth(api, start, firstEnd));

      api.setNow(T1.plus(Duration.ofHours(2)));
      long missed = api.groundTruthCount(start, firstEnd) - first.size();
      assertThat(missed).as("CDRs of the first window that arrived after it was read").isPositive();
      StreamingQuery q = availableNow(o, tmp.resolve("out"), tmp.resolve("chk"));
      assertThat(maxMetric(q, "lateCdrs")).isEqualTo(missed);
      List<String> both = uuids(tmp.resolve("out"));
      Set<String> expected = new HashSet<>(first);
      expected.addAll(truth(api, firstEnd, T1.plus(Duration.ofHours(2)).minus(Duration.ofMinutes(5))));
      assertThat(both).hasSize(expected.size()).doesNotHaveDuplicates();
      assertThat(new HashSet<>(both)).isEqualTo(expected);
      System.out.println("late arrivals: " + first.size() + " CDRs read in the first window, " + missed
          + " arrived more than the lag after they ended and were reported as lateCdrs");
    }
  }

  /** The warnings of the late-arrival checks while it runs (the log's own lines, as an operator reads them). */
  static final class LateWarnings implements AutoCloseable {
    final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    private final org.apache.logging.log4j.core.Logger logger =
        (org.apache.logging.log4j.core.Logger) org.apache.logging.log4j.LogManager.getLogger(LateArrivalChecks.class);
    private final org.apache.logging.log4j.core.appender.AbstractAppender appender =
        new org.apache.logging.log4j.core.appender.AbstractAppender("late-warnings", null, null, true,
            org.apache.logging.log4j.core.config.Property.EMPTY_ARRAY) {
          @Override
          public void append(org.apache.logging.log4j.core.LogEvent e) {
            if (e.getLevel() == org.apache.logging.log4j.Level.WARN) {
              lines.add(e.getMessage().getFormattedMessage());
            }
          }
        };

    LateWarnings() {
      appender.start();
      logger.addAppender(appender);
    }

    /** The call_uuids the warnings named since the last call. */
    Set<String> named() {
      Set<String> out = new HashSet<>();
      synchronized (lines) {
        for (String l : lines) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9a-f-]{36}) \\(end_time ").matcher(l);
          while (m.find()) {
            out.add(m.group(1));
          }
        }
        lines.clear();
      }
      return out;
    }

    @Override
    public void close() {
      logger.removeAppender(appender);
      appender.stop();
    }
  }

  @Test
  void aCdrMadeVisibleThreeHoursAfterItEndedIsCountedAndNamedNotLostSilently(@TempDir Path tmp) throws Exception {
    // 30% of the CDRs become visible 1 to 240 minutes after they end; the stream waits 5 minutes, checks 4 hours
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(12).callsPerDay(3_000).now(T1)
        .lateArrival(0.3, 240).rateLimitOff().build());
        LateWarnings warnings = new LateWarnings()) {
      Instant start = T1.minus(Duration.ofMinutes(30));
      Instant firstEnd = T1.minus(Duration.ofMinutes(5));
      Map<String, String> o = options(api, start, "5m");
      o.put("late_check_horizon", "4h");
      availableNow(o, tmp.resolve("out"), tmp.resolve("chk"));
      Set<String> before = truth(api, start, firstEnd);
      // a run an hour, each checking every window read an hour or more before
      Map<Integer, Set<String>> namedByRun = new HashMap<>();
      long counted = 0;
      for (int run = 1; run <= 4; run++) {
        api.setNow(T1.plus(Duration.ofHours(run)));
        StreamingQuery q = availableNow(o, tmp.resolve("out"), tmp.resolve("chk"));
        counted += maxMetric(q, "lateCdrs");
        namedByRun.put(run, warnings.named());
      }
      // the CDRs of the first window that became visible between the third and the fourth hour: 3 h 5 min or more late
      Set<String> threeHoursLate = truth(api, start, firstEnd);
      api.setNow(T1.plus(Duration.ofHours(3)));
      threeHoursLate.removeAll(truth(api, start, firstEnd));
      api.setNow(T1.plus(Duration.ofHours(4)));
      assertThat(threeHoursLate).as("the seed makes CDRs of the first window visible more than 3 hours after they ended")
          .isNotEmpty();
      assertThat(namedByRun.get(4)).as("named by the check after they appeared").containsAll(threeHoursLate);
      for (int run = 1; run <= 3; run++) {
        assertThat(namedByRun.get(run)).as("run " + run).doesNotContainAnyElementsOf(threeHoursLate);
      }
      // every CDR of the windows checked (read up to an hour before the last check) that the stream did not emit: each
      // named once and counted once, nothing more
      Instant checkedTo = T1.plus(Duration.ofHours(3)).minus(Duration.ofMinutes(5));
      Set<String> missed = truth(api, start, checkedTo);
      List<String> emitted = uuids(tmp.resolve("out"));
      assertThat(emitted).doesNotHaveDuplicates();
      missed.removeAll(emitted);
      Set<String> named = new HashSet<>();
      namedByRun.values().forEach(n -> {
        assertThat(named).doesNotContainAnyElementsOf(n);
        named.addAll(n);
      });
      assertThat(named).isEqualTo(missed);
      assertThat(counted).isEqualTo(missed.size());
      assertThat(before).doesNotContainAnyElementsOf(missed);
      System.out.println("late arrivals over 4 hours: " + missed.size() + " CDRs named and counted, " + threeHoursLate.size()
          + " of them more than 3 hours after they ended");
    }
  }

  /** The CDRs of {@code [from, to)} the API lists at {@code at} (the emulator's clock is put back after). */
  static long visibleAt(ZentrunkEmulator api, Instant at, Instant from, Instant to) {
    Instant was = api.now();
    api.setNow(at);
    try {
      return api.groundTruthCount(from, to);
    } finally {
      api.setNow(was);
    }
  }

  @Test
  void aCdrThatAppearsAfterTheHorizonIsWarnedOnceWithItsDayAndTheCountAndQuietDaysAreNot(@TempDir Path tmp)
      throws Exception {
    // 30% of the CDRs become visible 1 to 120 minutes after they end; the stream waits 5 minutes and checks 1 hour:
    // a window is counted once, an hour after it was read, then only its day is. The stream starts an hour before a
    // midnight, so that two days are past the horizon and counted in turn.
    Instant midnight = Instant.parse("2026-10-28T00:00:00Z");
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(12).callsPerDay(10_000).now(midnight)
        .lateArrival(0.3, 120).rateLimitOff().build());
        LateWarnings warnings = new LateWarnings()) {
      Map<String, String> o = options(api, midnight.minus(Duration.ofHours(1)), "5m");
      o.put("late_check_horizon", "1h");
      availableNow(o, tmp.resolve("out"), tmp.resolve("chk")); // reads [23:00, 23:55)
      java.util.regex.Pattern afterHorizon = java.util.regex.Pattern.compile(
          "^(\\d+) CDRs that ended on (\\S+) \\(UTC\\) appeared after the late-check horizon \\(1 hour\\)");
      Map<Integer, List<String>> warnedByRun = new HashMap<>();
      Map<Integer, Long> metricByRun = new HashMap<>();
      for (int run = 1; run <= 5; run++) {
        api.setNow(midnight.plus(Duration.ofHours(run)));
        warnings.lines.clear();
        StreamingQuery q = availableNow(o, tmp.resolve("out"), tmp.resolve("chk"));
        metricByRun.put(run, maxMetric(q, "lateCdrsAfterHorizon"));
        List<String> found = new ArrayList<>();
        synchronized (warnings.lines) {
          for (String l : warnings.lines) {
            java.util.regex.Matcher m = afterHorizon.matcher(l);
            if (m.find()) {
              found.add(m.group(2) + " +" + m.group(1));
            }
            assertThat(l).as("no day counts fewer").doesNotContain("fewer than when last counted");
          }
        }
        warnedByRun.put(run, found);
      }
      // the checks by run (the hour after midnight): 1 forgets [23:00, 23:55) and counts the 27th; 2 forgets
      // [23:55, 00:55) (split at midnight) and counts the 28th; 3 forgets [00:55, 01:55) and counts the 27th again; 4
      // forgets [01:55, 02:55) and counts the 28th again; 5 counts the 27th again. A span's count is compared with
      // what it held when last counted (a window's last count is its day's until the day is counted).
      Instant h23 = midnight.minus(Duration.ofHours(1));
      Instant h2355 = midnight.minus(Duration.ofMinutes(5));
      Instant h0055 = midnight.plus(Duration.ofMinutes(55));
      Instant h0155 = midnight.plus(Duration.ofMinutes(115));
      java.util.function.IntFunction<Instant> at = r -> midnight.plus(Duration.ofHours(r));
      long day27 = visibleAt(api, at.apply(3), h23, h2355) - visibleAt(api, at.apply(1), h23, h2355)
          + visibleAt(api, at.apply(3), h2355, midnight) - visibleAt(api, at.apply(2), h2355, midnight);
      long day28 = visibleAt(api, at.apply(4), midnight, h0055) - visibleAt(api, at.apply(2), midnight, h0055)
          + visibleAt(api, at.apply(4), h0055, h0155) - visibleAt(api, at.apply(3), h0055, h0155);
      assertThat(day27).as("the seed makes CDRs of the 27th appear after the horizon").isPositive();
      assertThat(day28).as("the seed makes CDRs of the 28th appear after the horizon").isPositive();
      assertThat(visibleAt(api, at.apply(5), h23, midnight)).as("the 27th is quiet after 02:00 (120 minutes at most)")
          .isEqualTo(visibleAt(api, at.apply(3), h23, midnight));

      assertThat(warnedByRun.get(1)).as("run 1: the 27th's first count").isEmpty();
      assertThat(warnedByRun.get(2)).as("run 2: the 28th's first count").isEmpty();
      assertThat(warnedByRun.get(3)).containsExactly("2026-10-27 +" + day27);
      assertThat(warnedByRun.get(4)).containsExactly("2026-10-28 +" + day28);
      assertThat(warnedByRun.get(5)).as("run 5: the 27th again, quiet: not warned again").isEmpty();
      assertThat(metricByRun).containsEntry(1, 0L).containsEntry(2, 0L).containsEntry(3, day27).containsEntry(4, day28)
          .containsEntry(5, 0L);
      System.out.println("late arrivals after a 1-hour horizon: " + day27 + " CDRs of the 27th and " + day28
          + " of the 28th, each warned once with its day");
    }
  }

  @Test
  void aProcessingTimeQueryFollowsAnAcceleratedClockExactly(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(9).callsPerDay(20_000).now(T1)
        .rateLimitOff().build())) {
      Instant start = T1.minus(Duration.ofMinutes(30));
      api.recordListQueries();
      api.runClock(120); // two emulated minutes a second
      StreamingQuery q = spark.readStream().format("zentrunk").options(options(api, start, "2 minutes")).load()
          .writeStream().format("parquet").option("checkpointLocation", tmp.resolve("chk").toString())
          .trigger(Trigger.ProcessingTime("1 second")).start(tmp.resolve("out").toString());
      // until the offset is 6 emulated minutes past the clock's start after at least 3 batches with rows: observed
      // in the query's progress, not slept for
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!(rowBatches(q) >= 3 && lastEnd(q).isAfter(T1.plus(Duration.ofMinutes(6))))) {
        assertThat(q.exception().isEmpty()).as("the query failed: " + q.exception()).isTrue();
        assertThat(System.nanoTime()).as("3 batches past " + T1.plus(Duration.ofMinutes(6)) + " within 2 minutes").isLessThan(deadline);
        Thread.sleep(50);
      }
      q.stop();
      api.runClock(0);
      StreamingQueryProgress last = java.util.Arrays.stream(q.recentProgress()).filter(p -> p.numInputRows() > 0)
          .reduce((a, b) -> b).orElseThrow();
      Instant end = Instant.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(last.sources()[0].endOffset())
          .get("end_time").asText());
      long batches = java.util.Arrays.stream(q.recentProgress()).filter(p -> p.numInputRows() > 0).count();
      System.out.println("accelerated clock: " + batches + " batches, the offset reached " + end + " (clock started at " + T1 + ")");
      assertThat(end).isAfter(T1.plus(Duration.ofMinutes(5)));
      assertThat(batches).isGreaterThanOrEqualTo(3);
      List<String> got = uuids(tmp.resolve("out"));
      assertThat(got).doesNotHaveDuplicates();
      assertThat(new HashSet<>(got)).isEqualTo(truth(api, start, end));
      assertRequestsPerTrigger(q, api.listQueries(), batches);
    }
  }

  static long rowBatches(StreamingQuery q) {
    return java.util.Arrays.stream(q.recentProgress()).filter(p -> p.numInputRows() > 0).count();
  }

  /** The end offset of the query's latest batch with rows (the epoch before any). */
  static Instant lastEnd(StreamingQuery q) throws Exception {
    StreamingQueryProgress last = java.util.Arrays.stream(q.recentProgress()).filter(p -> p.numInputRows() > 0)
        .reduce((a, b) -> b).orElse(null);
    return last == null ? Instant.EPOCH : Instant.parse(new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(last.sources()[0].endOffset()).get("end_time").asText());
  }

  /**
   * The requests of a processing-time query by purpose, from the emulator's log: each batch's window had its first page
   * asked at most twice (the planning probe, and the reader's when the probe did not hold the whole window), however
   * many times Spark planned the batch; one-record requests (the clock probe, or a due re-count) at most one a trigger.
   */
  static void assertRequestsPerTrigger(StreamingQuery q, List<String> queries, long batches) throws Exception {
    List<Map<String, String>> asked = queries.stream().map(StreamIT::params).toList();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    int windows = 0;
    for (StreamingQueryProgress p : q.recentProgress()) {
      if (p.numInputRows() == 0 || p.sources()[0].startOffset() == null) {
        continue;
      }
      String from = filterTime(json.readTree(p.sources()[0].startOffset()).get("end_time").asText());
      String to = filterTime(json.readTree(p.sources()[0].endOffset()).get("end_time").asText());
      long firstPages = asked.stream().filter(a -> from.equals(a.get("end_time__gte")) && to.equals(a.get("end_time__lt"))
          && "0".equals(a.get("offset")) && !"1".equals(a.get("limit"))).count();
      assertThat(firstPages).as("page 0 of the batch [" + from + ", " + to + ")").isBetween(1L, 2L);
      windows++;
    }
    assertThat(windows).isGreaterThanOrEqualTo(2);
    long oneRecord = asked.stream().filter(a -> "1".equals(a.get("limit"))).count();
    // + 2: the start of the query, and a trigger that probed the clock as the query was stopped
    assertThat(oneRecord).as("clock probes and re-counts in " + batches + " triggers").isLessThanOrEqualTo(batches + 2);
    System.out.println("requests per trigger: " + queries.size() + " list requests in " + batches + " batches, "
        + oneRecord + " of one record");
  }

  static Map<String, String> params(String rawQuery) {
    Map<String, String> m = new HashMap<>();
    for (String kv : rawQuery.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        m.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return m;
  }

  /** An offset's instant as the API's filters write it. */
  static String filterTime(String isoInstant) {
    return io.zentrunk.spark.client.ApiTime.formatFilter(io.zentrunk.spark.client.ApiTime.toMicros(Instant.parse(isoInstant)));
  }

  @Test
  void badOptionsFailInOneLineBeforeAnyRequest() {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().now(T1).rateLimitOff().build())) {
      Map<String, String> o = options(api, T1.minus(Duration.ofHours(1)), "soon");
      assertThatThrownBy(() -> spark.readStream().format("zentrunk").options(o).load())
          .hasMessageContaining("Option 'lag' must be a duration such as '30s'")
          .hasMessageNotContaining("\n");
      o.put("lag", "2 minutes");
      o.put("max_requests_per_trigger", "0");
      assertThatThrownBy(() -> spark.readStream().format("zentrunk").options(o).load())
          .hasMessageContaining("Option 'max_requests_per_trigger' must be from 1 to 1000000, not 0");
      assertThat(api.stats().requests()).isZero();
    }
  }

  /** The stream into Parquet files or an Iceberg table, killed (SIGKILL) inside a batch and right after one, then run to the end. */
  @Test
  void killedAndRestartedTheParquetOutputHoldsEveryCdrOnce(@TempDir Path tmp) throws Exception {
    killAndRestart(tmp, "parquet");
  }

  @Test
  void killedAndRestartedTheIcebergTableHoldsEveryCdrOnce(@TempDir Path tmp) throws Exception {
    killAndRestart(tmp, "iceberg");
  }

  static void killAndRestart(Path tmp, String sink) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(33).callsPerDay(20_000).now(T1)
        .rateLimitOff().latency(Duration.ofMillis(20), Duration.ofMillis(5)).build())) {
      Instant start = T1.minus(Duration.ofHours(2));
      Path out = tmp.resolve("out");
      Path chk = tmp.resolve("chk");
      if (sink.equals("iceberg")) {
        org.apache.iceberg.Schema schema = org.apache.iceberg.spark.SparkSchemaUtil.convert(CdrSchema.SCHEMA);
        new org.apache.iceberg.hadoop.HadoopTables(spark.sparkContext().hadoopConfiguration())
            .create(schema, org.apache.iceberg.PartitionSpec.unpartitioned(), out.toString());
      }
      Random random = new Random();
      // kills 0 and 2: inside batch k (its offset logged, its commit not); kill 1: after batch k committed
      for (int attempt = 0; attempt < 3; attempt++) {
        Path log = tmp.resolve("run" + attempt + ".log");
        boolean inside = attempt != 1;
        // a batch not begun yet (a killed batch's offset stays logged: the next run replays it first)
        long k = last(chk.resolve(inside ? "offsets" : "commits")) + 1 + random.nextInt(2);
        Path point = chk.resolve(inside ? "offsets" : "commits").resolve(Long.toString(k));
        Path commit = chk.resolve("commits").resolve(Long.toString(k));
        Process p = child(api, sink, out, chk, start, log);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(point)) {
          assertThat(p.isAlive()).as("the run ended before its kill point (batch " + k + "): " + Files.readString(log)).isTrue();
          assertThat(System.nanoTime()).as("kill point not reached in 3 minutes").isLessThan(deadline);
          Thread.sleep(1);
        }
        if (inside) {
          // Batch k has logged its offset; it still has to plan (one request) and read pages, each taking at least
          // 15 ms: answers that now take 30 s hold it inside the batch until the kill, for certain.
          api.setLatency(Duration.ofSeconds(30), Duration.ZERO);
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
        api.setLatency(Duration.ofMillis(20), Duration.ofMillis(5));
        assertThat(p.exitValue()).as("killed, not finished").isNotZero();
        if (inside) {
          assertThat(commit).as("killed inside batch " + k).doesNotExist();
        }
        System.out.println(sink + ": killed " + (inside ? "inside batch " : "after the commit of batch ") + k);
      }
      Process p = child(api, sink, out, chk, start, tmp.resolve("final.log"));
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(Files.readString(tmp.resolve("final.log"))).contains("done");
      List<String> got = (sink.equals("iceberg") ? spark.read().format("iceberg").load(out.toString()) : spark.read().parquet(out.toString()))
          .select("call_uuid").collectAsList().stream().map(r -> r.getString(0)).toList();
      Set<String> truth = truth(api, start, T1.minus(Duration.ofMinutes(2)));
      assertThat(got).hasSize(truth.size()).doesNotHaveDuplicates();
      assertThat(new HashSet<>(got)).isEqualTo(truth);
    }
  }

  /** The highest batch number logged in a checkpoint's offsets or commits folder, or -1. */
  static long last(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return -1;
    }
    try (var s = Files.list(dir)) {
      return s.map(f -> f.getFileName().toString()).filter(n -> n.matches("\\d+")).mapToLong(Long::parseLong).max().orElse(-1);
    }
  }

  static Process child(ZentrunkEmulator api, String sink, Path out, Path chk, Instant start, Path log) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")).toList());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StreamToSink.class.getName(), sink, out.toString(),
        chk.toString(), api.baseUrl(), api.config().authId(), api.config().authToken(), start.toString(), "10"));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
  }
}
