package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code jobs/run} as a user types it, on the packaged jar (the integration-test phase runs after package). */
class LauncherIT {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) throws Exception {
    String[] cmd = new String[args.length + 2];
    cmd[0] = "bash";
    cmd[1] = "jobs/run";
    System.arraycopy(args, 0, cmd, 2, args.length);
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    // both streams are small (a usage text); read them after the exit
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("jobs/run %s ended", String.join(" ", args)).isTrue();
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void everyJobsHelpIsTheUsageAloneWithNoSparkOrHadoopLinesBeforeIt() throws Exception {
    // the jobs as jobs/run lists them (CommandsTest checks that list is Main's; here Main is the shaded jar's)
    java.util.regex.Matcher list = java.util.regex.Pattern.compile("(?m)^JOBS=\\(([^)]*)\\)")
        .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("jobs/run")));
    assertThat(list.find()).as("jobs/run's JOBS=(...)").isTrue();
    for (String job : list.group(1).split(" ")) {
      Run help = run(job, "--help");
      assertThat(help.code()).as("%s --help exit code", job).isZero();
      assertThat(help.err()).as("%s --help stderr", job).isEmpty();
      assertThat(help.out()).as("%s --help", job).startsWith("Usage: zentrunk-spark " + job + " ");
      // an 80-column terminal: no longer line, no line broken before it is full (HelpLayout)
      assertThat(HelpLayout.problems(help.out())).as("%s --help at 80 columns", job).isEmpty();
    }
  }

  @Test
  void versionNamesTheProjectAndItsVersion() throws Exception {
    Run version = run("report", "--version");
    assertThat(version.code()).isZero();
    assertThat(version.err()).isEmpty();
    assertThat(version.out().strip()).matches("zentrunk-spark \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
  }

  /** Where jobs/run keeps the jobs' class-data sharing archives. */
  private static final Path CDS = Path.of("target", "cds");

  /**
   * A Spark job's class-data sharing archive (jobs/lib.sh cds_setup), over runs of {@code jobs/run report} on one
   * small day of the emulator: a failing first run (its exit code passed on, no archive kept), one stopped by
   * Ctrl-C (the launcher waits for its JVM, but the JVM stops, and no archive is kept), the first run that succeeds
   * (makes it), the second (maps its classes from it: Java's class-load log names the archive as their source), an
   * opted-out run (none of them), watch (neither makes nor uses one), and one whose archive records another classpath
   * (what Java 17 answers with a warning on stdout): that job works and prints what the others print. Leaves a good
   * archive in place for the report runs that come later in the build.
   */
  @Test
  void aSparkJobStartsFromTheArchiveItsFirstRunMadeAndAStaleOneChangesNothing() throws Exception {
    Instant now = Instant.parse("2026-11-01T12:00:00Z");
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(34).callsPerDay(200).now(now)
        .rateLimitOff().build())) {
      Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "launcher-share").toAbsolutePath();
      for (Path a : archives()) {
        Files.delete(a);
      }
      List<String> day = List.of("--start", "2026-10-30", "--end", "2026-10-31", "--no-fraud-baseline-read", "--api-url",
          api.baseUrl(), "--now", api.now().toString());
      List<String> good = new ArrayList<>(day);
      good.addAll(List.of("--output", work.resolve("out").toString()));

      // bad input (no --output): the job fails after the JVM's start, in the run that would make the archive
      Run failed = report(api, work, "failed", Map.of(), day, 2);
      assertThat(failed.err()).contains("missing required option --output");
      assertThat(dumped(work, "failed")).as("the failed run wrote an archive at its exit").isTrue();
      assertThat(files()).as("report's files in target/cds after a failed run").isEmpty();

      // Ctrl-C (SIGINT to the terminal's process group) while the run that would make the archive waits for its JVM
      ctrlC(work, good);

      Run first = report(api, work, "first", Map.of(), good, 0);
      assertThat(first.out()).as("the report's summary").contains("Calls: ");
      List<Path> made = archives();
      assertThat(made).as("archives after the first run").hasSize(1);
      Path archive = made.get(0);
      // target/cds/report-<key>-<bytes>.jsa, whole, and no temporary file left
      assertThat(archive.getFileName().toString()).matches("report-[0-9a-f]{16}-" + Files.size(archive) + "\\.jsa");
      assertThat(files()).as("report's files in target/cds").containsExactly(archive.getFileName().toString());

      Run second = report(api, work, "second", Map.of(), good, 0);
      assertThat(second.out()).isEqualTo(first.out());
      assertThat(fromTopArchive(work, "second")).as("classes loaded from the archive by the second run").isGreaterThan(1000);

      report(api, work, "off", Map.of("ZENTRUNK_CDS", "0"), day, 2);
      assertThat(fromTopArchive(work, "off")).as("classes from the archive, opted out").isZero();
      // watch runs until a signal stops it (never exit 0): it neither makes nor uses one (bad input: no --alerts)
      run(api, work, "watch", "watch", Map.of(), List.of("--api-url", api.baseUrl()), 2);
      assertThat(fromAnyArchive(work, "watch")).as("classes from a dynamic archive, watch").isZero();
      assertThat(dumped(work, "watch")).as("watch wrote an archive at its exit").isFalse();
      try (Stream<Path> s = Files.list(CDS)) {
        assertThat(s.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("watch-")).toList())
            .as("watch's files in target/cds").isEmpty();
      }

      // the archive as it would be after the classpath changed under it (Java then says "Unable to use shared archive")
      Path kept = work.resolve("good.jsa");
      Files.copy(archive, kept);
      String firstEntry = Files.readString(Path.of("target", "spark-classpath.txt")).strip().split(":")[0];
      changeOneByteOf(archive, firstEntry);
      try {
        Run stale = report(api, work, "stale", Map.of(), good, 0);
        assertThat(stale.out()).as("stdout with a stale archive").isEqualTo(first.out());
        assertThat(stale.err().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS"))
            .filter(l -> l.matches("(?i).*(cds|shared archive|\\[warning\\]).*")).toList())
            .as("stderr lines about the archive").isEmpty();
        assertThat(fromTopArchive(work, "stale")).as("classes from a stale archive").isZero();
        assertThat(archives()).as("a stale archive is left (Java refuses it), not remade").containsExactly(archive);
      } finally {
        Files.move(kept, archive, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /**
   * Starts {@code jobs/run report ARGS} in a process group of its own, sends SIGINT to the group once the job's JVM
   * runs, and asserts that both stop (the shell by SIGINT, as a shell's command stopped by Ctrl-C) and keep no
   * archive.
   */
  private static void ctrlC(Path work, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("setsid", "bash", "jobs/run", "report"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(work.resolve("ctrl-c.out").toFile()).redirectError(work.resolve("ctrl-c.err").toFile()).start();
    ProcessHandle jvm = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (jvm == null && p.isAlive() && System.nanoTime() < deadline) {
      jvm = p.descendants().filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst().orElse(null);
      if (jvm == null) {
        Thread.sleep(50); // polls for the JVM's process: no event to wait on
      }
    }
    assertThat(jvm).as("the job's JVM under jobs/run").isNotNull();
    assertThat(Files.readString(Path.of("/proc", String.valueOf(jvm.pid()), "cmdline")).split("\0"))
        .as("the JVM's command line").anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
    Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + p.pid()).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -INT to the group").isZero();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("jobs/run ended after Ctrl-C").isTrue();
    assertThat(p.exitValue()).as("jobs/run's exit code after Ctrl-C (128 + SIGINT)").isEqualTo(130);
    assertThat(jvm.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("the job's JVM after Ctrl-C").isFalse();
    assertThat(files()).as("report's files in target/cds after Ctrl-C").isEmpty();
  }

  /** The names of report's files in target/cds. */
  private static List<String> files() throws IOException {
    if (!Files.isDirectory(CDS)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(CDS)) {
      return s.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("report-")).sorted().toList();
    }
  }

  private static List<Path> archives() throws IOException {
    if (!Files.isDirectory(CDS)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(CDS)) {
      return s.filter(f -> f.getFileName().toString().matches("report-.*\\.jsa")).sorted().toList();
    }
  }

  /** {@code jobs/run report ARGS}, with Java's class-load log in {@code work/NAME.classes}; asserts its exit code. */
  private static Run report(ZentrunkEmulator api, Path work, String name, Map<String, String> env, List<String> args,
      int code) throws Exception {
    return run(api, work, name, "report", env, args, code);
  }

  /** {@code jobs/run JOB ARGS}, with Java's class-load log in {@code work/NAME.classes}; asserts its exit code. */
  private static Run run(ZentrunkEmulator api, Path work, String name, String job, Map<String, String> env, List<String> args,
      int code) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", "jobs/run", job));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(work.resolve(name + ".out").toFile()).redirectError(work.resolve(name + ".err").toFile());
    pb.environment().putAll(env);
    pb.environment().putAll(Map.of("PLIVO_AUTH_ID", api.config().authId(), "PLIVO_AUTH_TOKEN", api.config().authToken(),
        "JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + work.resolve(name + ".classes") + " -Xlog:cds=info:file="
            + work.resolve(name + ".cds")));
    Process p = pb.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("jobs/run %s (%s) ended", job, name).isTrue();
    Run r = new Run(p.exitValue(), Files.readString(work.resolve(name + ".out")), Files.readString(work.resolve(name + ".err")));
    assertThat(r.code()).as("jobs/run %s (%s) exit code; stderr: %s", job, name, r.err()).isEqualTo(code);
    return r;
  }

  /** How many classes the run loaded from a dynamic (top) archive, by Java's class-load log. */
  private static long fromTopArchive(Path work, String name) throws IOException {
    try (Stream<String> lines = Files.lines(work.resolve(name + ".classes"))) {
      return lines.filter(l -> l.contains("source: shared objects file (top)")).count();
    }
  }

  /** How many classes the run loaded from any dynamic archive (top), by Java's class-load log; and the base's count must be > 0. */
  private static long fromAnyArchive(Path work, String name) throws IOException {
    try (Stream<String> lines = Files.lines(work.resolve(name + ".classes"))) {
      List<String> shared = lines.filter(l -> l.contains("source: shared objects file")).toList();
      assertThat(shared).as("classes from the JDK's own archive (the log works)").isNotEmpty();
      return shared.stream().filter(l -> l.contains("(top)")).count();
    }
  }

  /** Whether the run's JVM wrote a dynamic archive at its exit, by Java's cds log. */
  private static boolean dumped(Path work, String name) throws IOException {
    return Files.readString(work.resolve(name + ".cds")).contains("Dumping shared data to file");
  }

  /** Changes the last-but-four byte of the first occurrence of {@code text} in {@code file}. */
  private static void changeOneByteOf(Path file, String text) throws IOException {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size());
      outer:
      for (int i = 0; i + t.length <= b.limit(); i++) {
        for (int j = 0; j < t.length; j++) {
          if (b.get(i + j) != t[j]) {
            continue outer;
          }
        }
        int at = i + t.length - 5;
        b.put(at, (byte) (b.get(at) == 'X' ? 'Y' : 'X'));
        b.force();
        return;
      }
    }
    throw new AssertionError("the archive does not hold the classpath entry " + text);
  }
}
