package io.zentrunk.spark.cluster;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorStats;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.source.ExecutorWarmUp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import static io.zentrunk.spark.cluster.ClusterFixture.BUDGET;
import static io.zentrunk.spark.cluster.ClusterFixture.FROM;
import static io.zentrunk.spark.cluster.ClusterFixture.NOW;
import static io.zentrunk.spark.cluster.ClusterFixture.TO;
import static io.zentrunk.spark.cluster.ClusterFixture.appJar;
import static io.zentrunk.spark.cluster.ClusterFixture.between;
import static io.zentrunk.spark.testing.TestFiles.deleteRecursively;
import static io.zentrunk.spark.cluster.ClusterFixture.epochToNanos;
import static io.zentrunk.spark.cluster.ClusterFixture.peak;
import static io.zentrunk.spark.cluster.ClusterFixture.tail;
import static org.apache.spark.sql.functions.sum;

/**
 * The connector on a real Spark standalone cluster: a master and workers of one core each, every
 * executor its own JVM, the emulator (300 requests per 5 s, 100 ms ± 30 ms) in this JVM, no
 * {@code spark.cores.max}, and the second worker started only once reading has begun, so the
 * executors register at different times. The report job (through {@code SparkSubmit}, client
 * mode) and one application that reads 14 times must give the ground truth's results while no
 * 5-second window of the emulator's request log holds more than the one budget of the
 * application (the executors lease it from the driver's permit service).
 */
class ClusterIT {

  static final Path WORK = Path.of("target", "cluster-it").toAbsolutePath();
  /**
   * The least whole-scan rate accepted, as a share of the budget (measured: see docs/cluster.md).
   */
  static final double SCAN_EFFICIENCY_MIN = 0.85;
  @Test
  void reportOnTwoWorkersWithinOneAccountBudget() throws Exception {
    deleteRecursively(WORK);
    Files.createDirectories(WORK);
    Path eventLogs = Files.createDirectories(WORK.resolve("event-logs"));
    Path output = WORK.resolve("report");
    try (ZentrunkEmulator api = ClusterFixture.emulator(11);
        // one worker now, the second once the read has begun: executors register at different times
        StandaloneCluster cluster = StandaloneCluster.start("cluster-it", 1)) {
      List<EmulatedCall> truth = api.groundTruth(FROM, TO);
      assertThat(truth.size()).isGreaterThan(25_000);
      api.resetStats();
      api.recordArrivals();

      // as docs/cluster.md documents it (spark-submit = SparkSubmit with the Spark jars on the classpath)
      List<String> submit = List.of(
          "--master", cluster.masterUrl(),
          "--deploy-mode", "client",
          "--conf", "spark.driver.host=127.0.0.1",
          "--conf", "spark.executor.memory=768m",
          "--conf", "spark.ui.enabled=false",
          "--conf", "spark.eventLog.enabled=true",
          "--conf", "spark.eventLog.compress=false",
          "--conf", "spark.eventLog.dir=" + eventLogs.toUri(),
          "--class", "io.zentrunk.spark.jobs.Main",
          appJar().toString(),
          "report", "--start", FROM.toString(), "--end", TO.toString(), "--output", output.toUri().toString(),
          "--api-url", api.baseUrl(), "--source-option", "partition_records=2000",
          // one read of the window is what this test measures; the fraud baseline's extra read is ReportKpisIT's
          "--no-fraud-baseline-read");
      Map<String, String> env = Map.of("PLIVO_AUTH_ID", api.config().authId(),
          "PLIVO_AUTH_TOKEN", api.config().authToken());
      // the emulator's list-request counter, sampled: the rate the cluster sustained
      List<long[]> samples = new CopyOnWriteArrayList<>();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      boolean[] added = {false};
      sampler.scheduleAtFixedRate(() -> {
        long n = api.stats().listRequests();
        samples.add(new long[] {System.nanoTime(), n});
        if (n > 0 && !added[0]) {
          added[0] = true;
          cluster.addWorker(); // the driver is planning: the second executor comes during the read
        }
      }, 0, 250, TimeUnit.MILLISECONDS);
      long began = System.nanoTime();
      Process driver = cluster.start("driver", List.of("-Xmx768m"), "org.apache.spark.deploy.SparkSubmit", submit, env);
      // 2.5 minutes on a quiet machine; more than 4 when five other builds share its two cores
      boolean done = driver.waitFor(8, TimeUnit.MINUTES);
      long wallMs = (System.nanoTime() - began) / 1_000_000;
      sampler.shutdownNow();
      String driverLog = Files.readString(cluster.logs().resolve("driver.log"));
      assertThat(done).as("driver finished in 8 minutes; logs: %s", cluster.logs()).isTrue();
      assertThat(driver.exitValue()).as("driver exit code; tail of its log:\n%s", tail(driverLog, 60)).isZero();
      EmulatorStats stats = api.stats();

      // (a) the report is the ground truth's: calls and amount per end_date, direction, hangup source and cause
      Map<String, String> expected = new TreeMap<>();
      truth.stream().collect(Collectors.groupingBy(c -> String.join("|", LocalDate.ofInstant(c.endTime(), ZoneOffset.UTC)
              .toString(), c.callDirection(), c.hangupSource(), String.valueOf(c.hangupCauseCode())), TreeMap::new,
          Collectors.toList())).forEach((k, calls) -> expected.put(k, calls.size() + " calls, USD "
              + calls.stream().map(EmulatedCall::totalAmount).reduce(BigDecimal.ZERO, BigDecimal::add).stripTrailingZeros()
                  .toPlainString()));
      Map<String, String> actual = new TreeMap<>();
      long countriesCalls;
      SparkSession local = SparkSession.builder().master("local[1]").appName("ClusterIT-check")
          .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate();
      try {
        for (Row r : local.read().parquet(output.resolve("hangup_causes").toString())
            .select("end_date", "call_direction", "hangup_source", "hangup_cause_code", "calls", "amount")
            .collectAsList()) {
          actual.put(String.join("|", r.get(0).toString(), r.getString(1), r.getString(2), String.valueOf(r.get(3))),
              r.getLong(4) + " calls, USD " + r.getDecimal(5).stripTrailingZeros().toPlainString());
        }
        countriesCalls = local.read().parquet(output.resolve("countries").toString()).agg(sum("calls")).first().getLong(0);
      } finally {
        local.stop();
      }
      assertThat(actual).isEqualTo(expected);
      assertThat(countriesCalls).isEqualTo(truth.size());
      assertThat(driverLog).contains("Calls: " + truth.size());

      // (b) both workers' executors read partitions
      EventLog log = EventLog.read(eventLogs);
      assertThat(log.scanTasks).isNotEmpty();
      Map<String, Long> tasksByExecutor = log.scanTasks.stream()
          .collect(Collectors.groupingBy(t -> t.executorId(), TreeMap::new, Collectors.counting()));
      Set<Integer> workersThatRead = new HashSet<>();
      for (String e : tasksByExecutor.keySet()) {
        workersThatRead.add(log.executorWorkerUiPort.getOrDefault(e, -1));
      }
      long readStart = log.scanTasks.stream().mapToLong(t -> t.launch()).min().orElseThrow();
      long readEnd = log.scanTasks.stream().mapToLong(t -> t.finish()).max().orElseThrow();
      long readMs = readEnd - readStart;
      long executorRequests = log.scanTasks.stream().mapToLong(t -> t.apiRequests()).sum();
      double budgetRate = BUDGET / 5.0;
      double rate = executorRequests * 1000.0 / readMs;
      long[] arrivals = api.arrivals();
      int peak = peak(arrivals);
      // the whole scan, first page request to last, from the executors' first task on (the driver's planning
      // and the first executor's JVM start come before it)
      long[] scan = between(arrivals, epochToNanos(readStart), epochToNanos(readEnd));
      double scanRate = rate(scan);
      double sustained = bestRate(samples, Duration.ofSeconds(20));
      String summary = String.format(Locale.ROOT,
          "cluster: %d CDRs; %d list requests (%d by executors, %d planning); peak %d per 5 s (budget %d); %d x 429; "
              + "scan tasks %.1f s at %.1f requests/s = %.0f%% of the budget (executor JVM start-up included); "
              + "whole scan, first page request to last: %d requests in %.1f s = %.1f requests/s = %.1f%%; "
              + "best 20 s: %.1f requests/s = %.0f%%; scan tasks per executor %s on worker UI ports %s of %s; "
              + "spark-submit to exit %.1f s; driver: %s",
          truth.size(), stats.listRequests(), executorRequests, stats.listRequests() - executorRequests,
          peak, BUDGET, stats.rateLimited(), readMs / 1000.0, rate, 100 * rate / budgetRate,
          scan.length, seconds(scan), scanRate, 100 * scanRate / budgetRate, sustained, 100 * sustained / budgetRate, tasksByExecutor, workersThatRead, cluster.workerUiPorts(),
          wallMs / 1000.0, budgetLine(driverLog));
      System.out.println(summary);
      Files.writeString(WORK.resolve("summary.txt"), summary + "\n");
      assertThat(tasksByExecutor).as(summary).hasSize(2);
      assertThat(workersThatRead).as(summary).containsExactlyInAnyOrderElementsOf(cluster.workerUiPorts());
      // the executors' warm-up, which the job installs: a job of one task per executor added (or registered before
      // it was installed), each of which compiled a CDR row's generated code and built the JVM's HTTP clients (of
      // the API, plain and TLS, and of the permit service) on its executor and sent no request; which executor
      // takes a task placed on an executor that the read keeps busy is the scheduler's choice, so not asserted
      assertThat(log.warmUps).as("warm-up tasks: %s; %s", log.warmUps, summary).hasSizeGreaterThanOrEqualTo(2)
          .allSatisfy(w -> {
            assertThat(w.success()).isTrue();
            assertThat(w.rowCodeBytes()).isPositive();
            assertThat(w.httpClients()).isGreaterThanOrEqualTo(2);
            assertThat(w.sentRequests()).isFalse();
          });

      // (c) one budget for the whole cluster, and the read used it
      assertThat(stats.rateLimited()).as(summary).isZero();
      // Every request of the application (the driver's planning and both executors') holds a permit of the driver's
      // one budget from before it starts until after it ends: no 5-second window at the API may hold more.
      assertThat(peak).as(summary).isLessThanOrEqualTo(BUDGET);
      assertThat(stats.peakRequestsPer5s()).as(summary).isLessThanOrEqualTo(BUDGET);
      assertThat(readMs).as(summary).isGreaterThan(25_000);
      assertThat(sustained).as(summary).isGreaterThanOrEqualTo(0.9 * budgetRate);
      // cold executors: JVM start-up and the second executor's arrival are inside this scan (the warm figure is
      // asserted in readsInOneApplicationHoldTheBudget)
      assertThat(scanRate).as(summary).isGreaterThanOrEqualTo(0.5 * budgetRate);

      List<ProcessHandle> started = cluster.alive();
      assertThat(started).as("master, 2 workers, 2 executors").hasSizeGreaterThanOrEqualTo(3);
      cluster.close();
      assertThat(started.stream().filter(ProcessHandle::isAlive).toList()).as("processes left after close").isEmpty();
    }
  }

  /**
   * One application that reads many times ({@link ClusterReadsApp}), no {@code spark.cores.max}, the second
   * worker started while the first read runs: ten reads in a row, two reads at once, a whole day alone (the
   * efficiency figure), and a read during which a worker and its executor are killed. Every result is the
   * ground truth's and no 5-second window of the emulator's request log holds more than the budget.
   */
  @Test
  void readsInOneApplicationHoldTheBudget() throws Exception {
    try (ZentrunkEmulator api = ClusterFixture.emulator(12);
        StandaloneCluster cluster = StandaloneCluster.start("cluster-it-reads", 1)) {
      api.resetStats();
      api.recordArrivals();
      Path log = cluster.logs().resolve("reads-driver.log");
      long began = System.nanoTime();
      Process driver = ClusterFixture.startDriver(cluster, api, "reads-driver", ClusterReadsApp.class.getName(),
          List.of(cluster.masterUrl(), api.baseUrl(), appJar().toString(), FROM.toString(), NOW.toString()));
      long deadline = began + TimeUnit.MINUTES.toNanos(10);
      awaitLine(log, "PHASE ten-0 START", driver, deadline);
      cluster.addWorker();
      awaitLine(log, "PHASE kill START", driver, deadline);
      long mark = api.stats().requests();
      while (api.stats().requests() < mark + 200 && driver.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      long killedAt = System.currentTimeMillis();
      cluster.killWorker(1);
      boolean done = driver.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      long wallMs = (System.nanoTime() - began) / 1_000_000;
      String out = Files.readString(log);
      assertThat(done).as("driver finished; logs: %s", cluster.logs()).isTrue();
      assertThat(driver.exitValue()).as("driver exit code; tail of its log:\n%s", tail(out, 60)).isZero();

      // exact results, every read
      Map<String, String[]> results = new TreeMap<>();
      Map<String, long[]> phases = new HashMap<>();
      Map<String, Integer> executorsAtStart = new HashMap<>();
      for (String line : out.lines().toList()) {
        String[] f = line.split(" ");
        if (f[0].equals("RESULT")) {
          results.put(f[1], f);
        } else if (f[0].equals("PHASE")) {
          long[] span = phases.computeIfAbsent(f[1], k -> new long[2]);
          span[f[2].equals("START") ? 0 : 1] = Long.parseLong(f[3]);
          if (f[2].equals("START")) {
            executorsAtStart.put(f[1], Integer.parseInt(f[4].substring("executors=".length())));
          }
        }
      }
      assertThat(results.keySet()).as(tail(out, 40)).containsExactlyInAnyOrder("ten-0", "ten-1", "ten-2", "ten-3", "ten-4",
          "ten-5", "ten-6", "ten-7", "ten-8", "ten-9", "concurrent-a", "concurrent-b", "pair-auto-a", "pair-auto-b",
          "pair-window-a", "pair-window-b", "scan", "kill");
      for (String[] f : results.values()) {
        String expected = ClusterFixture.truthLine(api, Instant.parse(f[2]), Instant.parse(f[3]));
        assertThat(f[4] + " " + f[5] + " " + f[6]).as("read %s: count, distinct call_uuids, sum of total_amount", f[1])
            .isEqualTo(expected);
        assertThat(expected).as(f[1]).doesNotStartWith("0 ");
      }

      // the budget, in every 5-second window of the whole application and of each phase
      long[] arrivals = api.arrivals();
      double budgetRate = BUDGET / 5.0;
      StringBuilder perRead = new StringBuilder();
      Map<String, Integer> peaks = new HashMap<>();
      for (String name : List.of("ten-0", "ten-1", "ten-2", "ten-3", "ten-4", "ten-5", "ten-6", "ten-7", "ten-8", "ten-9",
          "concurrent", "pair-auto", "pair-window", "scan", "kill")) {
        long[] span = phases.get(name);
        // the phase and the 5 s before it: a window straddling the boundary with the previous read counts too
        long[] a = between(arrivals, epochToNanos(span[0] - 5_000), epochToNanos(span[1] + 50));
        peaks.put(name, peak(a));
        perRead.append(String.format(Locale.ROOT, "%s peak %d (%d requests, executors at start %d); ", name, peak(a),
            between(arrivals, epochToNanos(span[0]), epochToNanos(span[1] + 50)).length, executorsAtStart.get(name)));
      }
      long[] scan = between(arrivals, epochToNanos(phases.get("scan")[0]), epochToNanos(phases.get("scan")[1] + 50));
      double scanRate = rate(scan);
      double scanBest = bestRate(scan, Duration.ofSeconds(20));
      EmulatorStats stats = api.stats();
      String summary = String.format(Locale.ROOT, "reads in one application: %d requests, peak %d per 5 s (budget %d; "
              + "%d for the ten in a row), %d x 429; %s whole-day scan alone (warm executors), first page request to "
              + "last: %d requests in %.1f s = %.1f requests/s = %.1f%% of the budget (best 20 s: %.1f%%); worker killed "
              + "%.1f s into the kill read; driver JVM %.1f s",
          arrivals.length, peak(arrivals), BUDGET, ClusterReadsApp.TEN_BUDGET, stats.rateLimited(), perRead, scan.length,
          seconds(scan), scanRate, 100 * scanRate / budgetRate, 100 * scanBest / budgetRate,
          (killedAt - phases.get("kill")[0]) / 1000.0, wallMs / 1000.0);
      System.out.println(summary);
      Files.createDirectories(WORK);
      Files.writeString(WORK.resolve("reads-summary.txt"), summary + "\n");
      assertThat(peak(arrivals)).as(summary).isLessThanOrEqualTo(BUDGET);
      assertThat(stats.peakRequestsPer5s()).as(summary).isLessThanOrEqualTo(BUDGET);
      assertThat(stats.rateLimited()).as(summary).isZero();
      for (int i = 0; i < 10; i++) {
        // each read in a row sends more requests than its budget of 100 and none of its windows holds more
        assertThat(peaks.get("ten-" + i)).as("ten-%d: %s", i, summary).isLessThanOrEqualTo(ClusterReadsApp.TEN_BUDGET);
      }
      // two reads of different settings at once (the default beside auto, beside 60 per 1000 ms): one budget for
      // the account across the cluster, never above the account's limit (300) nor the smaller fixed budget (250);
      // no 429 (asserted above for the whole application, as for every read alone)
      for (String pair : List.of("pair-auto", "pair-window")) {
        assertThat(peaks.get(pair)).as("%s: %s", pair, summary).isLessThanOrEqualTo(BUDGET);
        long[] span = phases.get(pair);
        assertThat(between(arrivals, epochToNanos(span[0]), epochToNanos(span[1] + 50)).length)
            .as("%s: more requests than one budget window holds, so separate budgets would pass it: %s", pair, summary)
            .isGreaterThan(300);
      }
      // the executors did register at different times: one (or none yet) when the reads began, two later
      assertThat(executorsAtStart.get("ten-0")).as(summary).isLessThanOrEqualTo(1);
      assertThat(executorsAtStart.get("concurrent")).as(summary).isEqualTo(2);
      // the kill happened while the read ran, and the read still finished exactly (checked above) on one executor
      assertThat(killedAt).as(summary).isLessThan(phases.get("kill")[1]);
      assertThat(results.get("kill")[7]).as(summary).isEqualTo("executors=1");
      assertThat(scanRate).as(summary).isGreaterThanOrEqualTo(SCAN_EFFICIENCY_MIN * budgetRate);
    }
  }

  /** Waits until the log holds a line starting with {@code prefix} (the driver prints them as it goes). */
  static void awaitLine(Path log, String prefix, Process driver, long deadline) throws Exception {
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).lines().anyMatch(l -> l.startsWith(prefix))) {
        return;
      }
      if (!driver.isAlive()) {
        throw new AssertionError("driver exited before '" + prefix + "':\n" + tail(Files.readString(log), 60));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + prefix + "' in " + log + " in time:\n" + tail(Files.readString(log), 30));
  }

  static double seconds(long[] arrivals) {
    return arrivals.length < 2 ? 0 : (arrivals[arrivals.length - 1] - arrivals[0]) / 1e9;
  }

  /** The most requests per second over any {@code span} of the arrivals. */
  static double bestRate(long[] arrivals, Duration span) {
    double best = 0;
    int j = 0;
    for (int i = 0; i < arrivals.length; i++) {
      while (j < arrivals.length && arrivals[j] - arrivals[i] < span.toNanos()) {
        j++;
      }
      if (j == arrivals.length) {
        break;
      }
      best = Math.max(best, (j - i) * 1e9 / span.toNanos());
    }
    return best;
  }

  /** Requests per second from the first arrival to the last. */
  static double rate(long[] arrivals) {
    return arrivals.length < 2 ? 0 : (arrivals.length - 1) / seconds(arrivals);
  }

  /** The most requests per second over any {@code span} of the samples (nanoTime, cumulative count). */
  static double bestRate(List<long[]> samples, Duration span) {
    double best = 0;
    int j = 0;
    for (int i = 0; i < samples.size(); i++) {
      while (j < samples.size() && samples.get(j)[0] - samples.get(i)[0] < span.toNanos()) {
        j++;
      }
      if (j == samples.size()) {
        break;
      }
      long[] a = samples.get(i);
      long[] b = samples.get(j);
      best = Math.max(best, (b[1] - a[1]) * 1e9 / (b[0] - a[0]));
    }
    return best;
  }

  static String budgetLine(String driverLog) {
    return driverLog.lines().filter(l -> l.contains("Request permit service") || l.contains("Planned "))
        .map(l -> l.replaceAll("^.*?(Request permit service|Planned )", "$1")).collect(Collectors.joining("; "));
  }

  /** What the Spark event log says about the scan: tasks that sent API requests, and where executors ran. */
  static final class EventLog {
    record Task(int stage, String executorId, long launch, long finish, long apiRequests) {}

    /** A task of the executors' warm-up ({@link ExecutorWarmUp}) and what its accumulators say it did. */
    record WarmUp(String executorId, boolean success, long rowCodeBytes, long httpClients, boolean sentRequests) {}

    final List<Task> scanTasks = new ArrayList<>();
    final List<WarmUp> warmUps = new ArrayList<>();
    final Map<String, Integer> executorWorkerUiPort = new HashMap<>();

    /** Reads the one application's event log under {@code dir} (rolling or not). */
    static EventLog read(Path dir) throws IOException {
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
            .filter(p -> !p.getFileName().toString().startsWith("appstatus")).sorted().toList();
      }
      if (files.isEmpty()) {
        throw new IllegalStateException("no event log under " + dir);
      }
      EventLog out = new EventLog();
      ObjectMapper json = new ObjectMapper();
      Pattern port = Pattern.compile("//[^:/]+:(\\d+)/");
      for (Path file : files) {
        for (String line : Files.readAllLines(file)) {
          JsonNode e = json.readTree(line);
          String type = e.path("Event").asText();
          if (type.equals("SparkListenerExecutorAdded")) {
            String url = e.path("Executor Info").path("Log Urls").path("stdout").asText("");
            Matcher m = port.matcher(url);
            out.executorWorkerUiPort.put(e.path("Executor ID").asText(), m.find() ? Integer.parseInt(m.group(1)) : -1);
          } else if (type.equals("SparkListenerTaskEnd")) {
            JsonNode info = e.path("Task Info");
            long requests = 0;
            boolean scan = false;
            long rowBytes = -1;
            long clients = -1;
            for (JsonNode a : info.path("Accumulables")) {
              String name = a.path("Name").asText();
              if (name.equals("API requests")) {
                scan = true;
                requests += a.path("Update").asLong(0);
              } else if (name.equals(ExecutorWarmUp.ROW_CODE_BYTES)) {
                rowBytes = a.path("Update").asLong(0);
              } else if (name.equals(ExecutorWarmUp.HTTP_CLIENTS)) {
                clients = a.path("Update").asLong(0);
              }
            }
            boolean success = e.path("Task End Reason").path("Reason").asText().equals("Success");
            if (rowBytes >= 0 || clients >= 0) {
              out.warmUps.add(new WarmUp(info.path("Executor ID").asText(), success, rowBytes, clients, scan));
            }
            if (scan && requests > 0 && success) {
              out.scanTasks.add(new Task(e.path("Stage ID").asInt(), info.path("Executor ID").asText(),
                  info.path("Launch Time").asLong(), info.path("Finish Time").asLong(), requests));
            }
          }
        }
      }
      return out;
    }
  }
}
