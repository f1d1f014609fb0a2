package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.testing.JobRunner;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.IcebergLake;
import io.zentrunk.spark.lake.StageMarkers;
import io.zentrunk.spark.testing.S3ProxyServer;
import io.zentrunk.spark.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ingests into one S3 path lake (S3Proxy, which honours conditional writes), as users run them: processes
 * through SparkSubmit. One is stalled as a whole (SIGSTOP, every thread: a GC pause or a frozen VM) between the
 * last check of its commit and its write, for longer than its lease lives; the other takes the expired lease
 * over and commits meanwhile. The stalled one must then fail in one line, committing nothing.
 */
class IcebergS3WritersIT {

  static final String BUCKET = "writers-it";
  static final Instant FIRST = Instant.parse("2026-10-27T00:00:00Z");
  static final Instant END = Instant.parse("2026-10-30T00:00:00Z");
  /** the lease's life in this test; the stall lasts longer */
  static final int LEASE_SECONDS = 3;

  @Test
  void aWriterStalledBetweenItsCheckAndItsWriteLosesAndTheOtherCommits(@TempDir Path tmp) throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start();
        ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(47).callsPerDay(300)
            .now(JobsIT.NOW).rateLimitOff().build())) {
      s3.createBucket(BUCKET);
      String lake = "s3a://" + BUCKET + "/lake";
      List<String> conf = new ArrayList<>();
      s3.s3aSettings().forEach((k, v) -> conf.add("spark.hadoop." + k + "=" + v));
      conf.add("spark.hadoop.zentrunk.lake.lease-seconds=" + LEASE_SECONDS);
      String[] args = {"ingest", "--lake", lake, "--start", "2026-10-27", "--end", "2026-10-30", "--api-url",
          api.baseUrl(), "--now", "2026-11-01 12:00:00", "--source-option", "request_budget=100000"};
      Stages a = new Stages(tmp.resolve("a"));
      Stages b = new Stages(tmp.resolve("b"));
      String stalledAt = StageMarkers.FAST_FORWARD + "-write";
      // started together; B waits before its lock until A is stalled and A's lease has expired
      Process pa = JobRunner.submit(api, tmp.resolve("a.log"), a.jvmArgs(stalledAt), conf, args);
      Process pb = JobRunner.submit(api, tmp.resolve("b.log"), b.jvmArgs(StageMarkers.OPENED), conf, args);
      try {
        a.await(pa, stalledAt, Duration.ofMinutes(4), tmp.resolve("a.log"));
        Stages.signal(pa, "STOP");
        long stalled = System.currentTimeMillis();
        a.go(stalledAt); // it goes on only when resumed
        Thread.sleep((LEASE_SECONDS + 2) * 1000L);
        b.await(pb, StageMarkers.OPENED, Duration.ofMinutes(2), tmp.resolve("b.log"));
        b.go(StageMarkers.OPENED);
        assertThat(pb.waitFor(4, TimeUnit.MINUTES)).isTrue();
        String bLog = Files.readString(tmp.resolve("b.log"));
        assertThat(pb.exitValue()).as(bLog).isZero();
        assertThat(pa.isAlive()).as("A is still stalled").isTrue();
        assertThat(b.at(StageMarkers.LOCKED)).as("B took the lease while A held it, stalled").isGreaterThan(stalled);
        assertThat(b.at(StageMarkers.COMMITTED)).isGreaterThan(stalled);
        assertThat(a.reached(StageMarkers.COMMITTED)).isFalse();

        Stages.signal(pa, "CONT");
        long resumed = System.currentTimeMillis();
        assertThat(pa.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String aLog = Files.readString(tmp.resolve("a.log"));
        System.out.printf("S3 writers: A stalled %d ms between its check and its write; B committed %d ms into it%n",
            resumed - stalled, b.at(StageMarkers.COMMITTED) - stalled);
        assertThat(pa.exitValue()).as(aLog).isEqualTo(1);
        List<String> why = aLog.lines().filter(l -> l.startsWith("zentrunk-spark ingest:")).toList();
        assertThat(why).as(aLog).hasSize(1);
        assertThat(why.get(0)).as(aLog).contains("another writer committed to --lake " + lake)
            .contains("nothing of this run is visible");
        assertThat(a.reached(StageMarkers.COMMITTED)).isFalse();
      } finally {
        pa.destroyForcibly();
        pb.destroyForcibly();
        if (pa.isAlive()) {
          Stages.signal(pa, "CONT");
        }
      }

      SparkSession spark = TestSpark.session();
      s3.s3aSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
      spark.conf().set("spark.sql.catalog.default_iceberg", "org.apache.iceberg.spark.SparkCatalog");
      spark.conf().set("spark.sql.catalog.default_iceberg.type", "hadoop");
      spark.conf().set("spark.sql.catalog.default_iceberg.warehouse", tmp.resolve("default-warehouse").toUri().toString());
      Table t = new HadoopTables(spark.sparkContext().hadoopConfiguration()).load(lake + "/cdrs");
      List<Row> rows = spark.read().format("iceberg").load(lake + "/cdrs").select("call_uuid").collectAsList();
      Set<String> uuids = rows.stream().map(r -> r.getString(0)).collect(Collectors.toSet());
      assertThat(uuids).as("no duplicates").hasSize(rows.size());
      assertThat(uuids).isEqualTo(api.groundTruth(FIRST, END).stream().map(EmulatedCall::callUuid)
          .collect(Collectors.toSet()));
      List<String> states = new ArrayList<>();
      for (Snapshot s = t.currentSnapshot(); s != null; s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
        if (s.summary().get(IcebergLake.COMPLETE_UNTIL) != null) {
          states.add(0, s.summary().get(IcebergLake.COMPLETE_UNTIL));
        }
      }
      assertThat(states).as("one run committed, the state never moved back").containsExactly(END.toString());
      assertThat(t.refs().keySet()).contains("main");
    }
  }
}
