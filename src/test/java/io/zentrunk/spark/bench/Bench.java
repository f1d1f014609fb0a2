package io.zentrunk.spark.bench;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark: {@code jobs/bench [scenario...] [--quick]}. Runs the scenarios against the
 * emulator over real HTTP on loopback, prints a table, writes {@code target/bench/results.json}
 * and {@code target/bench/results.md} ({@code results-quick.*} with {@code --quick}). Exits 1 if
 * a target is missed by more than its noise margin, 2 on bad arguments.
 */
public final class Bench {

  /*
   * Noise margins: how far a figure may miss its target before a run fails. Per figure, the spread
   * between the best and the worst of 3 runs of `jobs/bench --quick` (load averages 5 to 20) and
   * 3 full runs of scenario rate (load 3 to 13) on a 2-core machine shared with other builds:
   *   achieved rate / limit: quick 0.948 .. 1.089 (13%), full 0.936 .. 1.01 (7.5%);
   *   speed-up over the naive loop: quick 6.24 .. 6.67 (6%), full one run 6.20;
   *   share of 429 answers: 0 in all 6 runs;
   *   decode ratio connector / Spark: 5.0 .. 10.2 (target 1: far away);
   *   planner tail / static tail: 0.60 .. 0.78.
   * The margins below cover those spreads and still fail a budget that shrinks once per 429
   * answer instead of once per window (rate 0.26 .. 0.42 of the limit).
   */
  /** Achieved-rate ratios and the speed-up, relative to the target. */
  static final double RATE_SLACK = 0.10;
  /** Share of 429 answers, absolute: 2 of the 400 requests of a quick read. */
  static final double THROTTLE_SLACK = 0.005;
  /** Decode ratio connector / Spark, absolute. */
  static final double DECODE_SLACK = 0.25;
  /** Planner tail vs static tail, relative to the static tail. */
  static final double TAIL_SLACK = 0.10;

  static final List<Scenario> SCENARIOS = List.of(new RateCeiling(), new NaiveLoop(), new StaticSlicing(), new Decoding(),
      new Unlimited(), new CountLimit(), new ScaleModel(), new GroupCounts(), new ReportDuty(), new AccountsRate(), new AutoBudget(),
      new StreamCost(), new DailyIngest(), new ComputeCost(), new WatchCost(), new InsightsRate());

  private Bench() {}

  public static void main(String[] args) throws Exception {
    // the connector logs planning summaries at INFO in tests; the benchmark prints its own
    org.apache.logging.log4j.core.config.Configurator.setLevel("io.zentrunk", org.apache.logging.log4j.Level.WARN);
    System.exit(run(args, System.out));
  }

  /** Runs the benchmark; returns the exit code (0 all targets met within noise, 1 a target missed, 2 usage). */
  public static int run(String[] args, PrintStream out) throws IOException {
    boolean quick = false;
    List<Scenario> chosen = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--quick")) {
        quick = true;
      } else if (a.equals("-h") || a.equals("--help")) {
        usage(out);
        return 0;
      } else {
        Scenario s = SCENARIOS.stream().filter(x -> x.name().equals(a)).findFirst().orElse(null);
        if (s == null) {
          out.println("unknown scenario '" + a + "'");
          usage(out);
          return 2;
        }
        chosen.add(s);
      }
    }
    if (chosen.isEmpty()) {
      chosen.addAll(SCENARIOS);
    }
    String loadBefore = loadAverage();
    long began = System.nanoTime();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("zentrunk-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
    BenchContext ctx = new BenchContext(spark, quick, out);
    ScaleModel scale = null;
    try {
      warmUp(ctx);
      for (Scenario s : chosen) {
        out.println();
        out.println("== " + s.title() + (quick ? " [quick]" : ""));
        long t0 = System.nanoTime();
        try {
          s.run(ctx);
        } catch (Exception | AssertionError e) {
          e.printStackTrace(out);
          ctx.add(new Figure(s.name(), "scenario completed", 0, "", Figure.Target.atLeast(1, 0, "completes"),
              e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        out.printf("  (%s took %.1f s)%n", s.name(), (System.nanoTime() - t0) / 1e9);
        if (s instanceof ScaleModel m) {
          scale = m;
        }
      }
    } finally {
      spark.stop();
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    String loadAfter = loadAverage();
    String table = table(ctx.figures);
    out.println();
    out.print(table);
    out.printf("%nmode %s, %.0f s in all, load average before %s, after %s%n", quick ? "quick" : "full", seconds, loadBefore, loadAfter);
    Path dir = Path.of("target", "bench");
    Files.createDirectories(dir);
    String base = quick ? "results-quick" : "results";
    Files.writeString(dir.resolve(base + ".json"), json(ctx, quick, seconds, loadBefore, loadAfter), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(base + ".md"), markdown(ctx, scale, quick, seconds, loadBefore, loadAfter), StandardCharsets.UTF_8);
    out.println("wrote " + dir.resolve(base + ".json") + " and " + dir.resolve(base + ".md"));
    List<Figure> failed = ctx.figures.stream().filter(Figure::failed).toList();
    if (!failed.isEmpty()) {
      out.println("MISSED TARGETS (beyond the noise margin):");
      failed.forEach(f -> out.println("  " + f.scenario() + ": " + f.name() + " = " + f.valueText() + ", target "
          + f.target().text() + " - " + f.note()));
      return 1;
    }
    return 0;
  }

  /**
   * One small read before any measurement: the first Spark job of a JVM loads classes, compiles
   * code and starts thread pools for seconds, which would otherwise land in the first scenario.
   */
  static void warmUp(BenchContext ctx) {
    long t0 = System.nanoTime();
    try (ZentrunkEmulator api = BenchContext.emulator(EmulatorConfig.builder().seed(99).callsPerDay(100_000).rateLimitOff())) {
      Instant to = BenchContext.NOW.minus(java.time.Duration.ofDays(5));
      for (int i = 0; i < 3; i++) {
        Instant from = to.minus(java.time.Duration.ofMinutes(30));
        Map<String, String> o = BenchContext.options(api, from, to);
        o.put("request_budget", "1000000");
        o.put("partition_records", "500");
        BenchContext.materialize(ctx.read(o));
        ctx.read(o).count();
        to = from;
      }
    }
    ctx.out.printf("(warm-up took %.1f s)%n", (System.nanoTime() - t0) / 1e9);
  }

  private static void usage(PrintStream out) {
    out.println("usage: jobs/bench [scenario...] [--quick]");
    for (Scenario s : SCENARIOS) {
      out.printf("  %-10s %s%n", s.name(), s.title());
    }
  }

  static String loadAverage() {
    try {
      String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return p[0] + " " + p[1] + " " + p[2] + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String table(List<Figure> figures) {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-10s %-46s %-20s %-26s %-6s%n";
    sb.append(String.format(Locale.ROOT, fmt, "scenario", "figure", "value", "target", "status"));
    sb.append("-".repeat(112)).append('\n');
    for (Figure f : figures) {
      sb.append(String.format(Locale.ROOT, fmt, f.scenario(), f.name(), f.valueText(),
          f.target() == null ? "-" : f.target().text(), f.status()));
    }
    return sb.toString();
  }

  static String json(BenchContext ctx, boolean quick, double seconds, String loadBefore, String loadAfter) {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"mode\": \"").append(quick ? "quick" : "full").append("\",\n");
    sb.append("  \"finished\": \"").append(Instant.now()).append("\",\n");
    sb.append(String.format(Locale.ROOT, "  \"seconds\": %.1f,%n", seconds));
    sb.append("  \"load_average_before\": \"").append(esc(loadBefore)).append("\",\n");
    sb.append("  \"load_average_after\": \"").append(esc(loadAfter)).append("\",\n");
    sb.append("  \"figures\": [\n");
    for (int i = 0; i < ctx.figures.size(); i++) {
      Figure f = ctx.figures.get(i);
      sb.append("    {\"scenario\": \"").append(esc(f.scenario())).append("\", \"figure\": \"").append(esc(f.name()))
          .append("\", \"value\": ").append(num(f.value())).append(", \"unit\": \"").append(esc(f.unit())).append('"');
      if (f.target() != null) {
        sb.append(", \"target\": {\"op\": \"").append(f.target().cmp() == Figure.Cmp.GE ? ">=" : "<=")
            .append("\", \"bound\": ").append(num(f.target().bound())).append(", \"noise_margin\": ")
            .append(num(f.target().slack())).append('}');
      }
      sb.append(", \"status\": \"").append(f.status()).append("\", \"note\": \"").append(esc(f.note())).append("\"}")
          .append(i < ctx.figures.size() - 1 ? ",\n" : "\n");
    }
    sb.append("  ],\n  \"measured\": {");
    Map<String, Double> m = new java.util.TreeMap<>(ctx.measured);
    int i = 0;
    for (Map.Entry<String, Double> e : m.entrySet()) {
      sb.append(i++ == 0 ? "\n" : ",\n").append("    \"").append(esc(e.getKey())).append("\": ").append(num(e.getValue()));
    }
    sb.append("\n  }\n}\n");
    return sb.toString();
  }

  static String markdown(BenchContext ctx, ScaleModel scale, boolean quick, double seconds, String loadBefore, String loadAfter) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Measured by `jobs/bench%s` in %.0f s on %s (load average %s before, %s after), "
        + "against the emulator over HTTP on loopback. Request counts and rates are the emulator's.%n%n",
        quick ? " --quick" : "", seconds, Runtime.getRuntime().availableProcessors() + " cores", loadBefore, loadAfter));
    sb.append("| scenario | figure | value | target | status |\n|---|---|---|---|---|\n");
    for (Figure f : ctx.figures) {
      sb.append("| ").append(f.scenario()).append(" | ").append(f.name()).append(" | ").append(f.valueText()).append(" | ")
          .append(f.target() == null ? "" : f.target().text().replace("<", "&lt;").replace(">", "&gt;")).append(" | ")
          .append(f.status()).append(" |\n");
    }
    if (scale != null && !scale.rows.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%nScale model (%s efficiency %.3f%s): time to read at the default limit "
          + "(300/5 s, budget 250/5 s), at a raised limit (3,000/5 s, budget 2,500/5 s, 8 task slots) and with "
          + "request_budget=auto alone on a default account (its measured rate).%n%n",
          ctx.measured.getOrDefault("scale.assumed", 1.0) > 0 ? "assumed" : "measured",
          ctx.measured.getOrDefault("scale.efficiency", 1.0),
          ctx.measured.getOrDefault("scale.fromDuty", 0.0) > 0 ? ", the report job's duty" : ""));
      sb.append("| job | calls/day | CDRs | default limit | raised limit | auto, default limit |\n|---|---:|---:|---:|---:|---:|\n");
      for (ScaleModel.Row r : scale.rows) {
        sb.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %s | %s |%n", r.job(), r.callsPerDay(), r.cdrs(),
            ScaleModel.duration(r.defaultSeconds()), ScaleModel.duration(r.raisedSeconds()),
            ScaleModel.duration(r.autoSeconds())));
      }
    }
    return sb.toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
  }
}
