package io.zentrunk.spark.bench;

import io.zentrunk.spark.bench.Figure.Target;
import io.zentrunk.spark.cluster.StandaloneCluster;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Scenario "duty": how busy the report job keeps the budget, from the emulator's log of request arrivals. Duty =
 * requests / (budget / 5 s) / time from the first request to the last. Two runs of the real job through Spark's
 * {@code SparkSubmit}, each its own JVM:
 * <ul>
 *   <li><b>local</b>: the README's quick start ({@code --master local[2]}, the built-in emulator's account: seed 42,
 *       5,000 calls a day, 300 requests per 5 s, no latency), the week before the emulator's day and the fraud
 *       baseline's 7 days before it. Also its wall time against the budget's lower bound: start-up (launch to the
 *       first request: JVM, Spark, the first planning request) + requests / 50 per s.
 *   <li><b>cluster</b>: a standalone master with three one-core workers (each executor its own JVM, leasing
 *       permits from the driver), one day of 20,000 calls at 60 +- 20 ms latency, and its baseline.
 * </ul>
 * Needs the application jar ({@code jobs/bench} builds it). Skipped by {@code --quick}.
 */
final class ReportDuty implements Scenario {

  static final int BUDGET = 250;

  @Override
  public String name() {
    return "duty";
  }

  @Override
  public String title() {
    return "Duty of the report job (requests / budget / first-to-last span), locally and on a standalone cluster";
  }

  /** What the emulator saw of one report run. */
  record Run(long requests, long throttled, long firstNanos, long lastNanos, long launchNanos, long exitNanos,
      List<String> gaps, long firstTaskNanos) {
    double span() {
      return (lastNanos - firstNanos) / 1e9;
    }

    double duty() {
      return requests / (BUDGET / 5.0) / span();
    }
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    if (ctx.quick) {
      ctx.out.println("  skipped in quick mode: two spark-submit runs of the report (jobs/bench duty)");
      return;
    }
    Path jar = appJar();
    Path work = Files.createDirectories(Path.of("target", "bench", "duty").toAbsolutePath());

    // local: the quick start (-Dbench.duty=cluster: the cluster run only)
    Instant now = BenchContext.NOW;
    boolean local = !"cluster".equals(System.getProperty("bench.duty"));
    if (local) try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(42).callsPerDay(5_000).now(now).build())) {
      Instant end = now.minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
      Instant start = end.minus(Duration.ofDays(7));
      Run r = submit(ctx, api, null, jar, "local[2]", start, end, work.resolve("local"));
      report(ctx, "duty local", r);
      double startup = (r.firstNanos() - r.launchNanos()) / 1e9;
      double wall = (r.exitNanos() - r.launchNanos()) / 1e9;
      double bound = startup + r.requests() / (BUDGET / 5.0);
      ctx.out.printf(Locale.ROOT, "  quick start: wall %.1f s = start-up %.1f s + requests %.1f s + after the last request %.1f s;"
          + " lower bound %.1f s (start-up + %d requests / 50 per s)%n", wall, startup, r.span(),
          (r.exitNanos() - r.lastNanos()) / 1e9, bound, r.requests());
      ctx.add(Figure.info("duty local", "quick-start wall time", wall, "s", "spark-submit launch to exit"));
      ctx.add(Figure.info("duty local", "start-up (launch to first request)", startup, "s", "JVM, Spark, first planning request"));
      ctx.add(Figure.info("duty local", "after the last request (compute, write)", (r.exitNanos() - r.lastNanos()) / 1e9, "s", ""));
      ctx.add(Figure.info("duty local", "wall / lower bound", wall / bound, "x",
          String.format(Locale.ROOT, "lower bound %.1f s = start-up + %d requests / 50 per s", bound, r.requests())));
    }

    // cluster: three workers, the report's own shape: one day of 20,000 calls and its fraud baseline, at
    // 60 +- 20 ms a request
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(11).callsPerDay(20_000).now(now)
            .rateLimit(300, Duration.ofSeconds(5)).latency(Duration.ofMillis(60), Duration.ofMillis(20)).build());
        StandaloneCluster cluster = StandaloneCluster.start("bench-duty", 3)) {
      Instant start = Instant.parse("2026-10-20T00:00:00Z");
      Path events = work.resolve("cluster-events");
      deleteTree(events);
      Files.createDirectories(events);
      long nanoEpoch = System.nanoTime() - System.currentTimeMillis() * 1_000_000L;
      List<String> conf = new ArrayList<>(ComputeCost.eventLog(events));
      // -Dbench.duty.warm=false: the executors start cold (the job's warm-up off), for a comparison
      boolean warm = !"false".equals(System.getProperty("bench.duty.warm"));
      conf.addAll(List.of("--conf", "spark.zentrunk.warmExecutors=" + warm));
      ctx.out.println("  cluster: the executors' warm-up " + (warm ? "on" : "off (-Dbench.duty.warm=false)"));
      Run r = submit(ctx, api, cluster, jar, cluster.masterUrl(), start, start.plus(Duration.ofDays(1)), work.resolve("cluster"),
          conf);
      report(ctx, "duty cluster", r);
      ctx.out.println("  start-up, from the first request (Spark's event log, " + events + "):");
      for (String line : StartupPhases.describe(events, (r.firstNanos() - nanoEpoch) / 1_000_000,
          (r.firstTaskNanos() - nanoEpoch) / 1_000_000)) {
        ctx.out.println("    " + line);
      }
    }
  }

  private static void report(BenchContext ctx, String sc, Run r) {
    ctx.out.printf(Locale.ROOT, "  %s: %,d requests (%d answered 429) in %.1f s from the first to the last: duty %.3f%n",
        sc, r.requests(), r.throttled(), r.span(), r.duty());
    r.gaps().forEach(g -> ctx.out.println("    " + g));
    ctx.add(new Figure(sc, "duty (requests / 50 per s / span)", r.duty(), "", Target.atLeast(0.9, 0, ">= 0.9"),
        String.format(Locale.ROOT, "%d requests in %.1f s; gaps over 1 s: %s", r.requests(), r.span(),
            r.gaps().isEmpty() ? "none" : String.join("; ", r.gaps()))));
    ctx.measured.put(sc + ".duty", r.duty());
  }

  static Run submit(BenchContext ctx, ZentrunkEmulator api, StandaloneCluster cluster, Path jar, String master,
      Instant start, Instant end, Path out) throws IOException, InterruptedException {
    return submit(ctx, api, cluster, jar, master, start, end, out, List.of());
  }

  /** As above, with more spark-submit options ({@code --conf k=v} pairs). */
  static Run submit(BenchContext ctx, ZentrunkEmulator api, StandaloneCluster cluster, Path jar, String master,
      Instant start, Instant end, Path out, List<String> conf) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--master", master, "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1"));
    args.addAll(conf);
    if (cluster != null) {
      args.addAll(List.of("--conf", "spark.executor.memory=768m"));
    }
    args.addAll(List.of("--class", "io.zentrunk.spark.jobs.Main", jar.toString(), "report", "--start", start.toString(),
        "--end", end.toString(), "--output", out.toUri().toString(), "--api-url", api.baseUrl(), "--now",
        api.now().toString()));
    Map<String, String> env = Map.of("PLIVO_AUTH_ID", api.config().authId(), "PLIVO_AUTH_TOKEN", api.config().authToken());
    api.resetStats();
    api.recordArrivals();
    long launch = System.nanoTime();
    Process p;
    Path log = out.resolveSibling(out.getFileName() + ".log");
    if (cluster != null) {
      p = cluster.start("bench-duty-driver", List.of("-Xmx1g"), "org.apache.spark.deploy.SparkSubmit", args, env);
      log = cluster.logs().resolve("bench-duty-driver.log");
    } else {
      // as jobs/run: the class-data sharing archive of the report's classes (made first, not counted, if missing)
      List<String> cmd = ClassDataSharing.sparkSubmit(ctx, args, env, out.resolveSibling(out.getFileName() + "-cds.log"));
      api.resetStats();
      api.recordArrivals();
      launch = System.nanoTime();
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      p = pb.start();
    }
    boolean done = p.waitFor(10, TimeUnit.MINUTES);
    long exit = System.nanoTime();
    if (!done || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("the report failed (" + (done ? "exit " + p.exitValue() : "timeout") + "); see " + log);
    }
    long[] t = api.arrivals();
    if (t.length == 0) {
      throw new IllegalStateException("the report sent no request; see " + log);
    }
    List<String> gaps = new ArrayList<>();
    for (int i = 1; i < t.length; i++) {
      if (t[i] - t[i - 1] > 1_000_000_000L) {
        gaps.add(String.format(Locale.ROOT, "%.1f s with no request after request %d (%.1f s after the first)",
            (t[i] - t[i - 1]) / 1e9, i, (t[i - 1] - t[0]) / 1e9));
      }
    }
    ctx.out.printf(Locale.ROOT, "  %s: output in %s, log %s%n", master, out, log);
    // where the permits idle: every 5-s window (from the first request) below 90% of the budget
    int windows = (int) ((t[t.length - 1] - t[0]) / 5_000_000_000L) + 1;
    int[] per = new int[windows];
    for (long a : t) {
      per[(int) ((a - t[0]) / 5_000_000_000L)]++;
    }
    StringBuilder low = new StringBuilder();
    for (int w = 0; w < windows - 1; w++) { // the last window is partial
      if (per[w] < 0.9 * BUDGET) {
        low.append(String.format(Locale.ROOT, " [%d-%d s: %d]", 5 * w, 5 * w + 5, per[w]));
      }
    }
    ctx.out.printf(Locale.ROOT, "  5-s windows under 90%% of %d:%s%n", BUDGET, low.length() == 0 ? " none" : low);
    // the start-up: the driver's planning requests, then nothing until a task's first page request (the executors'
    // first task: broadcast, class loading, code generation); the longest gap of the first 30 s ends it
    int after = 0;
    long longest = 0;
    for (int i = 1; i < t.length && t[i - 1] - t[0] < 30_000_000_000L; i++) {
      if (t[i] - t[i - 1] > longest) {
        longest = t[i] - t[i - 1];
        after = i;
      }
    }
    if (after > 0 && after < t.length - 1) {
      double span = (t[t.length - 1] - t[after]) / 1e9;
      ctx.out.printf(Locale.ROOT, "  start-up: %d planning requests, then %.1f s without a request until the first task's"
          + " first; from there %,d requests in %.1f s: duty %.3f%n", after, longest / 1e9, t.length - after, span,
          (t.length - after) / (BUDGET / 5.0) / span);
    }
    return new Run(t.length, api.stats().rateLimited(), t[0], t[t.length - 1], launch, exit, gaps,
        after > 0 ? t[after] : t[0]);
  }

  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  static Path appJar() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      return s.filter(p -> p.getFileName().toString().matches("zentrunk-spark-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst().orElseThrow(() -> new IllegalStateException("no application jar in target/: run mvn package"))
          .toAbsolutePath();
    }
  }

  /** The report JVM's options but its classpath and class-data sharing: the heap, -Dbench.report.jvm, Spark's opens, log4j's file. */
  static List<String> reportJvm() {
    List<String> jvm = new ArrayList<>();
    jvm.add("-Xmx2g");
    jvm.addAll(reportJvmOptions());
    jvm.addAll(StandaloneCluster.JVM_OPENS);
    jvm.add("-Dlog4j2.configurationFile=" + Path.of("jobs", "log4j2.properties").toAbsolutePath().toUri());
    return jvm;
  }

  /**
   * JVM options of the report's own JVM from {@code -Dbench.report.jvm="..."} (in BENCH_JAVA_OPTS; space-separated,
   * e.g. a JFR recording of the job), none by default.
   */
  static List<String> reportJvmOptions() {
    String opts = System.getProperty("bench.report.jvm", "").strip();
    return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
  }
}
