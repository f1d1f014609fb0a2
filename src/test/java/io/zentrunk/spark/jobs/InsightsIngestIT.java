package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.client.UtcDays;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.IcebergLake;
import io.zentrunk.spark.lake.IngestJob;
import io.zentrunk.spark.lake.LakeConflictException;
import io.zentrunk.spark.lake.Provenance;
import io.zentrunk.spark.source.Cdrs;
import io.zentrunk.spark.testing.SourceReads;
import io.zentrunk.spark.lake.StageMarkers;
import io.zentrunk.spark.testing.InsightsTruth;
import io.zentrunk.spark.testing.JobRunner;
import io.zentrunk.spark.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest --with-insights} as users run it (SparkSubmit, the built jar) into a table of Iceberg's JDBC catalog
 * on SQLite, against the emulator over HTTP: twice, then killed between its two commits and rerun. The tables are
 * compared row for row with the emulator's ground truth, and the Insights requests counted at the emulator.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InsightsIngestIT {

  static final String CATALOG = "insights_jdbc";
  static final String TABLE = CATALOG + ".zentrunk.cdrs";
  static final Instant FIRST = Instant.parse("2026-10-30T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-11-01T12:00:00Z");
  static final Instant T2 = Instant.parse("2026-11-02T06:00:00Z");
  static final Instant T3 = Instant.parse("2026-11-02T15:00:00Z");

  @TempDir static Path dir;
  static SparkSession spark;
  static ZentrunkEmulator api;
  static List<String> conf;

  @BeforeAll
  static void start() {
    // late CDRs (30% up to 4 h late): a day read again holds calls the lake has and calls it has not
    api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(61).callsPerDay(300).now(T1).lateArrival(0.3, 240)
        .rateLimitOff().build());
    String c = "spark.sql.catalog." + CATALOG;
    conf = List.of(c + "=org.apache.iceberg.spark.SparkCatalog", c + ".catalog-impl=org.apache.iceberg.jdbc.JdbcCatalog",
        c + ".uri=jdbc:sqlite:" + dir.resolve("catalog.db") + "?busy_timeout=30000",
        c + ".warehouse=" + dir.resolve("warehouse").toUri(), c + ".io-impl=org.apache.iceberg.hadoop.HadoopFileIO",
        c + ".cache-enabled=false");
    spark = TestSpark.session();
    for (String kv : conf) {
      int eq = kv.indexOf('=');
      spark.conf().set(kv.substring(0, eq), kv.substring(eq + 1));
    }
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  static String[] args(Instant now, String... more) {
    List<String> a = new ArrayList<>(List.of("ingest", "--table", TABLE, "--with-insights", "--api-url", api.baseUrl(),
        "--now", now.toString().replace('T', ' ').replace("Z", "")));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  static Table table(String name) {
    try {
      Table t = Spark3Util.loadIcebergCatalog(spark, CATALOG).loadTable(TableIdentifier.of("zentrunk", name));
      t.refresh();
      return t;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Set<String> uuids(String name) {
    List<String> all = spark.table(CATALOG + ".zentrunk." + name).select("call_uuid").collectAsList().stream()
        .map(r -> r.getString(0)).toList();
    Set<String> set = Set.copyOf(all);
    assertThat(set).as("no duplicate in " + name).hasSize(all.size());
    return set;
  }

  /**
   * The calls since FIRST that the API lists now, bounded as ingest reads them: its window runs to the end of today
   * ({@code end_time__lt} the next midnight), and the API serves every call that has arrived and ends at or before
   * now. A call ending exactly at now is listed and read: {@code groundTruth(FIRST, now)}, exclusive of now, would
   * leave it out (as it did at 2026-11-03T12:00:00Z, one call fewer than the run counted).
   */
  static List<EmulatedCall> listedNow() {
    return api.groundTruth(FIRST, UtcDays.start(UtcDays.day(api.now()).plusDays(1)));
  }

  /**
   * Both tables exact: cdrs holds the visible calls since FIRST, call_insights one row per call of cdrs (every run
   * had --with-insights) equal to the emulator's Insights of that call, and call_insights' main is the snapshot cdrs
   * names.
   */
  static void assertExact() {
    Map<String, EmulatedCall> truth = listedNow().stream()
        .collect(Collectors.toMap(EmulatedCall::callUuid, c -> c));
    assertThat(uuids("cdrs")).isEqualTo(truth.keySet());
    Map<String, List<Object>> got = new HashMap<>();
    for (Row r : spark.table(CATALOG + ".zentrunk.cdrs_call_insights").collectAsList()) {
      List<Object> v = new ArrayList<>();
      for (int k = 0; k < r.size(); k++) {
        v.add(r.get(k));
      }
      assertThat(got.put(r.getString(0), v)).as("one row per call: " + r.getString(0)).isNull();
    }
    Map<String, List<Object>> want = new HashMap<>();
    truth.values().forEach(c -> want.put(c.callUuid(), InsightsTruth.row(api, c)));
    assertThat(got).isEqualTo(want);
    Snapshot cdrs = table("cdrs").currentSnapshot();
    Snapshot insights = table("cdrs_call_insights").currentSnapshot();
    assertThat(insights.summary().get("zentrunk.run-id")).as("call_insights' main is the snapshot cdrs names")
        .isEqualTo(cdrs.summary().get("zentrunk.insights-run")).isNotNull();
    assertThat(insights.summary().get("zentrunk.cdrs-snapshot")).isEqualTo(Long.toString(cdrs.snapshotId()));
  }

  static String run(String name, Instant now, String... more) throws Exception {
    Path log = dir.resolve(name + ".log");
    Process p = JobRunner.submit(api, log, List.of(), conf, args(now, more));
    assertThat(p.waitFor(8, TimeUnit.MINUTES)).isTrue();
    String text = Files.readString(log);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }

  /** The calls visible now that the lake does not hold: what the next run must ask Insights for, and nothing else. */
  static Set<String> newCalls() {
    Set<String> held = uuids("cdrs");
    return listedNow().stream().map(EmulatedCall::callUuid).filter(u -> !held.contains(u))
        .collect(Collectors.toSet());
  }

  @Test
  @Order(1)
  void twoRunsFillCallInsightsWithTheGroundTruthAndTheSecondAsksOnlyForNewCalls() throws Exception {
    api.resetStats();
    run("first", T1, "--start", "2026-10-30");
    int first = listedNow().size(); // now is T1
    assertThat(api.stats().insightsRequests()).as("one Insights request per call of the first run").isEqualTo(first);
    assertExact();

    api.setNow(T2);
    Set<String> fresh = newCalls();
    // the second run reads 2026-11-01 again (after the state, partly in the lake) and 2026-11-02
    assertThat(fresh).isNotEmpty();
    assertThat(uuids("cdrs").stream().filter(u -> api.groundTruth(Instant.parse("2026-11-01T00:00:00Z"), T2).stream()
        .anyMatch(c -> c.callUuid().equals(u)))).as("the day read again holds calls already in the lake").isNotEmpty();
    api.resetStats();
    String text = run("second", T2);
    assertThat(api.stats().insightsRequests()).as("Insights requests only for the new calls: " + text)
        .isEqualTo(fresh.size());
    assertExact();
    System.out.printf("ingest --with-insights: first run %d calls, %d Insights requests; second run %d new calls, "
        + "%d Insights requests%n", first, first, fresh.size(), fresh.size());
  }

  @Test
  @Order(2)
  void killedBetweenItsTwoCommitsThenRerunBothTablesAreExactWithoutDuplicates() throws Exception {
    api.setNow(T3);
    Set<String> fresh = newCalls();
    assertThat(fresh).isNotEmpty();
    long cdrsBefore = table("cdrs").currentSnapshot().snapshotId();
    long insightsBefore = table("cdrs_call_insights").currentSnapshot().snapshotId();
    // killed (SIGKILL) where it is held: (1) its Insights on call_insights' branch, cdrs not committed;
    // (2) cdrs committed, call_insights' main not yet moved
    String[] points = {StageMarkers.INSIGHTS_WRITTEN, StageMarkers.COMMITTED};
    for (int attempt = 0; attempt < points.length; attempt++) {
      Stages stages = new Stages(dir.resolve("stages" + attempt));
      Path log = dir.resolve("kill" + attempt + ".log");
      api.resetStats();
      Process p = JobRunner.submit(api, log, stages.jvmArgs(points[attempt]), conf, args(T3));
      try {
        stages.await(p, points[attempt], Duration.ofMinutes(4), log);
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        p.destroyForcibly();
      }
      String text = Files.readString(log);
      assertThat(p.exitValue()).as("killed while held there, not ended by itself: " + text).isEqualTo(137);
      assertThat(api.stats().insightsRequests()).as("the run asked only for the new calls").isEqualTo(fresh.size());
      assertThat(stages.reached(StageMarkers.INSIGHTS_WRITTEN)).isTrue();
      if (attempt == 0) {
        assertThat(stages.reached(StageMarkers.FAST_FORWARD)).as("killed before the cdrs commit").isFalse();
        assertThat(table("cdrs").currentSnapshot().snapshotId()).isEqualTo(cdrsBefore);
        assertThat(table("cdrs_call_insights").currentSnapshot().snapshotId()).as("nothing visible")
            .isEqualTo(insightsBefore);
        assertThat(uuids("cdrs")).doesNotContainAnyElementsOf(fresh);
      } else {
        assertThat(table("cdrs").currentSnapshot().snapshotId()).as("cdrs committed").isNotEqualTo(cdrsBefore);
        assertThat(table("cdrs").currentSnapshot().summary()).containsKey(IcebergLake.COMPLETE_UNTIL);
        assertThat(table("cdrs_call_insights").currentSnapshot().snapshotId())
            .as("call_insights' main still behind the snapshot cdrs names").isEqualTo(insightsBefore);
        assertThat(uuids("cdrs")).containsAll(fresh);
      }
    }
    api.resetStats();
    String text = run("rerun", T3);
    assertThat(text).contains("main moved to snapshot");
    assertThat(api.stats().insightsRequests()).as("every call is in the lake now: no Insights request " + text)
        .isZero();
    assertExact();
  }

  /** One in-process run of ingest --with-insights into the table, as the job composes it. */
  static void ingest(Runnable beforeCommit) {
    ingest(beforeCommit, Map.of());
  }

  static void ingest(Runnable beforeCommit, Map<String, String> insightsOptions) {
    Map<String, String> o = new HashMap<>(SourceReads.options(api, FIRST, api.now()));
    Map<String, String> io = new HashMap<>(o);
    io.put("table", "call_insights");
    io.putAll(insightsOptions);
    IngestJob.Args a = new IngestJob.Args(null, TABLE, null, null, null, 1, false, 7,
        new Provenance(api.config().authId(), Provenance.host(api.baseUrl())), false);
    IngestJob.run(spark, a, api.now(), (f, t) -> Cdrs.window(spark, o, f, t), (f, t) -> Cdrs.window(spark, io, f, t),
        ProgressLines.stderr("ingest")::line, beforeCommit);
  }

  @Test
  @Order(3)
  void aSecondWriterThatCommitsFirstWinsAndTheOtherLosesWithNothingOfItVisible() {
    api.setNow(Instant.parse("2026-11-03T03:00:00Z"));
    Set<String> fresh = newCalls();
    assertThat(fresh).isNotEmpty();
    Set<String> refs = table("cdrs_call_insights").refs().keySet();
    api.resetStats();
    // the race made certain: run A has its cdrs and call_insights on its branches when run B starts, and B commits
    // (both tables) before A tries to
    List<String> b = new ArrayList<>();
    assertThatThrownBy(() -> ingest(() -> {
      ingest(() -> {});
      b.add("committed");
    })).isInstanceOf(LakeConflictException.class).hasMessageContaining("another writer committed")
        .hasMessageNotContaining("\n");
    assertThat(b).containsExactly("committed");
    assertThat(api.stats().insightsRequests()).as("each run asked for the new calls once").isEqualTo(2L * fresh.size());
    assertExact();
    assertThat(table("cdrs_call_insights").refs().keySet()).as("the loser's call_insights branch removed")
        .isEqualTo(refs);
  }

  @Test
  @Order(4)
  void moreNewCallsThanMaxRequestsAreRefusedBeforeAnyInsightsRequestAndNothingIsCommitted() {
    api.setNow(Instant.parse("2026-11-03T12:00:00Z"));
    Set<String> fresh = newCalls();
    assertThat(fresh.size()).isGreaterThan(5);
    assertThat(listedNow()).as("a call ends exactly at now: the bound of the window's end is exercised")
        .anyMatch(c -> c.endTime().equals(api.now()));
    long cdrs = table("cdrs").currentSnapshot().snapshotId();
    long insights = table("cdrs_call_insights").currentSnapshot().snapshotId();
    Set<String> refs = table("cdrs_call_insights").refs().keySet();
    api.resetStats();
    // the run's new calls are fresh: the lookback day it keeps (its count unchanged) holds no new call, the calls of
    // a day only ever grow in number
    assertThatThrownBy(() -> ingest(() -> {}, Map.of("max_requests", "5")))
        .hasStackTraceContaining("Option 'max_requests': the read of call_insights would send ")
        .satisfies(e -> {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("would send (\\d+) Insights requests \\(one per "
              + "call: \\d+ calls in the window after the API filters and call_uuid\\)").matcher(
                  org.assertj.core.util.Throwables.getStackTrace(e));
          assertThat(m.find()).isTrue();
          System.out.println("refused: " + m.group() + "; new calls since the last run: " + fresh.size());
          // one request per new call, each counted once, the call ending at now included
          assertThat(Integer.parseInt(m.group(1))).as("the refusal counts the new calls").isEqualTo(fresh.size());
        });
    assertThat(api.stats().insightsRequests()).isZero();
    assertThat(table("cdrs").currentSnapshot().snapshotId()).isEqualTo(cdrs);
    assertThat(table("cdrs_call_insights").currentSnapshot().snapshotId()).isEqualTo(insights);
    assertThat(table("cdrs_call_insights").refs().keySet()).isEqualTo(refs);
  }
}
