package io.zentrunk.spark.source;

import io.zentrunk.spark.testing.SourceReads;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.EmulatorStats;
import io.zentrunk.spark.emulator.Faults;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix: each fault alone and all together over a window of at least 20,000 CDRs,
 * the exact ground truth required, figures printed per scenario. Also late arrivals on a live
 * clock, a task killed mid-partition, an outage longer than the retry budget, and the heap of
 * a 1,000,000-record read.
 */
class ReliabilityIT {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant FROM = Instant.parse("2026-10-20T10:00:00Z");
  static final Instant TO = Instant.parse("2026-10-20T13:00:00Z");

  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ReliabilityIT")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static EmulatorConfig.Builder account() {
    return EmulatorConfig.builder().seed(11).callsPerDay(75_000).now(NOW).rateLimitOff();
  }

  /** The connector's own metrics of the scan that ran (summed over tasks). */
  static Map<String, Long> scanMetrics(Dataset<Row> df) {
    Map<String, Long> out = new TreeMap<>();
    Deque<SparkPlan> todo = new ArrayDeque<>();
    todo.add(df.queryExecution().executedPlan());
    while (!todo.isEmpty()) {
      SparkPlan p = todo.poll();
      if (p instanceof AdaptiveSparkPlanExec a) {
        todo.add(a.executedPlan());
      }
      if (p instanceof BatchScanExec b) {
        Map<String, SQLMetric> m = scala.jdk.javaapi.CollectionConverters.asJava(b.metrics());
        m.forEach((k, v) -> out.merge(k, v.value(), Long::sum));
      }
      scala.jdk.javaapi.CollectionConverters.asJava(p.children()).forEach(todo::add);
    }
    return out;
  }

  /** What a scenario measured: the emulator's counters and the scan's metrics. */
  record Figures(EmulatorStats emulator, Map<String, Long> scan) {
    long retries() {
      return scan.getOrDefault("retries", 0L);
    }

    /**
     * The readers retried. (Not bounded by the failures the emulator counted: on a loaded machine
     * a slow answer can pass request_timeout_ms and be retried without any injected fault.)
     */
    void assertRetriesAnswerFailures() {
      assertThat(retries()).as("retries by the readers").isPositive();
    }
  }

  /** Reads FROM..TO with the given faults and options, requires the exact ground truth, prints and returns figures. */
  static Figures scenario(String name, Consumer<EmulatorConfig.Builder> faults, Map<String, String> extra) {
    EmulatorConfig.Builder b = account();
    faults.accept(b);
    try (ZentrunkEmulator api = ZentrunkEmulator.start(b.build())) {
      List<EmulatedCall> truth = api.groundTruth(FROM, TO);
      assertThat(truth.size()).isGreaterThanOrEqualTo(20_000);
      Map<String, String> o = SourceReads.options(api, FROM, TO);
      o.put("partition_records", "2500");
      o.put("request_timeout_ms", "1000");
      o.put("max_retries", "12");
      o.putAll(extra);
      api.resetStats();
      long began = System.nanoTime();
      Dataset<Row> df = SourceReads.read(o);
      SourceReads.assertExactly(df, truth);
      long ms = (System.nanoTime() - began) / 1_000_000;
      EmulatorStats s = api.stats();
      Map<String, Long> m = scanMetrics(df);
      System.out.printf("fault scenario %-28s CDRs %6d  requests %5d  retries %4d  429s %4d  faults %4d  rereads %d  wall %6d ms  status %s%n",
          name, truth.size(), s.requests(), m.getOrDefault("retries", -1L), s.rateLimited(), s.faultsInjected(),
          m.getOrDefault("rereads", -1L), ms, s.byStatus());
      return new Figures(s, m);
    }
  }

  @Test
  void serverErrorsAtTenPercentJsonAndHtml() {
    Figures f = scenario("5xx 10% (JSON+HTML)", b -> b.faults(Faults.builder().http500(0.034).http502(0.033).http503(0.033)
        .htmlErrorShare(0.5).build()), Map.of());
    // About 10% of at least 1,000 requests: each status is seen.
    assertThat(f.emulator().status(500)).isPositive();
    assertThat(f.emulator().status(502)).isPositive();
    assertThat(f.emulator().status(503)).isPositive();
    assertThat(f.emulator().status(500) + f.emulator().status(502) + f.emulator().status(503)).isEqualTo(f.emulator().faultsInjected());
    f.assertRetriesAnswerFailures();
  }

  @Test
  void resetsAndTruncatedBodiesAtFivePercent() {
    Figures f = scenario("resets+truncated 5%", b -> b.faults(Faults.builder().connectionReset(0.025).truncatedBody(0.025).build()), Map.of());
    assertThat(f.emulator().connectionResets()).isPositive();
    assertThat(f.emulator().truncatedBodies()).isPositive();
    f.assertRetriesAnswerFailures();
  }

  @Test
  void stallsPastTheClientTimeout() {
    Figures f = scenario("stalls 2% (> timeout)", b -> b.faults(Faults.builder().stall(0.02).stallDuration(Duration.ofSeconds(10)).build()), Map.of());
    assertThat(f.emulator().stalls()).isPositive();
    f.assertRetriesAnswerFailures();
  }

  @Test
  void rateLimitFarBelowTheBudget() {
    // The account's other clients leave 50 requests a second; the connector is told 250.
    Figures f = scenario("429: limit 50/s, budget 250/s", b -> b.rateLimit(50, Duration.ofSeconds(1)),
        Map.of("request_budget", "250", "budget_window_ms", "1000"));
    assertThat(f.emulator().rateLimited()).as("the scenario must meet the limit").isPositive();
    assertThat(f.emulator().faultsInjected()).isZero();
    assertThat(f.scan().getOrDefault("throttled", 0L)).as("429s seen by the readers").isPositive();
    f.assertRetriesAnswerFailures();
  }

  @Test
  void everyFaultTogether() {
    Figures f = scenario("all together", b -> b.rateLimit(100, Duration.ofSeconds(1)).latency(Duration.ofMillis(5), Duration.ofMillis(5))
            .faults(Faults.builder().http500(0.034).http502(0.033).http503(0.033).connectionReset(0.025).truncatedBody(0.025)
                .stall(0.01).stallDuration(Duration.ofSeconds(10)).build()),
        Map.of("request_budget", "300", "budget_window_ms", "1000"));
    assertThat(f.emulator().rateLimited()).as("a budget of 300/s meets a limit of 100/s").isPositive();
    assertThat(f.emulator().faultsInjected()).isPositive();
    f.assertRetriesAnswerFailures();
  }

  @Test
  void lateArrivalsWhileReadingAreNeverASilentGap() {
    // Time passes during the read, deterministically: the emulator's clock jumps 3 minutes when
    // half of the read's pages have been asked for, so late CDRs of the window appear mid-read
    // (some on pages already read). With a live clock this would depend on how fast the machine reads.
    Instant start = Instant.now();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(5).callsPerDay(1_500_000).now(start)
        .lateArrival(0.3, 5).rateLimitOff().build())) {
      Instant to = start.minusSeconds(20);
      Instant from = to.minus(Duration.ofMinutes(30));
      while (api.groundTruthCount(from, to) < 20_000 && from.isAfter(to.minus(Duration.ofHours(6)))) {
        from = from.minus(Duration.ofMinutes(30));
      }
      Set<String> before = api.groundTruth(from, to).stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
      Map<String, String> o = SourceReads.options(api, from, to);
      o.put("partition_records", "2000");
      o.put("max_rereads", "10");
      long stepAt = before.size() / 20 / 2;
      api.resetStats();
      api.advanceClockAfter(stepAt, Duration.ofMinutes(3));
      Dataset<Row> df = SourceReads.read(o);
      List<String> got = df.select("call_uuid").collectAsList().stream().map(r -> r.getString(0)).toList();
      Set<String> after = api.groundTruth(from, to).stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
      Set<String> distinct = new HashSet<>(got);
      Map<String, Long> m = scanMetrics(df);
      System.out.printf("fault scenario %-28s CDRs %6d (before %d, after %d)  rereads %d%n", "late arrivals (mid-read)",
          got.size(), before.size(), after.size(), m.getOrDefault("rereads", -1L));
      assertThat(api.stats().listRequests()).as("the clock moved while pages were still being read").isGreaterThan(stepAt);
      assertThat(after.size()).as("CDRs must arrive during the read for this test to mean anything").isGreaterThan(before.size());
      assertThat(distinct).as("no duplicates").hasSize(got.size());
      // Set differences, not AssertJ's containsAll: that compares element by element, O(n^2) for 60,000 CDRs (minutes).
      assertThat(before.stream().filter(u -> !distinct.contains(u)).toList()).as("everything visible when the read began").isEmpty();
      assertThat(distinct.stream().filter(u -> !after.contains(u)).toList()).as("nothing that is not in the window").isEmpty();
    }
  }

  @Test
  void aTaskKilledMidPartitionIsRetriedExactly() {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(account().latency(Duration.ofMillis(20), Duration.ofMillis(5)).build())) {
      List<EmulatedCall> truth = api.groundTruth(FROM, TO);
      Map<String, String> o = SourceReads.options(api, FROM, TO);
      o.put("partition_records", "3000");
      o.put("concurrency", "2");
      AtomicInteger killed = new AtomicInteger();
      AtomicBoolean armed = new AtomicBoolean(true);
      SparkListener killer = new SparkListener() {
        @Override
        public void onTaskStart(SparkListenerTaskStart start) {
          if (start.taskInfo().index() == 1 && start.taskInfo().attemptNumber() == 0 && armed.getAndSet(false)) {
            long id = start.taskInfo().taskId();
            new Thread(() -> {
              try {
                Thread.sleep(400);
              } catch (InterruptedException e) {
                return;
              }
              spark.sparkContext().killTaskAttempt(id, true, "killed by ReliabilityIT mid-partition");
            }).start();
          }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
          if (end.reason() instanceof TaskKilled) {
            killed.incrementAndGet();
          }
        }
      };
      spark.sparkContext().addSparkListener(killer);
      try {
        SourceReads.assertExactly(SourceReads.read(o), truth);
      } finally {
        spark.sparkContext().removeSparkListener(killer);
      }
      System.out.printf("fault scenario %-28s CDRs %6d  tasks killed %d%n", "task killed mid-partition", truth.size(), killed.get());
      assertThat(killed.get()).as("a task attempt was killed").isEqualTo(1);
    }
  }

  @Test
  void anOutageLongerThanTheRetryBudgetFailsClearly() {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(account().faults(Faults.builder().http503(1.0).htmlErrorShare(1.0).build()).build())) {
      Map<String, String> o = SourceReads.options(api, FROM, TO);
      o.put("max_retries", "2");
      assertThatThrownBy(() -> SourceReads.read(o).collectAsList())
          .hasMessageContaining("gave up after 3 attempts (option max_retries)")
          .hasMessageContaining("server error 503");
      assertThat(api.stats().requests()).isEqualTo(3);
    }
  }

  @Test
  void aMillionRecordReadKeepsTheHeapBounded() throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(3).callsPerDay(1_000_000).now(NOW)
        .rateLimitOff().build())) {
      Instant from = Instant.parse("2026-10-21T00:00:00Z");
      Instant to = from.plus(Duration.ofDays(1));
      long n = api.groundTruthCount(from, to);
      assertThat(n).isGreaterThanOrEqualTo(1_000_000);
      // The read runs in a JVM of its own whose heap (512 MB, the least Spark starts with) holds far less than a million
      // CDRs as rows (about 1 KB each): it can only finish if partitions stream.
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
          .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")).toList());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HeapProbe.class.getName(), api.baseUrl(),
          api.config().authId(), api.config().authToken(), from.toString(), to.toString(), NOW.toString()));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
      System.out.println("heap: " + out.trim() + " (a 1M-CDR read in a JVM of -Xmx512m; emulator in another JVM)");
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("rows=" + n + " ");
    }
  }
}
