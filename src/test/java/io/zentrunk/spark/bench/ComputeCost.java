package io.zentrunk.spark.bench;

import io.zentrunk.spark.bench.Figure.Target;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.IngestJob;
import io.zentrunk.spark.lake.LakeFormat;
import io.zentrunk.spark.lake.Provenance;
import io.zentrunk.spark.source.CdrSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;

/**
 * Scenario "compute": where the report job's time goes once the rows are read, from Spark's event log of the real
 * job run through {@code SparkSubmit} (its own JVM, {@code local[2]}):
 * <ul>
 *   <li><b>quick start</b>: the README's quick start against the built-in emulator (as scenario duty: seed 42, 5,000
 *       calls a day, a week and the fraud baseline's 7 days): wall time = start-up + requests + the time after the
 *       last request, against the budget's lower bound;
 *   <li><b>lake</b>: {@code report --source lake} over a Parquet lake of 60 days x 20,000 calls (1.2 million CDRs),
 *       written once from the emulator's generator through ingest's own lake writer and kept under
 *       {@code target/bench/compute/} for later runs; launch to exit, and the Spark work against DuckDB computing
 *       the main datasets from the same files ({@code python/bench/duckdb_report.py}, a reference only: DuckDB is
 *       not a dependency of the product).
 * </ul>
 * Each prints the breakdown by phase and dataset: Spark jobs, stages, tasks, shuffle partitions read, shuffle bytes
 * and seconds. Skipped by {@code --quick}.
 */
final class ComputeCost implements Scenario {

  // -Dbench.lake.days / -Dbench.lake.calls: a smaller lake for a quick look (the targets are for 60 x 20,000)
  static final int LAKE_DAYS = Integer.getInteger("bench.lake.days", 60);
  static final int LAKE_CALLS_PER_DAY = Integer.getInteger("bench.lake.calls", 20_000);
  static final long LAKE_SEED = 34;

  @Override
  public String name() {
    return "compute";
  }

  @Override
  public String title() {
    return "Where the report's time goes after its reads (event log), quick start and a 60-day lake; DuckDB as reference";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    if (ctx.quick) {
      ctx.out.println("  skipped in quick mode: spark-submit runs of the report (jobs/bench compute)");
      return;
    }
    // -Dbench.jar=PATH runs another build of the job (e.g. the one before a change) against the same inputs
    Path jar = System.getProperty("bench.jar") != null ? Path.of(System.getProperty("bench.jar")).toAbsolutePath()
        : ReportDuty.appJar();
    Path work = Files.createDirectories(Path.of("target", "bench", "compute").toAbsolutePath());
    // -Dbench.compute=lake (in BENCH_JAVA_OPTS) runs one part only
    String parts = System.getProperty("bench.compute", "quick,lake");
    if (parts.contains("quick")) {
      quickStart(ctx, jar, work);
    }
    if (parts.contains("lake")) {
      lake(ctx, jar, work);
    }
  }

  private static void quickStart(BenchContext ctx, Path jar, Path work) throws Exception {
    Instant now = BenchContext.NOW;
    Path events = fresh(work.resolve("events-quick"));
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(42).callsPerDay(5_000).now(now).build())) {
      Instant end = now.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.DAYS);
      Instant start = end.minus(Duration.ofDays(7));
      ReportDuty.Run r = ReportDuty.submit(ctx, api, null, jar, "local[2]", start, end, work.resolve(outName("quick")),
          eventLog(events));
      double startup = (r.firstNanos() - r.launchNanos()) / 1e9;
      double wall = (r.exitNanos() - r.launchNanos()) / 1e9;
      double after = (r.exitNanos() - r.lastNanos()) / 1e9;
      double bound = startup + r.requests() / (ReportDuty.BUDGET / 5.0);
      EventLogBreakdown b = EventLogBreakdown.of(events);
      ctx.out.printf(Locale.ROOT, "  quick start: wall %.1f s = start-up %.1f s + requests %.1f s (%d) + after the last request"
          + " %.1f s; budget's lower bound %.1f s%n", wall, startup, r.span(), r.requests(), after, bound);
      ctx.out.print(b.table());
      ctx.add(Figure.info("compute quick", "Spark jobs / stages run", b.jobs(), "jobs",
          b.stages() + " stages; breakdown in the scenario's output"));
      ctx.add(Figure.info("compute quick", "Spark work after the reads (event log)", b.afterReadSeconds(), "s", ""));
      ctx.add(new Figure("compute quick", "after the last request (compute, write, exit)", after, "s",
          Target.atMost(5, 0.5, "<= 5 s"), String.format(Locale.ROOT, "wall %.1f s, start-up %.1f s", wall, startup)));
      ctx.add(new Figure("compute quick", "wall / (start-up + requests / 50 per s)", wall / bound, "x",
          Target.atMost(1.1, 0.02, "<= 1.1"), String.format(Locale.ROOT, "lower bound %.1f s", bound)));
    }
  }

  private static void lake(BenchContext ctx, Path jar, Path work) throws Exception {
    Instant end = BenchContext.NOW.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.DAYS);
    Instant start = end.minus(Duration.ofDays(LAKE_DAYS));
    Path lake = work.resolve("lake-" + LAKE_DAYS + "x" + LAKE_CALLS_PER_DAY);
    long t0 = System.nanoTime();
    boolean built = buildLake(ctx, lake, start, end);
    if (built) {
      ctx.out.printf(Locale.ROOT, "  lake written in %.1f s: %s (kept for later runs)%n", (System.nanoTime() - t0) / 1e9, lake);
    } else {
      ctx.out.println("  lake reused: " + lake);
    }
    Path events = fresh(work.resolve("events-lake"));
    Path out = work.resolve(outName("lake-report"));
    List<String> submit = new ArrayList<>(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf",
        "spark.driver.host=127.0.0.1"));
    submit.addAll(eventLog(events));
    submit.addAll(List.of("--class", "io.zentrunk.spark.jobs.Main", jar.toString(), "report", "--source", "lake", "--lake",
        lake.toString(), "--start", start.toString(), "--end", end.toString(), "--output", out.toUri().toString()));
    // as jobs/run: the class-data sharing archive of the report's classes (made first, not counted, if missing)
    List<String> cmd = ClassDataSharing.sparkSubmit(ctx, submit, java.util.Map.of(), work.resolve("lake-report-cds.log"));
    Path log = work.resolve("lake-report.log");
    long launch = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(10, TimeUnit.MINUTES);
    double wall = (System.nanoTime() - launch) / 1e9;
    if (!done || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("the lake report failed (" + (done ? "exit " + p.exitValue() : "timeout") + "); see " + log);
    }
    EventLogBreakdown b = EventLogBreakdown.of(events);
    double spark = b.computeSeconds();
    ctx.out.printf(Locale.ROOT, "  lake report (%d days x %,d calls): launch to exit %.1f s, Spark work %.1f s (class-data"
        + " sharing %s); log %s%n", LAKE_DAYS, LAKE_CALLS_PER_DAY, wall, spark, ClassDataSharing.ON ? "on" : "off", log);
    ctx.out.print(b.table());
    ctx.add(Figure.info("compute lake", "Spark jobs / stages run", b.jobs(), "jobs", b.stages() + " stages"));
    ctx.add(new Figure("compute lake", "report --source lake, launch to exit", wall, "s", Target.atMost(20, 2, "<= 20 s"),
        String.format(Locale.ROOT, "%d days x %,d calls, local[2]", LAKE_DAYS, LAKE_CALLS_PER_DAY)));
    ctx.add(Figure.info("compute lake", "Spark work (first job to last)", spark, "s", "event log"));
    double duck = duckDb(ctx, lake, start, end, work.resolve("duckdb-out"));
    if (Double.isNaN(duck)) {
      ctx.add(Figure.info("compute lake", "Spark work / DuckDB", Double.NaN, "x",
          "no DuckDB: set BENCH_DUCKDB_PYTHON to a python with duckdb (jobs/bench compute makes one)"));
    } else {
      ctx.add(Figure.info("compute lake", "DuckDB, the same datasets from the same files", duck, "s", "python/bench/duckdb_report.py"));
      ctx.add(new Figure("compute lake", "Spark work / DuckDB", spark / duck, "x", Target.atMost(10, 1, "<= 10"), ""));
    }
  }

  /**
   * The folder name of a report's output: {@code name}, or {@code name-TAG} with {@code -Dbench.out=TAG}, which
   * keeps the output of a run (e.g. of the build before a change) for {@code python/bench/compare_reports.py}.
   */
  private static String outName(String name) {
    String tag = System.getProperty("bench.out");
    return tag == null || tag.isBlank() ? name : name + "-" + tag;
  }

  /** Spark's event log, uncompressed, into {@code dir}. */
  static List<String> eventLog(Path dir) {
    return List.of("--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + dir.toUri(),
        "--conf", "spark.eventLog.compress=false");
  }

  private static Path fresh(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir);
  }

  /**
   * Writes the lake unless a complete one is there (its marker file): the emulator's CDRs of [start, end) taken
   * from its generator (no HTTP), 10 days at a time, through ingest's own Parquet lake writer. Returns whether it
   * wrote.
   */
  static boolean buildLake(BenchContext ctx, Path lake, Instant start, Instant end) throws IOException {
    Path marker = lake.resolveSibling(lake.getFileName() + ".complete");
    if (Files.exists(marker) && Files.exists(lake)) {
      return false;
    }
    fresh(lake);
    Files.delete(lake);
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(LAKE_SEED).callsPerDay(LAKE_CALLS_PER_DAY)
        .now(BenchContext.NOW).rateLimitOff().build())) {
      Provenance source = new Provenance(api.config().authId(), Provenance.BUILT_IN_EMULATOR);
      for (Instant s = start; s.isBefore(end); s = s.plus(Duration.ofDays(10))) {
        Instant e = s.plus(Duration.ofDays(10)).isBefore(end) ? s.plus(Duration.ofDays(10)) : end;
        IngestJob.run(ctx.spark, IngestJob.Args.lake(lake.toString(), LakeFormat.PARQUET, s, e, source).withLookback(0, false),
            BenchContext.NOW, (a, b) -> ctx.spark.createDataFrame(rows(api.groundTruth(a, b), api.config().authId()), CdrSchema.SCHEMA), m -> { });
      }
    }
    Files.writeString(marker, start + " " + end + " seed " + LAKE_SEED + "\n");
    return true;
  }

  /** The emulator's calls of account {@code accountId} as the source's rows (what the connector decodes from their JSON). */
  static List<Row> rows(List<EmulatedCall> calls, String accountId) {
    List<Row> rows = new ArrayList<>(calls.size());
    StructField[] fields = CdrSchema.SCHEMA.fields();
    for (EmulatedCall c : calls) {
      Object[] v = new Object[fields.length];
      for (int i = 0; i < fields.length; i++) {
        v[i] = fields[i].name().equals(CdrSchema.ACCOUNT_ID) ? accountId : value(c, fields[i].name());
      }
      rows.add(RowFactory.create(v));
    }
    return rows;
  }

  private static Object value(EmulatedCall c, String field) {
    return switch (field) {
      case "call_uuid" -> c.callUuid();
      case "call_id" -> c.callId();
      case "from_number" -> c.fromNumber();
      case "to_number" -> c.toNumber();
      case "call_direction" -> c.callDirection();
      case "call_duration" -> c.callDuration();
      case "bill_duration" -> c.billDuration();
      case "billed_duration" -> c.billedDuration();
      case "initiation_time" -> ts(c.initiationTime());
      case "answer_time" -> ts(c.answerTime());
      case "end_time" -> ts(c.endTime());
      case "hangup_cause_code" -> c.hangupCauseCode();
      case "hangup_cause_name" -> c.hangupCauseName();
      case "hangup_source" -> c.hangupSource();
      case "total_rate" -> money(c.totalRate());
      case "total_amount" -> money(c.totalAmount());
      case "secure_trunking_rate" -> money(c.secureTrunkingRate());
      case "cnam_lookup_rate" -> money(c.cnamLookupRate());
      case "trunk_domain" -> c.trunkDomain();
      case "trunk_id" -> c.trunkId();
      case "from_country" -> c.fromCountry();
      case "to_country" -> c.toCountry();
      case "transport_protocol" -> c.transportProtocol();
      case "srtp" -> c.srtp();
      case "secure_trunking" -> c.secureTrunking();
      case "cnam_lookup" -> c.cnamLookup();
      case "stir_verification" -> c.stirVerification();
      case "attestation_indicator" -> c.attestationIndicator();
      default -> throw new IllegalStateException("no emulator value for column " + field);
    };
  }

  private static Timestamp ts(Instant t) {
    return t == null ? null : Timestamp.from(t);
  }

  private static BigDecimal money(BigDecimal v) {
    return v == null ? null : v.setScale(5);
  }

  private static final Pattern SECONDS = Pattern.compile("\"seconds\":\\s*([0-9.]+)");

  /** DuckDB's time for the report's main datasets over the lake's files, or NaN when no DuckDB is at hand. */
  private static double duckDb(BenchContext ctx, Path lake, Instant start, Instant end, Path out) throws Exception {
    String python = System.getenv("BENCH_DUCKDB_PYTHON");
    if (python == null || python.isBlank()) {
      return Double.NaN;
    }
    fresh(out);
    Path log = out.resolveSibling("duckdb.log");
    Process p = new ProcessBuilder(python, Path.of("python", "bench", "duckdb_report.py").toString(), lake.resolve("cdrs").toString(),
        start.toString(), end.toString(), out.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("DuckDB's reference failed; see " + log);
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    ctx.out.print(text.lines().map(l -> "  duckdb: " + l + "\n").reduce("", String::concat));
    Matcher m = SECONDS.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("DuckDB's reference printed no seconds; see " + log);
    }
    return Double.parseDouble(m.group(1));
  }
}
