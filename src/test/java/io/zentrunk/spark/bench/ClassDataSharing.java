package io.zentrunk.spark.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * jobs/run's class-data sharing archive for a report JVM that the bench starts itself, through the launcher's own
 * functions (jobs/lib.sh {@code cds_setup}, {@code cds_keep}), so that the bench's figures are what a user of
 * {@code jobs/run} gets. When the archive is missing, a first run of the same command makes it; it is not counted
 * (a user pays it once), and writes no event log. {@code -Dbench.cds=false} (in BENCH_JAVA_OPTS): no archive, as {@code ZENTRUNK_CDS=0}.
 */
final class ClassDataSharing {

  static final boolean ON = Boolean.parseBoolean(System.getProperty("bench.cds", "true"));

  private ClassDataSharing() {}

  /**
   * The command line of a report JVM started as jobs/run starts it: java, the archive's options, the report's JVM
   * options ({@link ReportDuty#reportJvm}), Spark's classpath, then {@code SparkSubmit} with {@code submitArgs};
   * the archive made first (see {@link #options}) if missing.
   */
  static List<String> sparkSubmit(BenchContext ctx, List<String> submitArgs, Map<String, String> env, Path log)
      throws IOException, InterruptedException {
    List<String> jvm = ReportDuty.reportJvm();
    String cp = java.nio.file.Files.readString(Path.of("target", "spark-classpath.txt")).trim();
    Function<List<String>, List<String>> command = cds -> {
      List<String> c = new ArrayList<>();
      c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      c.addAll(cds);
      c.addAll(jvm);
      c.add("-cp");
      c.add(cp);
      c.add("org.apache.spark.deploy.SparkSubmit");
      c.addAll(submitArgs);
      return c;
    };
    return command.apply(options(ctx, "report", jvm, cp, command, env, log));
  }

  /**
   * The archive's JVM options for the job {@code job} run by {@code command} (given those options, the whole
   * command line) with JVM options {@code jvm} and classpath {@code classpath}; makes the archive first with an
   * uncounted run of the command if it is missing (its output into {@code log}).
   */
  private static List<String> options(BenchContext ctx, String job, List<String> jvm, String classpath,
      Function<List<String>, List<String>> command, Map<String, String> env, Path log) throws IOException, InterruptedException {
    if (!ON) {
      return List.of();
    }
    List<String> setup = setup(job, jvm, classpath);
    String make = setup.get(0);
    if (make.isEmpty()) {
      return setup.subList(2, setup.size());
    }
    long t0 = System.nanoTime();
    // without Spark's event log: the scenario reads the measured run's alone from its folder
    List<String> cmd = command.apply(setup.subList(2, setup.size())).stream()
        .map(a -> a.equals("spark.eventLog.enabled=true") ? "spark.eventLog.enabled=false" : a).toList();
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean done = p.waitFor(10, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    int code = done ? p.exitValue() : -1;
    bash("source jobs/lib.sh; CDS_MAKE=\"$1\"; CDS_BASE=\"$2\"; cds_keep \"$3\"", make, setup.get(1), String.valueOf(code));
    if (code != 0) {
      throw new IllegalStateException("the run that makes the class-data sharing archive failed (" + (done ? "exit " + code
          : "timeout") + "); see " + log);
    }
    ctx.out.printf(java.util.Locale.ROOT, "  class-data sharing archive made by a run not counted (%.1f s); log %s%n",
        (System.nanoTime() - t0) / 1e9, log);
    List<String> again = setup(job, jvm, classpath);
    if (!again.get(0).isEmpty()) {
      throw new IllegalStateException("no class-data sharing archive after the run that makes it; see " + log);
    }
    return again.subList(2, again.size());
  }

  /** cds_setup's answer: CDS_MAKE, CDS_BASE, then CDS_OPTS. */
  private static List<String> setup(String job, List<String> jvm, String classpath) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(job));
    args.addAll(jvm);
    args.add(classpath);
    return bash("source jobs/lib.sh; cds_setup \"$@\"; printf '%s\\n' \"$CDS_MAKE\" \"${CDS_BASE:-}\" \"${CDS_OPTS[@]}\"",
        args.toArray(String[]::new));
  }

  private static List<String> bash(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", "set -euo pipefail; " + script, "bash"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("jobs/lib.sh failed: " + script);
    }
    return out.lines().toList();
  }
}
