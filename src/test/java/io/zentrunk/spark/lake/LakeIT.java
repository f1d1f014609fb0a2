package io.zentrunk.spark.lake;

import io.zentrunk.spark.testing.TestTimes;
import io.zentrunk.spark.report.CallReports;
import io.zentrunk.spark.jobs.ProgressLines;
import io.zentrunk.spark.report.ReportJob;
import io.zentrunk.spark.testing.S3ProxyServer;
import io.zentrunk.spark.testing.TestCdrs;
import io.zentrunk.spark.testing.TestSpark;
import static io.zentrunk.spark.testing.TestCdrs.cdr;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest into a local lake and into S3 (S3Proxy, s3a://) through the same scenario: first run, incremental
 * run, re-run, late changes, an emptied day, a run that fails mid-write and its re-run, the retention guard.
 * Both lakes must end with the same rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LakeIT {

  private static final String BUCKET = "lake-it";
  private static final Map<String, List<String>> FINAL = new ConcurrentHashMap<>();
  private static final Provenance SOURCE = new Provenance("MATESTACCOUNT", "api.example.test");

  private static SparkSession spark;
  private static S3ProxyServer s3;

  @TempDir static Path tmp;

  @BeforeAll
  static void setUp() throws Exception {
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    spark = TestSpark.session();
    s3.s3aSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
  }

  @AfterAll
  static void tearDown() {
    if (s3 != null) {
      s3.close();
    }
  }

  /** The API as a mutable set of CDRs; it returns ALL of them whatever the window, which Lake must filter. */
  static final class FakeApi implements CdrInput {
    final Map<String, Row> rows = new LinkedHashMap<>();
    final List<String> windows = new ArrayList<>();

    void put(TestCdrs.Cdr c, String uuid) {
      rows.put(uuid, c.row());
    }

    @Override
    public Dataset<Row> read(Instant start, Instant end) {
      windows.add(start + "/" + end);
      return TestCdrs.df(spark, new ArrayList<>(rows.values()));
    }

    /** A count of a lookback day, recorded apart from the reads. */
    @Override
    public long count(Instant start, Instant end) {
      long n = rows.values().stream().map(r -> (Instant) r.get(10)) // end_time
          .filter(t -> !t.isBefore(start) && t.isBefore(end)).count();
      windows.add("count " + start + "/" + end + " = " + n);
      return n;
    }
  }

  /** Throws in the middle of the write job, at the row whose call_uuid is "boom". */
  static final class Boom {
    static final UserDefinedFunction UDF = functions.udf((UDF1<String, String>) u -> {
      if ("boom".equals(u)) {
        throw new IllegalStateException("injected failure at row " + u);
      }
      return u;
    }, DataTypes.StringType);
  }

  private static CdrLake.Result ingest(String lake, String start, String end, String now, CdrInput reader) {
    return ingest(lake, start, end, now, reader, false);
  }

  private static CdrLake.Result ingest(String lake, String start, String end, String now, CdrInput reader,
      boolean accept) {
    IngestJob.Args args = IngestJob.Args.lake(lake, LakeFormat.PARQUET,
        start == null ? null : TestTimes.utc(start),
        end == null ? null : TestTimes.utc(end), SOURCE).withLookback(1, accept);
    return IngestJob.run(spark, args, Instant.parse(now), reader, new ProgressLines("ingest", System.err)::line);
  }

  private static void add(FakeApi api, String uuid, String end) {
    api.put(cdr(uuid).end(end), uuid);
  }

  private static List<String> rows(String lake) {
    return TestSpark.lines(spark.read().parquet(lake + "/cdrs").orderBy(col("call_uuid"))).stream()
        .collect(Collectors.toList());
  }

  private static List<String> uuids(String lake) {
    return spark.read().parquet(lake + "/cdrs").orderBy("call_uuid").collectAsList().stream()
        .map(r -> r.getString(r.fieldIndex("call_uuid"))).collect(Collectors.toList());
  }

  private static List<String> partitions(String lake) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(lake + "/cdrs");
    return Arrays.stream(p.getFileSystem(spark.sparkContext().hadoopConfiguration()).listStatus(p))
        .filter(FileStatus::isDirectory).map(s -> s.getPath().getName()).filter(n -> n.startsWith("end_date="))
        .sorted().collect(Collectors.toList());
  }

  private static Optional<Instant> state(String lake) {
    return ParquetLake.open(spark, lake).state();
  }

  private static List<String> scenario(String lake) throws IOException {
    FakeApi api = new FakeApi();
    add(api, "a1", "2026-11-01T08:00:00Z");
    add(api, "a2", "2026-11-01T23:59:59Z");
    add(api, "b1", "2026-11-02T23:59:59Z");
    add(api, "c1", "2026-11-03T00:00:00Z");
    add(api, "c2", "2026-11-03T10:00:00Z");

    // 1. first run, explicit window: days 11-01 and 11-02 only
    CdrLake.Result r1 = ingest(lake, "2026-11-01", "2026-11-03", "2026-11-04T12:00:00Z", api);
    assertThat(api.windows).containsExactly("2026-11-01T00:00:00Z/2026-11-03T00:00:00Z");
    assertThat(r1.records()).isEqualTo(3);
    assertThat(uuids(lake)).containsExactly("a1", "a2", "b1");
    assertThat(partitions(lake)).containsExactly("end_date=2026-11-01", "end_date=2026-11-02");
    assertThat(state(lake)).contains(Instant.parse("2026-11-03T00:00:00Z"));

    // 2. incremental run: the lookback day 11-02 counted (unchanged: kept), the state day up to today (partial) read
    add(api, "d1", "2026-11-04T12:00:00Z");
    add(api, "e1", "2026-11-05T06:00:00Z");
    ingest(lake, null, null, "2026-11-05T12:00:00Z", api);
    assertThat(api.windows.subList(api.windows.size() - 2, api.windows.size())).containsExactly(
        "count 2026-11-02T00:00:00Z/2026-11-03T00:00:00Z = 1", "2026-11-03T00:00:00Z/2026-11-06T00:00:00Z");

    // 2b. a late CDR in the lookback day 11-04: that day is read again with the new ones, in one window; and a
    // CDR gone from it (which the API does not do): its count changed too
    add(api, "d0", "2026-11-04T20:00:00Z");
    ingest(lake, null, null, "2026-11-05T12:00:00Z", api);
    assertThat(api.windows.subList(api.windows.size() - 2, api.windows.size())).containsExactly(
        "count 2026-11-04T00:00:00Z/2026-11-05T00:00:00Z = 2", "2026-11-04T00:00:00Z/2026-11-06T00:00:00Z");
    assertThat(uuids(lake)).containsExactly("a1", "a2", "b1", "c1", "c2", "d0", "d1", "e1");
    api.rows.remove("d0");
    ingest(lake, null, null, "2026-11-05T12:00:00Z", api);
    assertThat(api.windows).last().isEqualTo("2026-11-04T00:00:00Z/2026-11-06T00:00:00Z");
    assertThat(uuids(lake)).containsExactly("a1", "a2", "b1", "c1", "c2", "d1", "e1");
    assertThat(uuids(lake)).containsExactly("a1", "a2", "b1", "c1", "c2", "d1", "e1");
    assertThat(state(lake)).contains(Instant.parse("2026-11-05T00:00:00Z"));
    List<String> afterIncremental = rows(lake);

    // 3. re-run: the same rows, no duplicates
    ingest(lake, null, null, "2026-11-05T12:00:00Z", api);
    assertThat(rows(lake)).isEqualTo(afterIncremental);

    // 4. late changes on 11-04: the day is replaced as a whole, the others are untouched, the state stays
    api.put(cdr("d1").end("2026-11-04T12:00:00Z").amount("0.09999"), "d1");
    add(api, "d2", "2026-11-04T13:00:00Z");
    ingest(lake, "2026-11-04", "2026-11-05", "2026-11-05T12:00:00Z", api);
    List<String> afterLate = rows(lake);
    assertThat(uuids(lake)).containsExactly("a1", "a2", "b1", "c1", "c2", "d1", "d2", "e1");
    assertThat(afterLate.stream().filter(l -> l.startsWith("d1|")).findFirst().orElseThrow()).contains("0.09999");
    assertThat(afterLate.stream().filter(l -> !l.startsWith("d1|") && !l.startsWith("d2|")))
        .containsExactlyElementsOf(afterIncremental.stream().filter(l -> !l.startsWith("d1|"))
            .collect(Collectors.toList()));
    assertThat(state(lake)).contains(Instant.parse("2026-11-05T00:00:00Z"));

    // 5. a day that is now empty loses its old contents
    api.rows.remove("b1");
    CdrLake.Result r5 = ingest(lake, "2026-11-02", "2026-11-03", "2026-11-05T12:00:00Z", api);
    assertThat(r5.recordsByDay()).containsExactly(Map.entry(java.time.LocalDate.parse("2026-11-02"), 0L));
    assertThat(partitions(lake)).doesNotContain("end_date=2026-11-02");
    List<String> beforeFailure = rows(lake);
    assertThat(uuids(lake)).containsExactly("a1", "a2", "c1", "c2", "d1", "d2", "e1");

    // 6. a run that fails in the middle of the write job changes nothing; its re-run completes
    add(api, "boom", "2026-11-05T20:00:00Z");
    add(api, "f1", "2026-11-06T09:00:00Z");
    CdrInput failing = (s, e) -> api.read(s, e).withColumn("call_uuid", Boom.UDF.apply(col("call_uuid")));
    assertThatThrownBy(() -> ingest(lake, null, null, "2026-11-07T12:00:00Z", failing))
        .hasStackTraceContaining("injected failure");
    assertThat(rows(lake)).isEqualTo(beforeFailure);
    assertThat(partitions(lake)).doesNotContain("end_date=2026-11-06");
    assertThat(state(lake)).contains(Instant.parse("2026-11-05T00:00:00Z"));
    ingest(lake, null, null, "2026-11-07T12:00:00Z", api);
    assertThat(uuids(lake)).containsExactly("a1", "a2", "boom", "c1", "c2", "d1", "d2", "e1", "f1");
    assertThat(state(lake)).contains(Instant.parse("2026-11-07T00:00:00Z"));
    assertThat(partitions(lake)).containsExactly("end_date=2026-11-01", "end_date=2026-11-03",
        "end_date=2026-11-04", "end_date=2026-11-05", "end_date=2026-11-06");

    // 7. the retention guard: months later the days since the state are gone from the API
    List<String> done = rows(lake);
    assertThatThrownBy(() -> ingest(lake, null, null, "2027-03-01T12:00:00Z", api))
        .isInstanceOf(LakeUsageException.class)
        .hasMessageContaining("2026-11-07..2026-12-01 (25 days)")
        .hasMessageContaining("--accept-data-loss");
    assertThat(rows(lake)).isEqualTo(done);
    assertThat(state(lake)).contains(Instant.parse("2026-11-07T00:00:00Z"));
    return done;
  }

  @Test
  @Order(1)
  void localLake() throws IOException {
    String lake = tmp.resolve("local-lake").toUri().toString();
    FINAL.put("local", scenario(lake));
    try (var names = Files.list(tmp.resolve("local-lake"))) {
      // no temporary state files left behind; the .crc is the local file system's checksum of the state
      assertThat(names.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("cdrs", ParquetLake.STATE_FILE, "." + ParquetLake.STATE_FILE + ".crc", LakeLock.NAME);
    }
  }

  @Test
  @Order(2)
  void s3Lake() throws IOException {
    List<String> rows = scenario("s3a://" + BUCKET + "/lake");
    if (FINAL.containsKey("local")) {
      assertThat(rows).isEqualTo(FINAL.get("local"));
    }
  }

  @Test
  @Order(3)
  void aLakeThatHoldsSomethingElseIsRefused() throws IOException {
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "hello");
    assertLakeRefused(other, "'notes.txt'");

    Path wrongPartitions = Files.createDirectories(tmp.resolve("wrong").resolve("cdrs").resolve("year=2026"));
    assertLakeRefused(wrongPartitions.getParent().getParent(), "'cdrs/year=2026'");

    Path future = Files.createDirectories(tmp.resolve("future"));
    Files.writeString(future.resolve(ParquetLake.STATE_FILE),
        "{\"format\":\"zentrunk-cdr-lake\",\"schema_version\":99,\"complete_until\":\"2026-11-01T00:00:00Z\"}");
    assertLakeRefused(future, "schema version 99");

    Path notJson = Files.createDirectories(tmp.resolve("notjson"));
    Files.writeString(notJson.resolve(ParquetLake.STATE_FILE), "<html>");
    assertLakeRefused(notJson, "is not JSON");
  }

  private static void assertLakeRefused(Path dir, String why) {
    FakeApi api = new FakeApi();
    assertThatThrownBy(() -> ingest(dir.toUri().toString(), "2026-11-01", "2026-11-02", "2026-11-04T12:00:00Z", api))
        .isInstanceOf(LakeUsageException.class)
        .hasMessageStartingWith("--lake " + dir.toUri())
        .hasMessageContaining(why)
        .hasMessageNotContaining("\n");
    assertThat(api.windows).isEmpty();
  }

  @Test
  @Order(4)
  void progressGoesToTheGivenStream() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FakeApi api = new FakeApi();
    add(api, "p1", "2026-11-01T08:00:00Z");
    IngestJob.run(spark, IngestJob.Args.lake(tmp.resolve("progress").toUri().toString(), LakeFormat.PARQUET,
            TestTimes.utc("2026-11-01"), TestTimes.utc("2026-11-02"), SOURCE),
        Instant.parse("2026-11-04T12:00:00Z"), api,
        new ProgressLines("ingest", new PrintStream(bytes, true, StandardCharsets.UTF_8))::line);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("reading 2026-11-01 (1 day)")
        .contains("2026-11-01: 1 records")
        .contains("state: complete until 2026-11-02T00:00:00Z");
  }

  @Test
  @Order(5)
  void reportsFromTheLakeReplaceTheirOutputLocallyAndOnS3() {
    FakeApi api = new FakeApi();
    api.put(cdr("r1").end("2026-11-01T08:00:00Z"), "r1");
    api.put(cdr("r2").end("2026-11-01T23:59:59Z").unanswered().cause(4410, "user_busy", "carrier"), "r2");
    api.put(cdr("r3").end("2026-11-02T06:00:00Z").countries("US", "GB").amount("0.01234"), "r3");
    api.put(cdr("r4").end("2026-11-02T18:00:00Z").stir("Not Verified", "C"), "r4");
    String lake = tmp.resolve("report-lake").toUri().toString();
    ingest(lake, "2026-11-01", "2026-11-03", "2026-11-04T12:00:00Z", api);

    Instant start = Instant.parse("2026-11-01T00:00:00Z");
    Instant end = Instant.parse("2026-11-02T12:00:00Z"); // r4 is outside
    Dataset<Row> fromLake = ParquetLake.open(spark, lake).read(start, end);
    assertThat(Arrays.stream(fromLake.schema().fields()).map(f -> f.name() + ":" + f.dataType()))
        .containsExactlyElementsOf(Arrays.stream(io.zentrunk.spark.source.CdrSchema.SCHEMA.fields())
            .map(f -> f.name() + ":" + f.dataType()).collect(Collectors.toList()));
    Dataset<Row> expected = TestCdrs.df(spark, List.of(api.rows.get("r1"), api.rows.get("r2"), api.rows.get("r3")));

    // the first end_time of a range, from its first day held only: the aggregate over the whole range
    ParquetLake parquet = ParquetLake.open(spark, lake);
    for (String[] range : List.of(new String[] {"2026-10-25T00:00:00Z", "2026-11-03T00:00:00Z", "2026-11-01T08:00:00Z"},
        new String[] {"2026-11-01T09:00:00Z", "2026-11-03T00:00:00Z", "2026-11-01T23:59:59Z"},
        new String[] {"2026-11-02T07:00:00Z", "2026-11-02T12:00:00Z", null},
        new String[] {"2026-11-02T07:00:00Z", "2026-11-05T00:00:00Z", "2026-11-02T18:00:00Z"})) {
      Instant from = Instant.parse(range[0]);
      Instant to = Instant.parse(range[1]);
      assertThat(parquet.firstEndTime(from, to)).as(range[0] + " to " + range[1])
          .isEqualTo(java.util.Optional.ofNullable(range[2]).map(Instant::parse))
          .isEqualTo(CdrLake.firstEndTime(parquet.read(from, to)));
    }

    for (String out : List.of(tmp.resolve("reports").toUri().toString(), "s3a://" + BUCKET + "/reports")) {
      ByteArrayOutputStream summary = new ByteArrayOutputStream();
      ReportJob.run(spark, fromLake, out, new PrintStream(summary, true, StandardCharsets.UTF_8));
      ReportJob.run(spark, fromLake, out, new PrintStream(summary, true, StandardCharsets.UTF_8));
      assertThat(TestSpark.lines(spark.read().parquet(out + "/hangup_causes")))
          .containsExactlyInAnyOrderElementsOf(TestSpark.lines(CallReports.hangupCauses(expected)));
      assertThat(TestSpark.lines(spark.read().parquet(out + "/countries")))
          .containsExactlyInAnyOrderElementsOf(TestSpark.lines(CallReports.countries(expected)));
      assertThat(TestSpark.lines(spark.read().parquet(out + "/attestation")))
          .containsExactlyInAnyOrderElementsOf(TestSpark.lines(CallReports.attestation(expected)));
      assertThat(summary.toString(StandardCharsets.UTF_8)).startsWith("Source: CDRs given by the caller (source not stated); ")
          .contains("\nCalls: 3\n");
    }
  }
}
