package io.zentrunk.spark.cluster;

import static io.zentrunk.spark.cluster.ClusterFixture.BUDGET;
import static io.zentrunk.spark.cluster.ClusterFixture.FROM;
import static io.zentrunk.spark.cluster.ClusterFixture.NOW;
import static io.zentrunk.spark.cluster.ClusterFixture.appJar;
import static io.zentrunk.spark.cluster.ClusterFixture.between;
import static io.zentrunk.spark.testing.TestFiles.deleteRecursively;
import static io.zentrunk.spark.cluster.ClusterFixture.epochToNanos;
import static io.zentrunk.spark.cluster.ClusterFixture.peak;
import static io.zentrunk.spark.cluster.ClusterFixture.tail;
import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The cluster budget's failure paths on the standalone cluster of {@link ClusterIT} (two workers of one
 * core, an executor JVM each, the emulator's 300 requests per 5 s and 100 ms ± 30 ms): the driver's
 * permit service stopped in the middle of a read that feeds a Parquet write, and an executor killed
 * (SIGKILL) while it holds leased permits. The driver is {@link ClusterFailuresApp}; it reports the
 * permit service's book through marker files.
 */
class ClusterFailuresIT {

  static final Path WORK = Path.of("target", "cluster-failures-it").toAbsolutePath();
  /** Requests the executors must have reported ended before the service is stopped. */
  static final int STOP_AFTER = 60;

  /**
   * The service stops (a hook in the driver) once the executors have reported 60 requests ended and two
   * write tasks have committed their output: the executors wait for the service (5 s here,
   * {@code spark.zentrunk.permits.unreachableTimeout}), fail their tasks in one line, Spark's retries fail
   * the same way, and the job fails with that line. The Parquet target then holds no file at all: the task
   * output committed before the failure was removed when the job aborted.
   */
  @Test
  void aPermitServiceStoppedMidReadFailsTheJobInOneLineAndWritesNothing() throws Exception {
    Path dir = WORK.resolve("stop");
    deleteRecursively(dir);
    Path markers = dir.resolve("markers");
    Path target = dir.resolve("cdrs.parquet");
    Instant from = FROM.plus(Duration.ofHours(6));
    Instant to = from.plus(Duration.ofHours(6));
    try (ZentrunkEmulator api = ClusterFixture.emulator(21);
        StandaloneCluster cluster = StandaloneCluster.start("cluster-failures-stop", 2)) {
      long pagesNeeded = (api.groundTruthCount(from, to) + 19) / 20;
      api.resetStats();
      api.recordArrivals();
      Process driver = ClusterFixture.startDriver(cluster, api, "stop-driver", ClusterFailuresApp.class.getName(),
          List.of("stop-service", cluster.masterUrl(), api.baseUrl(), appJar().toString(), markers.toString(),
              from.toString(), to.toString(), NOW.toString(), target.toString(), String.valueOf(STOP_AFTER)));
      boolean done = driver.waitFor(4, TimeUnit.MINUTES);
      String log = Files.readString(cluster.logs().resolve("stop-driver.log"));
      assertThat(done).as("driver finished; logs: %s", cluster.logs()).isTrue();
      assertThat(driver.exitValue()).as("driver exit code; tail of its log:\n%s", tail(log, 60)).isZero();

      // the stop came where intended: the read under way, tasks committed, output on disk
      String[] stopped = marker(markers, "stopped").split(" ");
      long stoppedAt = Long.parseLong(stopped[0]);
      long endedAtStop = Long.parseLong(stopped[1]);
      long[] arrivals = api.arrivals();
      long servedAtStop = between(arrivals, 0, epochToNanos(stoppedAt)).length;
      String[] tasks = marker(markers, "tasks").split(" ");
      String summary = String.format(Locale.ROOT, "service stopped after %d executor requests ended (%d API requests "
              + "incl. planning; a full read needs %d pages), %s write tasks committed, %s Parquet files on disk; "
              + "job failed %.1f s later; tasks committed %s, failed attempts %s; %d API requests in all, peak %d per 5 s",
          endedAtStop, servedAtStop, pagesNeeded, stopped[2], stopped[3],
          (Long.parseLong(tasks[0]) - stoppedAt) / 1000.0, tasks[1], tasks[2], arrivals.length, peak(arrivals));
      System.out.println(summary);
      Files.writeString(Files.createDirectories(WORK).resolve("stop-summary.txt"), summary + "\n");
      assertThat(endedAtStop).as(summary).isGreaterThanOrEqualTo(STOP_AFTER);
      assertThat(servedAtStop).as(summary).isPositive().isLessThan(pagesNeeded);
      assertThat(Long.parseLong(stopped[2])).as(summary).isGreaterThanOrEqualTo(2);
      assertThat(Long.parseLong(stopped[3])).as("task output on disk when the service stopped; " + summary).isPositive();
      assertThat(arrivals.length).as("the read never finished; " + summary).isLessThan((int) pagesNeeded);

      // the job failed with the executors' one line: what the project's jobs print, and inside Spark's own message
      String line = marker(markers, "failure-line");
      assertThat(line).matches("the request permit service on the driver \\(http://127\\.0\\.0\\.1:\\d+/zentrunk/permits\\) "
          + "was unreachable for 5 s \\(ConnectException[^)\n]*\\); an executor never reads without the cluster's "
          + "request budget");
      String spark = marker(markers, "failure-spark");
      assertThat(spark).contains("ZentrunkApiException: " + line).containsPattern("failed \\d+ times");
      assertThat(Integer.parseInt(tasks[2])).as("Spark retried the failed tasks; " + summary).isGreaterThanOrEqualTo(4);
      assertThat(log).doesNotContain(api.config().authToken());

      // nothing written half: no data file, no _SUCCESS, no leftover task output
      List<Path> left;
      try (Stream<Path> s = Files.exists(target) ? Files.walk(target) : Stream.empty()) {
        left = s.filter(Files::isRegularFile).toList();
      }
      assertThat(left).as("files under the target after the failed write; " + summary).isEmpty();
      assertThat(peak(arrivals)).as(summary).isLessThanOrEqualTo(BUDGET);
    }
  }

  /**
   * An executor is frozen (SIGSTOP) until the service's book has settled, killed (SIGKILL) only if the book
   * then shows it holding leased permits, and its permits come back when its session expires
   * ({@code request_timeout_ms} 2 s here: a time-to-live of 12 s): the book counts exactly the permits it held
   * as expired, no 5-second window of the API's request log holds more than the budget before the kill,
   * until the expiry or after it, and the read (Spark reruns the lost tasks) is the ground truth's.
   */
  @Test
  void anExecutorKilledWhileHoldingLeasesGivesThemBackByExpiryWithinTheBudget() throws Exception {
    Path markers = WORK.resolve("kill").resolve("markers");
    deleteRecursively(markers.getParent());
    Instant from = FROM;
    Instant to = from.plus(Duration.ofHours(30));
    try (ZentrunkEmulator api = ClusterFixture.emulator(22);
        StandaloneCluster cluster = StandaloneCluster.start("cluster-failures-kill", 2)) {
      api.resetStats();
      api.recordArrivals();
      Process driver = ClusterFixture.startDriver(cluster, api, "kill-driver", ClusterFailuresApp.class.getName(),
          List.of("kill-executor", cluster.masterUrl(), api.baseUrl(), appJar().toString(), markers.toString(),
              from.toString(), to.toString(), NOW.toString()));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      // the read is under way and worker 0's executor has a session with the driver's permit service
      Book book = awaitBook(markers, driver, deadline, 0, b -> b.ended >= 100 && clientOf(b, cluster.executors(0)) != null);
      List<ProcessHandle> executors = cluster.executors(0);
      assertThat(executors).as("worker 0's executor").hasSize(1);
      ProcessHandle victim = executors.get(0);
      String client = clientOf(book, executors);
      assertThat(client).as("the session of executor %d in %s", victim.pid(), book.held).startsWith(victim.pid() + "@");
      Kill kill = killWhileHolding(victim, client, markers, driver, deadline);
      long frozenAt = kill.frozenAt();
      long killedAt = kill.killedAt();
      int heldAtKill = kill.held();
      assertThat(killedAt).as("killed while the book showed it holding permits").isPositive();
      boolean done = driver.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      String log = Files.readString(cluster.logs().resolve("kill-driver.log"));
      assertThat(done).as("driver finished; logs: %s", cluster.logs()).isTrue();
      assertThat(driver.exitValue()).as("driver exit code; tail of its log:\n%s", tail(log, 60)).isZero();

      // the read is exact
      assertThat(marker(markers, "result")).isEqualTo(ClusterFixture.truthLine(api, from, to));

      // the permits came back by expiry: exactly those it held, one time-to-live after it went silent
      String[] expired = marker(markers, "expired").split(" ");
      long expiredAt = Long.parseLong(expired[0]);
      long readStart = Long.parseLong(marker(markers, "read-start"));
      long readEnd = Long.parseLong(marker(markers, "read-end"));
      long[] arrivals = api.arrivals();
      int before = peak(between(arrivals, 0, epochToNanos(killedAt)));
      int until = peak(between(arrivals, epochToNanos(killedAt - 5_000), epochToNanos(expiredAt)));
      long[] afterArrivals = between(arrivals, epochToNanos(expiredAt - 5_000), Long.MAX_VALUE);
      int after = peak(afterArrivals);
      int afterFull = peak(between(arrivals, epochToNanos(expiredAt + 5_000), Long.MAX_VALUE));
      String summary = String.format(Locale.ROOT, "executor %s frozen %.1f s into the read, killed holding %d permits; "
              + "expired %.1f s after it was frozen (time-to-live %d s): %s permits; read %.1f s, %d API requests, "
              + "%d x 429; peak per 5 s: before the kill %d, kill to expiry %d, from the expiry on %d, from 5 s after "
              + "the expiry %d (budget %d); read ended %.1f s after the expiry",
          client, (frozenAt - readStart) / 1000.0, heldAtKill, (expiredAt - frozenAt) / 1000.0,
          ClusterFailuresApp.LEASE_TTL_MS / 1000, expired[2], (readEnd - readStart) / 1000.0, arrivals.length,
          api.stats().rateLimited(), before, until, after, afterFull, BUDGET, (readEnd - expiredAt) / 1000.0);
      System.out.println(summary);
      Files.writeString(Files.createDirectories(WORK).resolve("kill-summary.txt"), summary + "\n");
      assertThat(expired[1]).as(summary).isEqualTo(client);
      assertThat(Integer.parseInt(expired[2])).as("the book expired exactly what it held; " + summary).isEqualTo(heldAtKill);
      assertThat(expiredAt).as(summary).isGreaterThan(killedAt)
          .isBetween(frozenAt + ClusterFailuresApp.LEASE_TTL_MS * 3 / 4, frozenAt + ClusterFailuresApp.LEASE_TTL_MS + 3_000);
      assertThat(log).contains("leased request permits expired").contains(client);

      // the budget, before the kill, until the expiry and after it
      assertThat(before).as(summary).isLessThanOrEqualTo(BUDGET);
      assertThat(until).as(summary).isLessThanOrEqualTo(BUDGET);
      assertThat(after).as(summary).isLessThanOrEqualTo(BUDGET);
      assertThat(peak(arrivals)).as(summary).isLessThanOrEqualTo(BUDGET);
      assertThat(api.stats().peakRequestsPer5s()).as(summary).isLessThanOrEqualTo(BUDGET);
      assertThat(api.stats().rateLimited()).as(summary).isZero();
    }
  }

  record Kill(long frozenAt, long killedAt, int held) {}

  /**
   * Freezes the executor (SIGSTOP); once the book has settled (1.5 s: a frozen JVM reports nothing, the
   * driver's longest lease wait is 1 s), kills it (SIGKILL) if the book shows its session holding permits,
   * else lets it go on and tries again. The permits the book shows then are exactly those it held when killed.
   */
  static Kill killWhileHolding(ProcessHandle victim, String client, Path markers, Process driver, long deadline)
      throws Exception {
    for (int attempt = 0; attempt < 10; attempt++) {
      signal(victim, "STOP");
      long frozenAt = System.currentTimeMillis();
      int held = awaitBook(markers, driver, deadline, frozenAt + 1_500, b -> true).held.getOrDefault(client, 0);
      if (held > 0) {
        victim.destroyForcibly();
        long killedAt = System.currentTimeMillis();
        victim.onExit().get(30, TimeUnit.SECONDS);
        return new Kill(frozenAt, killedAt, held);
      }
      signal(victim, "CONT");
      Thread.sleep(300);
    }
    throw new AssertionError("executor " + client + " held no permit in 10 tries");
  }

  /** The permit service's book as the driver last wrote it. */
  record Book(long at, long ended, Map<String, Integer> held, Map<String, Integer> expired) {
    static Book parse(String text) {
      long at = 0;
      long ended = 0;
      Map<String, Integer> held = new HashMap<>();
      Map<String, Integer> expired = new HashMap<>();
      for (String line : text.lines().toList()) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "at" -> at = Long.parseLong(f[1]);
          case "ended" -> ended = Long.parseLong(f[1]);
          case "held" -> held.put(f[1], Integer.parseInt(f[2]));
          case "expired" -> expired.put(f[1], Integer.parseInt(f[2]));
          default -> throw new IllegalStateException("unknown line in the book: " + line);
        }
      }
      return new Book(at, ended, held, expired);
    }
  }

  /** Waits for a book written at or after {@code notBefore} (epoch ms) that satisfies {@code ready}. */
  static Book awaitBook(Path markers, Process driver, long deadline, long notBefore,
      java.util.function.Predicate<Book> ready) throws Exception {
    Path file = markers.resolve("book");
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        Book b = Book.parse(Files.readString(file));
        if (b.at >= notBefore && ready.test(b)) {
          return b;
        }
      }
      assertThat(driver.isAlive()).as("the driver is still running").isTrue();
      Thread.sleep(20);
    }
    throw new AssertionError("the permit service's book never showed what the test waits for: " + file);
  }

  /** The client name (pid@host) in the book of the one executor in {@code executors}, or null. */
  static String clientOf(Book b, List<ProcessHandle> executors) {
    if (executors.size() != 1) {
      return null;
    }
    String prefix = executors.get(0).pid() + "@";
    return b.held.keySet().stream().filter(c -> c.startsWith(prefix)).findFirst().orElse(null);
  }

  static String marker(Path markers, String name) throws Exception {
    Path p = markers.resolve(name);
    assertThat(p).as("marker " + name).exists();
    return Files.readString(p).trim();
  }

  static void signal(ProcessHandle p, String sig) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -" + sig).isZero();
  }
}
