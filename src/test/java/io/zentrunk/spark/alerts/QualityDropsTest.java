package io.zentrunk.spark.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.report.Quality;
import io.zentrunk.spark.testing.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quality-drop rule on hand-made Insights rows: the hour's median score to the judged minute against the carrier's
 * median of the UTC day before the window, the report's threshold at its boundary, the least scored calls on both sides.
 */
class QualityDropsTest {

  static final Instant END = Instant.parse("2026-11-01T13:00:00Z");
  static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  /** {@code n} rows of {@code carrier} ended at {@code at}, each scored {@code score}, status ok. */
  static void add(List<Row> rows, String carrier, String at, int n, Double score) {
    add(rows, carrier, at, n, score, "ok");
  }

  static void add(List<Row> rows, String carrier, String at, int n, Double score, String status) {
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(Timestamp.from(Instant.parse(at)), carrier, status, score));
    }
  }

  static Dataset<Row> df(List<Row> rows) {
    return spark.createDataFrame(rows, WatchBatch.INSIGHTS_KEPT);
  }

  @Test
  void aCarrierDropsWhenItsMedianIsMoreThanTheThresholdBelowItsMedianOfTheDayBefore() {
    List<Row> rows = new ArrayList<>();
    for (String c : List.of("A", "B", "C", "D", "E")) {
      add(rows, c, "2026-10-31T10:00:00Z", 20, 4.0); // each carrier's baseline: 20 calls of 4.0, none below 3
    }
    // A: median 3.49, more than 0.5 below 4.0: dropped; calls without a score or without metrics are not counted
    add(rows, "A", "2026-11-01T12:00:00Z", 10, 3.49);
    add(rows, "A", "2026-11-01T12:59:59Z", 10, 3.49);
    add(rows, "A", "2026-11-01T12:30:00Z", 5, null, "partial");
    add(rows, "A", "2026-11-01T12:30:00Z", 5, null, "no_insights");
    add(rows, "A", "2026-11-01T13:00:00Z", 20, 1.0); // at the minute: not in its hour
    add(rows, "A", "2026-11-01T11:59:59Z", 20, 1.0); // before the hour
    // B: median 3.5, exactly 0.5 below: not dropped; its bad morning is neither the hour nor the day before
    add(rows, "B", "2026-11-01T12:10:00Z", 20, 3.5);
    add(rows, "B", "2026-11-01T05:00:00Z", 50, 1.0);
    // C: 11 of 20 calls scored 1.0: median 1.0, dropped
    add(rows, "C", "2026-11-01T12:10:00Z", 11, 1.0);
    add(rows, "C", "2026-11-01T12:10:00Z", 9, 4.5);
    // D: 9 of 20 (mean 2.93, 45% below 3): median 4.5, the majority's, not dropped
    add(rows, "D", "2026-11-01T12:10:00Z", 9, 1.0);
    add(rows, "D", "2026-11-01T12:10:00Z", 11, 4.5);
    // E: 19 scored calls in the hour: not judged, however bad
    add(rows, "E", "2026-11-01T12:10:00Z", 19, 1.0);
    // F: 19 scored calls in its baseline day: not judged; G: no baseline at all
    add(rows, "F", "2026-10-31T23:59:59Z", 19, 4.0);
    add(rows, "F", "2026-11-01T12:10:00Z", 20, 1.0);
    add(rows, "G", "2026-11-01T12:10:00Z", 20, 1.0);
    // a carrier the Insights do not name is a carrier of its own
    add(rows, null, "2026-10-31T00:00:00Z", 20, 4.0);
    add(rows, null, "2026-11-01T12:10:00Z", 20, 2.0);
    Dataset<Row> got = Alerts.qualityDrops(df(rows), Alerts.Minutes.at(END), Quality.Rule.defaults())
        .orderBy(Alerts.DESTINATION);
    assertThat(TestSpark.lines(got.select(Alerts.KIND, Alerts.DESTINATION, Alerts.WINDOW_START, Alerts.WINDOW_END,
        Alerts.CALLS, Alerts.AMOUNT, Alerts.NER))).containsExactly(
        "quality_drop|(no carrier)|2026-11-01T12:00:00Z|2026-11-01T13:00:00Z|20|null|null",
        "quality_drop|A|2026-11-01T12:00:00Z|2026-11-01T13:00:00Z|20|null|null",
        "quality_drop|C|2026-11-01T12:00:00Z|2026-11-01T13:00:00Z|20|null|null");
    assertThat(got.collectAsList().get(1).<String>getAs(Alerts.REASON)).isEqualTo(
        "quality of carrier A in the hour to 2026-11-01 13:00:00 UTC: median score 3.49 against its baseline 4.00 "
            + "(mean 3.49 against 4.00, 0.0% of 20 scored calls below 3 against 0.0% of 20) on 2026-10-31, the UTC day "
            + "before the window; a drop is a median more than 0.50 below, with at least 20 scored calls in each");
    assertThat(got.collectAsList().get(2).<String>getAs(Alerts.REASON)).contains("median score 1.00 against its baseline "
        + "4.00 (mean 2.58 against 4.00, 55.0% of 20 scored calls below 3 against 0.0% of 20)");
    // the report's threshold: at 0.6 points A's 0.51 is no drop
    assertThat(TestSpark.lines(Alerts.qualityDrops(df(rows), Alerts.Minutes.at(END), new Quality.Rule(0.6))
        .select(Alerts.DESTINATION).orderBy(Alerts.DESTINATION))).containsExactly("(no carrier)", "C");
  }

  @Test
  void aWindowStartingOnADayIsJudgedAgainstTheDayBeforeItsStart() {
    List<Row> rows = new ArrayList<>();
    add(rows, "A", "2026-10-31T10:00:00Z", 20, 4.0);
    add(rows, "A", "2026-11-01T00:10:00Z", 20, 4.0); // in the window to 00:30, but not the baseline of a window from 10-31
    add(rows, "A", "2026-10-31T23:40:00Z", 20, 2.0);
    // the hours to 00:21..00:59 start on 10-31: their baseline is 10-30 (nothing), not judged, though they hold the
    // 2.0s; the hours to 01:00..01:30 start on 11-01: against 10-31 (40 calls, median 3.0) the 4.0s are no drop
    Alerts.Minutes minutes = new Alerts.Minutes(Instant.parse("2026-11-01T00:20:00Z"), Instant.parse("2026-11-01T01:30:00Z"));
    assertThat(Alerts.qualityDrops(df(rows), minutes, Quality.Rule.defaults()).count()).isZero();
    add(rows, "A", "2026-11-01T01:05:00Z", 20, 2.49);
    List<String> got = TestSpark.lines(Alerts.qualityDrops(df(rows), minutes, Quality.Rule.defaults())
        .select(Alerts.WINDOW_END, Alerts.CALLS).orderBy(Alerts.WINDOW_END));
    // windows [m - 1h, m) for m in 01:06..01:10 hold the 4.0s and the 2.49s: median 3.245, not 0.5 below 3.0; from
    // 01:11 only the 2.49s: median 2.49 < 2.5, dropped
    assertThat(got).first().isEqualTo("2026-11-01T01:11:00Z|20");
    assertThat(got).last().isEqualTo("2026-11-01T01:30:00Z|20");
    assertThat(got).hasSize(20);
  }
}
