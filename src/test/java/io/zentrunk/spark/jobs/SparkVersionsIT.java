package io.zentrunk.spark.jobs;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.testing.S3ProxyServer;
import io.zentrunk.spark.testing.TestFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Spark version matrix: the project's jar (built against Spark 4.1.2) on stock Spark 4.0, 4.1 and
 * 4.2, each resolved from Maven by its own small pom ({@code jobs/spark/<minor>/pom.xml}, Spark alone
 * with {@code -P '!extras'}), through Spark's real {@code SparkSubmit} in its own JVM, the way a stock
 * installation's {@code spark-submit} runs it:
 *
 * <ul>
 *   <li>with the jars of {@code jobs/dist --spark <minor>} on {@code --jars} (S3A, the modular AWS SDK,
 *       the cloud committers, Iceberg where it exists), on a home whose {@code ~/.m2} holds the POM-only
 *       entry that stops Ivy's {@code --packages} ({@code io.netty:netty-codec-http:4.1.115.Final});
 *   <li>with {@code jobs/log4j2.properties}, as the README's lines pass it: no INFO line, no plan
 *       truncation warning;
 *   <li>one application per version: the report job writing to {@code s3a://} on S3Proxy, then a read
 *       with {@code call_direction} and {@code bill_duration} pushed into the API's filters, then (4.0,
 *       4.1) that read written to an Iceberg table (Hadoop catalog) and read back. All equal the emulator's ground
 *       truth.
 * </ul>
 */
class SparkVersionsIT {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant FROM = Instant.parse("2026-10-20T00:00:00Z");
  static final Instant TO = FROM.plus(Duration.ofHours(12));
  static final Path ROOT = Path.of("").toAbsolutePath();
  static final Path WORK = ROOT.resolve("target/spark-versions");
  /** The Spark version each pom resolves. */
  static final Map<String, String> SPARK = Map.of("4.0", "4.0.4", "4.1", "4.1.2", "4.2", "4.2.0");

  static ZentrunkEmulator api;
  static S3ProxyServer s3;
  static List<EmulatedCall> truth;
  static Path appJar;

  @BeforeAll
  static void start() throws Exception {
    TestFiles.deleteRecursively(WORK);
    Files.createDirectories(WORK);
    api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(15).callsPerDay(5_000).now(NOW).build());
    truth = api.groundTruth(FROM, TO);
    assertThat(truth.size()).isGreaterThan(1_000);
    s3 = S3ProxyServer.start();
    s3.createBucket("versions");
    appJar = WORK.resolve("spark-versions-app.jar");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(appJar))) {
      String entry = SparkVersionsApp.class.getName().replace('.', '/') + ".class";
      jar.putNextEntry(new JarEntry(entry));
      Files.copy(ROOT.resolve("target/test-classes").resolve(entry), jar);
      jar.closeEntry();
    }
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @ParameterizedTest(name = "Spark {0}")
  @ValueSource(strings = {"4.0", "4.1", "4.2"})
  void reportAndPushdownReadOnStockSpark(String minor) throws Exception {
    Path dir = Files.createDirectories(WORK.resolve(minor));
    long began = System.nanoTime();

    // what a platform engineer would run: the dist folder for this Spark, and Spark itself from Maven
    Path dist = dir.resolve("dist");
    Run distRun = run(List.of(ROOT.resolve("jobs/dist").toString(), "--spark", minor, "--out", dist.toString()),
        Map.of(), 600);
    assertThat(distRun.exit).as(distRun.output).isZero();
    Path sparkCp = dir.resolve("spark-classpath.txt");
    Run cpRun = run(List.of("mvn", "-q", "-B", "-ntp", "-f", ROOT.resolve("jobs/spark/" + minor + "/pom.xml").toString(),
        "-P", "!extras", "dependency:build-classpath", "-DincludeScope=provided", "-Dmdep.outputFile=" + sparkCp),
        Map.of(), 600);
    assertThat(cpRun.exit).as(cpRun.output).isZero();
    List<String> jars = new ArrayList<>();
    for (String j : Files.readString(dist.resolve("jars.txt")).trim().split(",")) {
      jars.add(dist.resolve(j).toString());
    }
    boolean iceberg = jars.stream().anyMatch(j -> j.contains("iceberg-spark-runtime-" + minor + "_"));
    assertThat(iceberg).as("Iceberg runtime in the dist").isEqualTo(!minor.equals("4.2"));
    Path appJarOfProject;
    try (Stream<Path> s = Files.list(dist)) {
      appJarOfProject = s.filter(p -> p.getFileName().toString().matches("zentrunk-spark-.*\\.jar")).findFirst()
          .orElseThrow();
    }
    jars.add(0, appJarOfProject.toString());

    // a home whose ~/.m2 holds a POM-only entry, as Maven builds leave them
    Path home = dir.resolve("home");
    Path pomOnly = Files.createDirectories(home.resolve(".m2/repository/io/netty/netty-codec-http/4.1.115.Final"));
    Files.writeString(pomOnly.resolve("netty-codec-http-4.1.115.Final.pom"), "<project><modelVersion>4.0.0</modelVersion>"
        + "<groupId>io.netty</groupId><artifactId>netty-codec-http</artifactId><version>4.1.115.Final</version></project>\n");

    Path check = Files.createDirectories(dir.resolve("check"));
    String report = "s3a://versions/spark-" + minor + "/report";
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx1g"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")).toList());
    cmd.addAll(List.of("-Duser.home=" + home, "-Dlog4j2.configurationFile=" + ROOT.resolve("jobs/log4j2.properties"),
        "-cp", Files.readString(sparkCp).trim(), "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.shuffle.partitions=4",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.jars.ivy=" + home.resolve(".ivy2")));
    s3.s3aSettings().forEach((k, v) -> cmd.addAll(List.of("--conf", "spark.hadoop." + k + "=" + v)));
    cmd.addAll(List.of("--jars", String.join(",", jars),
        "--class", SparkVersionsApp.class.getName(), appJar.toString(),
        api.baseUrl(), FROM.toString(), TO.toString(), NOW.toString(), report, check.toString(),
        iceberg ? dir.resolve("warehouse").toString() : "none"));
    Run submit = run(cmd, Map.of("HOME", home.toString(), "PLIVO_AUTH_ID", api.config().authId(),
        "PLIVO_AUTH_TOKEN", api.config().authToken()), 600);
    System.out.printf("Spark %s: dist, classpath and spark-submit in %.1f s%n", minor,
        (System.nanoTime() - began) / 1e9);
    assertThat(submit.exit).as("spark-submit on Spark %s:\n%s", minor, submit.output).isZero();
    assertThat(Files.readString(check.resolve("spark-version.txt"))).isEqualTo(SPARK.get(minor));

    // quiet: no INFO line at all, and no plan-truncation warning
    assertThat(submit.output.lines().filter(l -> l.contains(" INFO ")).toList()).as(submit.output).isEmpty();
    assertThat(submit.output).doesNotContain("Truncated the string representation");
    assertThat(submit.output).contains("Calls: " + truth.size());

    // the report, read back from S3 by that Spark, is the ground truth's
    Map<String, String> expected = new TreeMap<>();
    truth.stream().collect(Collectors.groupingBy(c -> String.join("|",
            LocalDate.ofInstant(c.endTime(), ZoneOffset.UTC).toString(), c.callDirection(), c.hangupSource(),
            String.valueOf(c.hangupCauseCode())), Collectors.toList()))
        .forEach((k, calls) -> expected.put(k, calls.size() + "|" + calls.stream().map(EmulatedCall::totalAmount)
            .reduce(BigDecimal.ZERO, BigDecimal::add).stripTrailingZeros().toPlainString()));
    assertThat(Files.readAllLines(check.resolve("hangup_causes.txt")))
        .containsExactlyElementsOf(expected.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());

    // the read with pushdown: the filters reached the API, and the rows are exactly the ground truth's
    List<String> outboundBilled = truth.stream()
        .filter(c -> c.callDirection().equals("outbound") && c.billDuration() > 60)
        .map(EmulatedCall::callUuid).sorted().toList();
    assertThat(outboundBilled).isNotEmpty();
    assertThat(Files.readString(check.resolve("plan.txt"))).contains("call_direction=outbound")
        .contains("bill_duration__gte=61");
    assertThat(Files.readAllLines(check.resolve("pushdown.txt"))).containsExactlyElementsOf(outboundBilled);
    if (iceberg) {
      assertThat(Files.readAllLines(check.resolve("iceberg.txt"))).containsExactlyElementsOf(outboundBilled);
    }
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  record Run(int exit, String output) {}

  static Run run(List<String> cmd, Map<String, String> env, long timeoutSeconds) throws IOException, InterruptedException {
    Path log = Files.createTempFile(WORK, "run", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().remove("PLIVO_AUTH_ID");
    pb.environment().remove("PLIVO_AUTH_TOKEN");
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return new Run(124, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log));
      }
      return new Run(p.exitValue(), Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
