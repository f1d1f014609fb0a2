package io.zentrunk.spark.jobs;

import io.zentrunk.spark.testing.JobRunner;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.IcebergLake;
import io.zentrunk.spark.lake.Provenance;
import io.zentrunk.spark.testing.TestSpark;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job as users run it, through Spark's real SparkSubmit with the built jar, into an Iceberg lake on
 * local disk: without credentials, killed from outside at random points, and twice at the same time.
 */
class IcebergJobsIT {

  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
    spark.conf().set("spark.sql.catalog.default_iceberg", "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set("spark.sql.catalog.default_iceberg.type", "hadoop");
    spark.conf().set("spark.sql.catalog.default_iceberg.warehouse",
        Path.of(System.getProperty("java.io.tmpdir"), "zentrunk-default-iceberg").toUri().toString());
  }

  static Table table(Path lake) {
    return new HadoopTables(spark.sparkContext().hadoopConfiguration()).load(lake.resolve("cdrs").toString());
  }

  static List<Row> lake(Path lake) {
    return spark.read().format("iceberg").load(lake.resolve("cdrs").toString()).select("call_uuid", "end_time")
        .collectAsList();
  }

  static Set<String> uuids(List<Row> rows) {
    Set<String> set = rows.stream().map(r -> r.getString(0)).collect(Collectors.toSet());
    assertThat(set).as("no duplicates in the lake").hasSize(rows.size());
    return set;
  }

  static Set<String> truth(ZentrunkEmulator api, Instant from, Instant to) {
    return api.groundTruth(from, to).stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
  }

  /** The state never runs ahead of the data: every CDR before the state is in the lake, exactly. */
  static String assertStateNotAheadOfData(ZentrunkEmulator api, Path lake, Instant first) {
    if (!Files.exists(lake.resolve("cdrs").resolve("metadata"))) {
      return "no table";
    }
    Table t = table(lake);
    if (t.currentSnapshot() == null) {
      return "no snapshot";
    }
    String state = t.currentSnapshot().summary().get(IcebergLake.COMPLETE_UNTIL);
    if (state == null) {
      assertThat(lake(lake)).isEmpty();
      return "no state, empty";
    }
    Instant s = Instant.parse(state);
    Set<String> before = lake(lake).stream().filter(r -> ((Instant) r.get(1)).isBefore(s)).map(r -> r.getString(0))
        .collect(Collectors.toSet());
    assertThat(before).as("the lake holds exactly the CDRs before its state " + s).isEqualTo(truth(api, first, s));
    return "state " + s;
  }

  @Test
  void withoutCredentialsIngestCreatesNothingAndFailsInOneLine(@TempDir Path tmp) throws Exception {
    Path lake = tmp.resolve("lake");
    Path log = tmp.resolve("nocreds.log");
    int code = JobRunner.run(null, log, "ingest", "--lake", lake.toString(), "--start", "2026-10-20");
    String text = Files.readString(log);
    assertThat(code).as(text).isEqualTo(2);
    assertThat(text.lines().filter(l -> l.startsWith("zentrunk-spark ingest:"))).as(text).hasSize(1).first().asString()
        .contains("PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN are not set").contains("--emulator");
    assertThat(text).doesNotContain("built-in emulator at");
    assertThat(lake).doesNotExist();

    // asked for on purpose, the built-in emulator makes a demo lake that says where its CDRs come from
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Path demo = tmp.resolve("demo");
    Path demoLog = tmp.resolve("demo.log");
    int demoCode = JobRunner.run(null, demoLog, "ingest", "--lake", demo.toString(), "--emulator",
        "--start", today.minusDays(2).toString(), "--end", today.minusDays(1).toString());
    assertThat(demoCode).as(Files.readString(demoLog)).isZero();
    assertThat(table(demo).properties()).containsEntry(IcebergLake.API_HOST, Provenance.BUILT_IN_EMULATOR);
    assertThat(lake(demo)).isNotEmpty();
  }

  @Test
  void ingestKilledAtRandomPointsThenRerunEqualsTheGroundTruth(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(41).callsPerDay(1_500).now(JobsIT.NOW)
        .latency(Duration.ofMillis(5), Duration.ofMillis(5)).rateLimit(600, Duration.ofSeconds(5)).build())) {
      Path lake = tmp.resolve("lake");
      Instant first = Instant.parse("2026-10-22T00:00:00Z");
      String[] args = {"ingest", "--lake", lake.toString(), "--start", "2026-10-22", "--end", "2026-10-29", "--api-url",
          api.baseUrl(), "--now", "2026-11-01 12:00:00", "--source-option", "request_budget=500"};
      Random random = new Random(20261130);
      for (int attempt = 0; attempt < 3; attempt++) {
        Path log = tmp.resolve("kill" + attempt + ".log");
        Process p = JobRunner.submit(api, log, args);
        // JVM and Spark start-up take from 5 s to a minute depending on the machine's load: kill at a random
        // point after the run has opened the lake and started reading (read, write, commit or clean-up)
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && System.nanoTime() < deadline && !Files.readString(log).contains("] reading ")) {
          Thread.sleep(100);
        }
        long delay = random.nextInt(25_000);
        if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly(); // SIGKILL
          p.waitFor(30, TimeUnit.SECONDS);
        }
        System.out.printf("iceberg ingest attempt %d: %s %d ms after it started reading; %s%n", attempt,
            p.exitValue() == 0 ? "finished" : "killed", delay, assertStateNotAheadOfData(api, lake, first));
      }
      int code = JobRunner.run(api, tmp.resolve("final.log"), args);
      assertThat(code).as(Files.readString(tmp.resolve("final.log"))).isZero();
      assertThat(uuids(lake(lake))).isEqualTo(truth(api, first, Instant.parse("2026-10-29T00:00:00Z")));
      assertThat(table(lake).currentSnapshot().summary()).containsEntry(IcebergLake.COMPLETE_UNTIL, "2026-10-29T00:00:00Z");
      assertStateNotAheadOfData(api, lake, first);
    }
  }

  @Test
  void twoIngestsStartedAtOnceLeaveAnExactLakeAndEachSucceedsOrSaysWhy(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(43).callsPerDay(800).now(JobsIT.NOW)
        .rateLimitOff().build())) {
      Path lake = tmp.resolve("lake");
      Instant first = Instant.parse("2026-10-26T00:00:00Z");
      String[] args = {"ingest", "--lake", lake.toString(), "--start", "2026-10-26", "--api-url", api.baseUrl(),
          "--now", "2026-11-01 12:00:00", "--source-option", "request_budget=100000"};
      List<Process> ps = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ps.add(JobRunner.submit(api, tmp.resolve("writer" + i + ".log"), args));
      }
      List<String> outcomes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        assertThat(ps.get(i).waitFor(5, TimeUnit.MINUTES)).isTrue();
        String text = Files.readString(tmp.resolve("writer" + i + ".log"));
        if (ps.get(i).exitValue() == 0) {
          outcomes.add("succeeded");
        } else {
          List<String> why = text.lines().filter(l -> l.startsWith("zentrunk-spark ingest:")).toList();
          assertThat(why).as(text).hasSize(1);
          assertThat(why.get(0)).as(text).containsAnyOf("another ingest is writing", "another writer committed");
          outcomes.add("stopped: " + why.get(0));
        }
      }
      System.out.println("two ingests at once: " + outcomes);
      assertThat(outcomes).contains("succeeded");
      Instant state = Instant.parse("2026-11-01T00:00:00Z");
      assertThat(table(lake).currentSnapshot().summary()).containsEntry(IcebergLake.COMPLETE_UNTIL, state.toString());
      assertThat(uuids(lake(lake))).isEqualTo(truth(api, first, JobsIT.NOW));
      assertStateNotAheadOfData(api, lake, first);
    }
  }
}
