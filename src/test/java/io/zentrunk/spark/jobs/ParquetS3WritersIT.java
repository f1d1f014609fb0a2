package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.ParquetLake;
import io.zentrunk.spark.lake.StageMarkers;
import io.zentrunk.spark.testing.JobRunner;
import io.zentrunk.spark.testing.S3ProxyServer;
import io.zentrunk.spark.testing.TestSpark;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ingests into one S3 Parquet lake (S3Proxy, which honours conditional writes), as users run them. The first
 * is stalled as a whole (SIGSTOP: a GC pause, a frozen VM) at its commit point, after its lease check and its data,
 * just before it writes the state, for longer than its lease lives; the second takes the expired lease over (on the
 * store's clock) and commits. Resumed, the first must fail in one line: its commit, the state write, is conditional
 * on the state it started from, so the store refuses it whatever the first run believed.
 */
class ParquetS3WritersIT {

  static final String BUCKET = "parquet-writers-it";
  static final int LEASE_SECONDS = 3;

  @Test
  void aWriterStalledAtItsCommitPastItsLeaseCannotCommitAfterAnotherTookOver(@TempDir Path tmp) throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start();
        ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(48).callsPerDay(300)
            .now(JobsIT.NOW).rateLimitOff().build())) {
      s3.createBucket(BUCKET);
      String lake = "s3a://" + BUCKET + "/lake";
      List<String> conf = new ArrayList<>();
      s3.s3aSettings().forEach((k, v) -> conf.add("spark.hadoop." + k + "=" + v));
      conf.add("spark.hadoop.zentrunk.lake.lease-seconds=" + LEASE_SECONDS);
      String[] args = {"ingest", "--lake", lake, "--format", "parquet", "--start", "2026-10-27", "--end", "2026-10-30",
          "--api-url", api.baseUrl(), "--now", "2026-11-01 12:00:00", "--source-option", "request_budget=100000"};
      Stages a = new Stages(tmp.resolve("a"));
      Stages b = new Stages(tmp.resolve("b"));
      Path aLogFile = tmp.resolve("a.log");
      Path bLogFile = tmp.resolve("b.log");
      Process pa = JobRunner.submit(api, aLogFile, a.jvmArgs(StageMarkers.STATE_WRITE), conf, args);
      Process pb = null;
      try {
        a.await(pa, StageMarkers.STATE_WRITE, Duration.ofMinutes(4), aLogFile);
        Stages.signal(pa, "STOP");
        long stalled = System.currentTimeMillis();
        a.go(StageMarkers.STATE_WRITE); // it goes on only when resumed
        Thread.sleep((LEASE_SECONDS + 2) * 1000L); // the lease's whole life passes without a renewal
        pb = JobRunner.submit(api, bLogFile, b.jvmArgs(null), conf, args);
        assertThat(pb.waitFor(4, TimeUnit.MINUTES)).isTrue();
        String bLog = Files.readString(bLogFile);
        assertThat(pb.exitValue()).as(bLog).isZero();
        assertThat(pa.isAlive()).as("A is still stalled").isTrue();
        assertThat(b.at(StageMarkers.LOCKED)).as("B took the lease while A, stalled, held it").isGreaterThan(stalled);
        assertThat(b.reached(StageMarkers.STATE_WRITE)).isTrue();

        Stages.signal(pa, "CONT");
        long resumed = System.currentTimeMillis();
        assertThat(pa.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String aLog = Files.readString(aLogFile);
        System.out.printf("Parquet S3 writers: A stalled %d ms at its commit; B took the lease %d ms into it%n",
            resumed - stalled, b.at(StageMarkers.LOCKED) - stalled);
        assertThat(pa.exitValue()).as(aLog).isEqualTo(1);
        List<String> why = aLog.lines().filter(l -> l.startsWith("zentrunk-spark ingest:")).toList();
        assertThat(why).as(aLog).hasSize(1);
        assertThat(why.get(0)).as(aLog).contains("another ingest committed to --lake " + lake)
            .contains("this run's state was not written");
      } finally {
        if (pa.isAlive()) {
          Stages.signal(pa, "CONT");
        }
        pa.destroyForcibly();
        if (pb != null) {
          pb.destroyForcibly();
        }
      }

      SparkSession spark = TestSpark.session();
      s3.s3aSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
      List<Row> rows = spark.read().parquet(lake + "/cdrs").select("call_uuid").collectAsList();
      Set<String> uuids = rows.stream().map(r -> r.getString(0)).collect(Collectors.toSet());
      assertThat(uuids).as("no duplicates").hasSize(rows.size());
      assertThat(uuids).isEqualTo(api.groundTruth(IcebergS3WritersIT.FIRST, IcebergS3WritersIT.END).stream()
          .map(EmulatedCall::callUuid).collect(Collectors.toSet()));
      FileSystem fs = FileSystem.get(URI.create(lake), spark.sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(lake, ParquetLake.STATE_FILE))) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .contains("\"complete_until\":\"" + IcebergS3WritersIT.END + "\"");
      }
    }
  }
}
