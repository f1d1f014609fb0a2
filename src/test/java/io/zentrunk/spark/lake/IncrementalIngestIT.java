package io.zentrunk.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.UtcDays;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.jobs.ProgressLines;
import io.zentrunk.spark.source.Cdrs;
import io.zentrunk.spark.testing.SourceReads;
import io.zentrunk.spark.testing.TestSpark;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A daily ingest with {@code --lookback-days 3} against the emulator over HTTP, requests counted by the emulator:
 * it sends one count per lookback day and the pages of the new days only (at most 1.05 x ceil(new CDRs / 20), plus
 * the planner's own one-record probes), unless a lookback day's count changed (late CDRs): then that day, and only
 * that day, is read again. The lake equals the emulator's ground truth after every run; both formats.
 */
class IncrementalIngestIT {

  static final LocalDate D1 = LocalDate.parse("2026-11-01");
  /** runs happen at 02:00: an hour past the safety margin after midnight */
  static final Duration RUN_AT = Duration.ofHours(2);
  static final int LOOKBACK = 3;

  static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  static Instant at(LocalDate d) {
    return UtcDays.start(d).plus(RUN_AT);
  }

  /** What one run sent: the one-record counts and the pages, each as its window [gte, lt). */
  record Sent(List<String[]> counts, List<String[]> pages) {
    static Sent of(List<String> queries) {
      List<String[]> counts = new ArrayList<>();
      List<String[]> pages = new ArrayList<>();
      for (String q : queries) {
        String[] w = {param(q, "end_time__gte"), param(q, "end_time__lt")};
        ("1".equals(param(q, "limit")) ? counts : pages).add(w);
      }
      return new Sent(counts, pages);
    }

    private static String param(String query, String name) {
      for (String kv : query.split("&")) {
        if (kv.startsWith(name + "=")) {
          return URLDecoder.decode(kv.substring(name.length() + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }

    /** The days whose whole window a count asked for. */
    TreeSet<LocalDate> countedDays() {
      TreeSet<LocalDate> days = new TreeSet<>();
      for (String[] w : counts) {
        for (LocalDate d = D1.minusDays(10); d.isBefore(D1.plusDays(30)); d = d.plusDays(1)) {
          if (w[0].equals(filter(UtcDays.start(d))) && w[1].equals(filter(UtcDays.start(d.plusDays(1))))) {
            days.add(d);
          }
        }
      }
      return days;
    }

    /** Whether any page's window reaches into [from, to). */
    boolean pagesTouch(Instant from, Instant to) {
      return pages.stream().anyMatch(w -> w[0].compareTo(filter(to)) < 0 && w[1].compareTo(filter(from)) > 0);
    }
  }

  static String filter(Instant t) {
    return ApiTime.formatFilter(ApiTime.toMicros(t));
  }

  static CdrLake.Result ingest(ZentrunkEmulator api, String lake, LakeFormat format, LocalDate start) {
    Map<String, String> o = SourceReads.options(api, null, null);
    IngestJob.Args args = IngestJob.Args.lake(lake, format, start == null ? null : UtcDays.start(start), null,
        new Provenance(api.config().authId(), Provenance.host(api.baseUrl()))).withLookback(LOOKBACK, false);
    return IngestJob.run(spark, args, api.now(), (f, t) -> Cdrs.window(spark, o, f, t),
        ProgressLines.stderr("ingest")::line);
  }

  static void assertLakeIsTheTruth(ZentrunkEmulator api, String lake) {
    Instant from = UtcDays.start(D1);
    CdrLake l = Lakes.open(spark, lake, null, null);
    SourceReads.assertExactly(l.read(from, api.now()), api.groundTruth(from, api.now()));
  }

  /** Runs the day after a first load of D1..D5 (at D5 02:00) and returns what that second run sent. */
  static Sent dailyRun(ZentrunkEmulator api, String lake, LakeFormat format) {
    api.setNow(at(D1.plusDays(4)));
    ingest(api, lake, format, D1);
    assertLakeIsTheTruth(api, lake);
    api.setNow(at(D1.plusDays(5)));
    api.recordListQueries();
    CdrLake.Result r = ingest(api, lake, format, null);
    Sent sent = Sent.of(api.listQueries());
    assertThat(r.state()).contains(UtcDays.start(D1.plusDays(5)));
    assertLakeIsTheTruth(api, lake);
    return sent;
  }

  @ParameterizedTest
  @EnumSource(LakeFormat.class)
  void aDailyRunCountsEachLookbackDayOnceAndReadsOnlyTheNewDays(LakeFormat format) {
    // late CDRs within minutes, as the emulator's by default: a lookback day never changes
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(33).callsPerDay(1_500)
        .now(at(D1.plusDays(4))).lateArrival(0.3, 10).rateLimitOff().build())) {
      String lake = tmp.resolve("daily-" + format).toString();
      Sent sent = dailyRun(api, lake, format);
      LocalDate firstNew = D1.plusDays(4);
      long newCdrs = api.groundTruthCount(UtcDays.start(firstNew), api.now());
      long pagesOfNew = (newCdrs + 19) / 20;
      TreeSet<LocalDate> counted = sent.countedDays();
      int plannerProbes = sent.counts().size() - LOOKBACK;
      System.out.printf(Locale.ROOT, "incremental %s: %d new CDRs (%d pages); sent %d pages, %d day counts, %d planner "
          + "probes: %d requests, %.3f x the pages of the new CDRs%n", format, newCdrs, pagesOfNew, sent.pages().size(),
          counted.size(), plannerProbes, sent.pages().size() + sent.counts().size(),
          sent.pages().size() / (double) pagesOfNew);
      assertThat(counted).as("one count per lookback day").containsExactly(firstNew.minusDays(3),
          firstNew.minusDays(2), firstNew.minusDays(1));
      assertThat(sent.pagesTouch(UtcDays.start(D1), UtcDays.start(firstNew))).as("no page of a lookback day").isFalse();
      assertThat((double) sent.pages().size()).isLessThanOrEqualTo(1.05 * pagesOfNew);
      assertThat(plannerProbes).as("the planner's probes").isBetween(0, 4);
    }
  }

  @ParameterizedTest
  @EnumSource(LakeFormat.class)
  void lateCdrsInALookbackDayMakeThatDayAndOnlyThatDayReadAgain(LakeFormat format) {
    // a share of CDRs listed up to 4 hours after they end: a run at 02:00 misses the last ones of the day before
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(34).callsPerDay(1_500)
        .now(at(D1.plusDays(4))).lateArrival(0.3, 240).rateLimitOff().build())) {
      String lake = tmp.resolve("late-" + format).toString();
      LocalDate lateDay = D1.plusDays(3);
      long before = api.groundTruthCount(UtcDays.start(lateDay), UtcDays.start(lateDay.plusDays(1)));
      api.setNow(at(D1.plusDays(5)));
      long after = api.groundTruthCount(UtcDays.start(lateDay), UtcDays.start(lateDay.plusDays(1)));
      assertThat(after).as("CDRs of " + lateDay + " listed after the first run").isGreaterThan(before);
      Sent sent = dailyRun(api, lake, format);
      assertThat(sent.countedDays()).containsExactly(D1.plusDays(1), D1.plusDays(2), lateDay);
      assertThat(sent.pagesTouch(UtcDays.start(D1), UtcDays.start(lateDay))).as("no page of an unchanged day")
          .isFalse();
      assertThat(sent.pagesTouch(UtcDays.start(lateDay), UtcDays.start(lateDay.plusDays(1)))).as("the late day is read")
          .isTrue();
      long read = api.groundTruthCount(UtcDays.start(lateDay), api.now());
      assertThat((double) sent.pages().size()).as("the late day and the new ones").isLessThanOrEqualTo(
          1.05 * ((after + 19) / 20 + (read - after + 19) / 20));
    }
  }

  @ParameterizedTest
  @EnumSource(LakeFormat.class)
  void aLookbackDayThatLostRowsIsReadAgainInItsOwnWindowWithTheNewDays(LakeFormat format) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(35).callsPerDay(600)
        .now(at(D1.plusDays(4))).lateArrival(0.3, 10).rateLimitOff().build())) {
      String lake = tmp.resolve("lost-" + format).toString();
      ingest(api, lake, format, D1);
      // the first lookback day of the next run loses its rows in the lake (a user's delete, a bad copy)
      LocalDate lost = D1.plusDays(1);
      if (format == LakeFormat.PARQUET) {
        ParquetLake p = ParquetLake.open(spark, lake);
        p.cdrsPath().getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p.partitionPath(lost), true);
      } else {
        IcebergLake l = (IcebergLake) Lakes.open(spark, lake, null, null);
        org.apache.iceberg.Table t = l.table().orElseThrow();
        t.newDelete().deleteFromRowFilter(org.apache.iceberg.expressions.Expressions.and(
            org.apache.iceberg.expressions.Expressions.greaterThanOrEqual("end_time",
                ApiTime.toMicros(UtcDays.start(lost))),
            org.apache.iceberg.expressions.Expressions.lessThan("end_time",
                ApiTime.toMicros(UtcDays.start(lost.plusDays(1)))))).commit();
      }
      assertThat(Lakes.open(spark, lake, null, null).read(UtcDays.start(lost), UtcDays.start(lost.plusDays(1)))
          .count()).isZero();
      api.setNow(at(D1.plusDays(5)));
      api.recordListQueries();
      ingest(api, lake, format, null);
      Sent sent = Sent.of(api.listQueries());
      assertThat(sent.countedDays()).containsExactly(lost, D1.plusDays(2), D1.plusDays(3));
      assertThat(sent.pagesTouch(UtcDays.start(lost), UtcDays.start(lost.plusDays(1)))).isTrue();
      assertThat(sent.pagesTouch(UtcDays.start(lost.plusDays(1)), UtcDays.start(D1.plusDays(4))))
          .as("no page of the unchanged days between").isFalse();
      assertLakeIsTheTruth(api, lake);
    }
  }
}
