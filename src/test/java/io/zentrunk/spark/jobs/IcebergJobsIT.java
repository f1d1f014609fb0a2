package io.zentrunk.spark.jobs;

import io.zentrunk.spark.testing.JobRunner;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.IcebergLake;
import io.zentrunk.spark.lake.Provenance;
import io.zentrunk.spark.lake.StageMarkers;
import io.zentrunk.spark.testing.TestSpark;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
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
 * local disk: without credentials, killed from outside at named points, and twice at the same time.
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
  void ingestKilledAtNamedPointsThenRerunEqualsTheGroundTruth(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(41).callsPerDay(1_500).now(JobsIT.NOW)
        .latency(Duration.ofMillis(5), Duration.ofMillis(5)).rateLimit(600, Duration.ofSeconds(5)).build())) {
      Path lake = tmp.resolve("lake");
      Instant first = Instant.parse("2026-10-22T00:00:00Z");
      String[] args = {"ingest", "--lake", lake.toString(), "--start", "2026-10-22", "--end", "2026-10-29", "--api-url",
          api.baseUrl(), "--now", "2026-11-01 12:00:00", "--source-option", "request_budget=500"};
      // killed (SIGKILL) at three named points: while reading the API into the write, with the rows on the run's
      // branch just before the commit, and just after the commit before the clean-up
      String[][] points = {{StageMarkers.READING, null}, {StageMarkers.FAST_FORWARD, StageMarkers.FAST_FORWARD},
          {StageMarkers.COMMITTED, StageMarkers.COMMITTED}};
      for (int attempt = 0; attempt < points.length; attempt++) {
        String stage = points[attempt][0];
        Stages stages = new Stages(tmp.resolve("stages" + attempt));
        Process p = JobRunner.submit(api, tmp.resolve("kill" + attempt + ".log"), stages.jvmArgs(points[attempt][1]),
            List.of(), args);
        stages.await(p, stage, Duration.ofMinutes(4));
        if (points[attempt][1] == null) {
          Thread.sleep(1_500); // into the read: 1,500 calls a day at 600 requests per 5 s take several seconds
        }
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(tmp.resolve("kill" + attempt + ".log"));
        assertThat(p.exitValue()).as("killed by SIGKILL while alive, not exited by itself: " + text).isEqualTo(137);
        assertThat(stages.reached(stage)).isTrue();
        if (!stage.equals(StageMarkers.COMMITTED)) {
          assertThat(stages.reached(StageMarkers.COMMITTED)).as("killed before its commit").isFalse();
        }
        System.out.printf("iceberg ingest attempt %d: killed at %s; %s%n", attempt, stage,
            assertStateNotAheadOfData(api, lake, first));
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
      // overlap made certain: writer 0 holds the lake's lock, paused, while writer 1 tries to take it
      Stages s0 = new Stages(tmp.resolve("stages0"));
      Stages s1 = new Stages(tmp.resolve("stages1"));
      Process w0 = JobRunner.submit(api, tmp.resolve("writer0.log"), s0.jvmArgs(StageMarkers.LOCKED), List.of(), args);
      Process w1 = JobRunner.submit(api, tmp.resolve("writer1.log"), s1.jvmArgs(StageMarkers.OPENED), List.of(), args);
      try {
        s0.await(w0, StageMarkers.LOCKED, Duration.ofMinutes(4));
        s1.await(w1, StageMarkers.OPENED, Duration.ofMinutes(4));
        s1.go(StageMarkers.OPENED);
        assertThat(w1.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(w0.isAlive()).as("writer 0 still holds the lock, paused").isTrue();
        assertThat(s0.reached(StageMarkers.READING)).isFalse();
        String text1 = Files.readString(tmp.resolve("writer1.log"));
        assertThat(w1.exitValue()).as(text1).isEqualTo(1);
        List<String> why = text1.lines().filter(l -> l.startsWith("zentrunk-spark ingest:")).toList();
        assertThat(why).as(text1).hasSize(1);
        assertThat(why.get(0)).as(text1).contains("another ingest is writing to --lake " + lake);
        assertThat(s1.reached(StageMarkers.LOCKED)).isFalse();
        s0.go(StageMarkers.LOCKED);
        assertThat(w0.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(w0.exitValue()).as(Files.readString(tmp.resolve("writer0.log"))).isZero();
        System.out.println("two ingests at once: writer 1 stopped while writer 0 held the lake: " + why.get(0));
      } finally {
        w0.destroyForcibly();
        w1.destroyForcibly();
      }
      Instant state = Instant.parse("2026-11-01T00:00:00Z");
      assertThat(table(lake).currentSnapshot().summary()).containsEntry(IcebergLake.COMPLETE_UNTIL, state.toString());
      assertThat(uuids(lake(lake))).isEqualTo(truth(api, first, JobsIT.NOW));
      assertStateNotAheadOfData(api, lake, first);
    }
  }
}
