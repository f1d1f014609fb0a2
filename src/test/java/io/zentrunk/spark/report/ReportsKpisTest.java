package io.zentrunk.spark.report;

import io.zentrunk.spark.testing.TestCdrs;
import io.zentrunk.spark.testing.TestSpark;
import static io.zentrunk.spark.testing.TestCdrs.cdr;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operations reports (kpis, capacity, fraud signals) on hand-made CDRs; every expected value is computed by hand. */
class ReportsKpisTest {

  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  @Test
  void kpisWithNerShortCallsOverheadAndCostPerMinute() {
    Dataset<Row> cdrs = TestCdrs.df(spark, List.of(
        // outbound to GB: 6 calls, 3 answered (a, b, f), 2 unanswered by the user (c 4410, e 6030), 1 by the network (d)
        cdr("a").end("2026-11-01T10:00:00Z").seconds(120, 120).amount("0.01200").countries("US", "GB").row(),
        cdr("b").end("2026-11-01T10:01:00Z").seconds(5, 60).amount("0.00600").countries("US", "GB").row(),
        cdr("c").end("2026-11-01T10:02:00Z").unanswered().cause(4410, "user_busy", "carrier").countries("US", "GB").row(),
        cdr("d").end("2026-11-01T10:03:00Z").unanswered().cause(4090, "destination_not_found", "carrier")
            .countries("US", "GB").row(),
        cdr("e").end("2026-11-01T10:04:00Z").unanswered().cause(6030, "alloted_timeout", "carrier").countries("US", "GB").row(),
        cdr("f").end("2026-11-01T10:05:00Z").seconds(6, 6).amount("0.00001").countries("US", "GB").row(),
        // outbound to FR: 0.00001 x 60 / 120 = 0.000005 exactly: HALF_UP gives 0.00001 (HALF_EVEN would give 0)
        cdr("g").end("2026-11-01T11:00:00Z").seconds(60, 120).amount("0.00001").countries("US", "FR").row(),
        // outbound to DE: nothing answered, nothing billed
        cdr("h").end("2026-11-01T12:00:00Z").unanswered().cause(4550, "user_cancelled", "customer").countries("US", "DE").row(),
        cdr("i").end("2026-11-01T12:00:00Z").unanswered().cause(5180, "cps_limit_reached", "zentrunk").countries("US", "DE").row(),
        // inbound GB -> US, a short call; the same destination on the next UTC day is another row
        cdr("j").direction("inbound").end("2026-11-01T23:59:59Z").seconds(3, 60).amount("0.00300").countries("GB", "US").row(),
        cdr("k").direction("inbound").end("2026-11-02T00:00:00Z").seconds(59, 60).amount("0.00300").countries("GB", "US").row()));
    Dataset<Row> r = Kpis.of(cdrs);
    assertThat(r.columns()).containsExactly("end_date", "call_direction", "to_country", "calls", "answered_calls", "asr",
        "ner", "short_calls", "short_call_ratio", "call_seconds", "billed_seconds", "billing_overhead_seconds", "amount",
        "cost_per_billed_minute");
    // GB: 0.01801 x 60 / 186 = 0.0058096.. -> 0.00581
    assertThat(TestSpark.lines(r)).containsExactlyInAnyOrder(
        "2026-11-01|outbound|GB|6|3|0.5|" + (5.0 / 6) + "|1|" + (1.0 / 3) + "|131|186|55|0.01801|0.00581",
        "2026-11-01|outbound|FR|1|1|1.0|1.0|0|0.0|60|120|60|0.00001|0.00001",
        "2026-11-01|outbound|DE|2|0|0.0|0.5|0|null|0|0|0|0.00000|null",
        "2026-11-01|inbound|US|1|1|1.0|1.0|1|1.0|3|60|57|0.00300|0.00300",
        "2026-11-02|inbound|US|1|1|1.0|1.0|0|0.0|59|60|1|0.00300|0.00300");
    StructType s = r.schema();
    for (String c : List.of("calls", "answered_calls", "short_calls", "call_seconds", "billed_seconds", "billing_overhead_seconds")) {
      assertThat(s.apply(c).dataType()).as(c).isEqualTo(DataTypes.LongType);
    }
    for (String c : List.of("asr", "ner", "short_call_ratio")) {
      assertThat(s.apply(c).dataType()).as(c).isEqualTo(DataTypes.DoubleType);
    }
    assertThat(((DecimalType) s.apply("amount").dataType()).scale()).isEqualTo(5);
    assertThat(s.apply("cost_per_billed_minute").dataType()).isEqualTo(DataTypes.createDecimalType(18, 5));
  }

  @Test
  void kpisOfNothing() {
    assertThat(Kpis.of(TestCdrs.df(spark, List.of())).count()).isZero();
  }

  /** Unanswered calls with explicit initiation and end times (only those matter for capacity). */
  private static Row call(String uuid, String init, String end, int code) {
    return cdr(uuid).unanswered().init(init).end(end).cause(code, "c" + code, "carrier").row();
  }

  @Test
  void capacityPerHourWithCallsBeforeTheWindowHourBoundariesTiesAndQuietHours() {
    Dataset<Row> cdrs = TestCdrs.df(spark, List.of(
        // three calls started before the window, running at 10:00:00
        call("p1", "2026-11-01T09:50:00Z", "2026-11-01T10:10:00Z", 3000),
        call("p2", "2026-11-01T09:40:00Z", "2026-11-01T10:05:00Z", 3000),
        call("p3", "2026-11-01T09:59:59Z", "2026-11-01T10:00:01Z", 3000),
        // three starts in the same second 10:30:00; s lasts no time at all (init = end): never concurrent
        call("q", "2026-11-01T10:30:00Z", "2026-11-01T11:00:00Z", 3000),
        call("s", "2026-11-01T10:30:00Z", "2026-11-01T10:30:00Z", 5180),
        call("u", "2026-11-01T10:30:00Z", "2026-11-01T10:45:00Z", 5190),
        // spans 11:00; q ends exactly at 11:00:00 and no longer counts then
        call("r", "2026-11-01T10:59:59Z", "2026-11-01T11:20:00Z", 3000),
        call("v", "2026-11-01T11:50:00Z", "2026-11-01T12:30:00Z", 5190)));
    Dataset<Row> r = Capacity.of(cdrs, Instant.parse("2026-11-01T10:00:00Z"), Instant.parse("2026-11-01T14:00:00Z"));
    assertThat(r.columns()).containsExactly("hour_start", "calls_started", "peak_concurrent_calls", "peak_calls_per_second",
        "limit_failures");
    assertThat(TestSpark.lines(r)).containsExactly(
        "2026-11-01T10:00:00Z|4|3|3|2",
        "2026-11-01T11:00:00Z|1|1|1|1",
        "2026-11-01T12:00:00Z|0|1|0|0",
        "2026-11-01T13:00:00Z|0|0|0|0");
    assertThat(r.schema().apply("hour_start").dataType()).isEqualTo(DataTypes.TimestampType);
  }

  @Test
  void capacityOfAQuietWindowHasEveryHourAndAPartialHourAtBothEnds() {
    Dataset<Row> r = Capacity.of(TestCdrs.df(spark, List.of()),
        Instant.parse("2026-11-01T22:30:00Z"), Instant.parse("2026-11-02T01:00:01Z"));
    assertThat(TestSpark.lines(r)).containsExactly(
        "2026-11-01T22:00:00Z|0|0|0|0",
        "2026-11-01T23:00:00Z|0|0|0|0",
        "2026-11-02T00:00:00Z|0|0|0|0",
        "2026-11-02T01:00:00Z|0|0|0|0");
  }

  private static Row out(String uuid, String day, String to, String amount) {
    return cdr(uuid).end(day + "T12:00:00Z").amount(amount).countries("US", to).row();
  }

  @Test
  void fraudSignalsFlagNewDestinationsAndBurstsOverTheBaseline() {
    List<Row> rows = new ArrayList<>();
    for (int d = 1; d <= 7; d++) {
      rows.add(out("ph" + d, "2026-11-0" + d, "PH", "2.00000")); // baseline 14 / 7 = 2.00000
    }
    rows.add(out("ph8", "2026-11-08", "PH", "10.00000")); // exactly 5 x the baseline: flagged
    rows.add(out("ph9", "2026-11-09", "PH", "9.99999")); // under the minimum amount
    rows.add(out("gb1", "2026-11-01", "GB", "42.00000")); // baseline of 11-08: 42 / 7 = 6.00000
    rows.add(out("gb8", "2026-11-08", "GB", "29.99999")); // just under 5 x 6
    rows.add(out("cu8a", "2026-11-08", "CU", "30.00000")); // a new destination
    rows.add(out("cu8b", "2026-11-08", "CU", "20.00000"));
    rows.add(cdr("in8").direction("inbound").end("2026-11-08T12:00:00Z").amount("99.00000").countries("CU", "US").row());
    rows.add(out("de0", "2026-10-31", "DE", "500.00000")); // before the covered days: not a baseline
    rows.add(out("de8", "2026-11-08", "DE", "10.00000"));
    rows.add(out("fr1", "2026-11-01", "FR", "0.00000")); // called, nothing billed: baseline 0, a new destination
    rows.add(out("fr8", "2026-11-08", "FR", "12.34567"));
    Dataset<Row> cdrs = TestCdrs.df(spark, rows);
    FraudRule rule = new FraudRule(new BigDecimal("10.00"), new BigDecimal("5"), 7);
    Dataset<Row> r = FraudSignals.of(cdrs, LocalDate.parse("2026-11-08"), LocalDate.parse("2026-11-01"), rule);
    assertThat(r.columns()).containsExactly("end_date", "to_country", "kind", "calls", "billed_seconds", "amount",
        "baseline_amount", "score", "reason");
    assertThat(TestSpark.lines(r)).containsExactlyInAnyOrder(
        "2026-11-08|PH|irsf|1|60|10.00000|2.00000|1.0|USD 10.00000 to PH in 1 calls (60 billed s): 5.0 times its daily "
            + "average of USD 2.00000 over the 7 days before",
        "2026-11-08|CU|irsf|2|120|50.00000|0.00000|5.0|USD 50.00000 to CU in 2 calls (120 billed s); nothing billed to CU "
            + "in the 7 days before",
        "2026-11-08|DE|irsf|1|60|10.00000|0.00000|1.0|USD 10.00000 to DE in 1 calls (60 billed s); nothing billed to DE "
            + "in the 7 days before",
        "2026-11-08|FR|irsf|1|60|12.34567|0.00000|1.234567|USD 12.34567 to FR in 1 calls (60 billed s); nothing billed to FR "
            + "in the 7 days before");
    assertThat(((DecimalType) r.schema().apply("amount").dataType()).scale()).isEqualTo(5);
    assertThat(((DecimalType) r.schema().apply("baseline_amount").dataType()).scale()).isEqualTo(5);
  }

  @Test
  void fraudBaselineAveragesOnlyTheCoveredDaysAndTheFirstCoveredDayIsNotJudged() {
    Dataset<Row> cdrs = TestCdrs.df(spark, List.of(
        out("de5", "2026-11-05", "DE", "40.00000"), // the first covered day: nothing before it, not judged
        out("de6", "2026-11-06", "DE", "3.00000"),
        out("de8", "2026-11-08", "DE", "10.00000"))); // baseline (40 + 3) / 3 covered days = 14.33333: not flagged
    FraudRule rule = new FraudRule(new BigDecimal("5.00"), new BigDecimal("5"), 7);
    assertThat(FraudSignals.of(cdrs, LocalDate.parse("2026-11-05"), LocalDate.parse("2026-11-05"), rule).count()).isZero();
    Dataset<Row> burst = TestCdrs.df(spark, List.of(
        out("de6", "2026-11-06", "DE", "3.00000"),
        out("de8", "2026-11-08", "DE", "10.00000"))); // baseline 3 / 3 = 1.00000, 10 >= 5 x 1: flagged, score 10 / 5
    assertThat(TestSpark.lines(FraudSignals.of(burst, LocalDate.parse("2026-11-05"), LocalDate.parse("2026-11-05"), rule)))
        .containsExactly("2026-11-08|DE|irsf|1|60|10.00000|1.00000|2.0|USD 10.00000 to DE in 1 calls (60 billed s): 10.0 "
            + "times its daily average of USD 1.00000 over the 3 days before");
  }

  @Test
  void aDayIsJudgedOnlyWhenTheSourceHoldsTheLeastBaselineDaysAndTheBaselineAveragesTheDaysHeld() {
    // the source holds days from 11-05: 11-07 has 2 held baseline days, 11-08 three
    Dataset<Row> cdrs = TestCdrs.df(spark, List.of(
        out("de5", "2026-11-05", "DE", "1.00000"),
        out("de6", "2026-11-06", "DE", "2.00000"),
        out("de7", "2026-11-07", "DE", "30.00000"), // 30 >= 5 x (3 / 2), but only 2 days held
        out("de8", "2026-11-08", "DE", "40.00000"))); // baseline (1 + 2 + 30) / 3 = 11.00000: not 5 times
    FraudRule three = new FraudRule(new BigDecimal("5.00"), new BigDecimal("5"), 7, 3);
    assertThat(FraudSignals.of(cdrs, LocalDate.parse("2026-11-05"), LocalDate.parse("2026-11-05"), three).count()).isZero();
    FraudRule two = new FraudRule(new BigDecimal("5.00"), new BigDecimal("5"), 7, 2);
    assertThat(TestSpark.lines(FraudSignals.of(cdrs, LocalDate.parse("2026-11-05"), LocalDate.parse("2026-11-05"), two)))
        .containsExactly("2026-11-07|DE|irsf|1|60|30.00000|1.50000|6.0|USD 30.00000 to DE in 1 calls (60 billed s): 20.0 "
            + "times its daily average of USD 1.50000 over the 2 days before");
    assertThat(three.heldDays(LocalDate.parse("2026-11-08"), LocalDate.parse("2026-11-05"))).isEqualTo(3);
    assertThat(three.heldDays(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-05"))).isEqualTo(7);
    assertThat(three.heldDays(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-05"))).isZero();
    assertThat(three.judges(2)).isFalse();
    assertThat(three.judges(3)).isTrue();
    assertThat(FraudRule.defaults().minBaselineDays()).isEqualTo(3);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FraudRule(BigDecimal.ONE, BigDecimal.TEN, 7, 8))
        .hasMessageContaining("from 1 to the baseline's 7 days, not 8");
  }

  @Test
  void operationsSummaryNamesTheWorstNerDestinationsThePeaksAndTheSignals() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(cdr("gb" + i).end("2026-11-01T10:00:00Z").countries("US", "GB").row());
      // FR: 10 answered, 5 busy (delivered), 5 not found (the network's fault): ASR 50%, NER 75%
      Row fr = i < 10 ? cdr("fr" + i).end("2026-11-01T10:00:00Z").countries("US", "FR").row()
          : i < 15 ? cdr("fr" + i).end("2026-11-01T10:00:00Z").unanswered().cause(4410, "user_busy", "carrier").countries("US", "FR").row()
          : cdr("fr" + i).end("2026-11-01T10:00:00Z").unanswered().cause(4090, "destination_not_found", "carrier")
              .countries("US", "FR").row();
      rows.add(fr);
    }
    rows.add(cdr("de").end("2026-11-01T10:00:00Z").unanswered().cause(4090, "destination_not_found", "carrier")
        .countries("US", "DE").row()); // NER 0 but one call: too few to list
    Dataset<Row> cdrs = TestCdrs.df(spark, rows);
    Instant start = Instant.parse("2026-11-01T09:00:00Z");
    Instant end = Instant.parse("2026-11-01T11:00:00Z");
    // the day after the first held day: judged with one held baseline day (the least allowed)
    FraudRule rule = new FraudRule(new BigDecimal("0.10"), new BigDecimal("5"), 7, 1);
    String text = ReportSummary.operations(Kpis.of(cdrs), Capacity.of(cdrs, start, end),
        FraudSignals.of(cdrs, LocalDate.parse("2026-11-01"), LocalDate.parse("2026-10-31"), rule));
    // all 41 calls end at 10:00:00; the 30 answered ones start at 09:58:55 (60 s talk + 5 s ringing), the 11
    // unanswered at 09:59:55: 41 at once from 09:59:55, 30 starts in one second; GB costs 20 x 0.00500 = 0.10000
    // (the minimum amount, nothing before it), FR 10 x 0.00500 = 0.05000 (under it)
    assertThat(text).isEqualTo(String.join("\n",
        "Worst NER destinations (at least 20 calls):",
        "  2026-11-01 outbound to FR: NER 75.0%, ASR 50.0% of 20 calls",
        "  2026-11-01 outbound to GB: NER 100.0%, ASR 100.0% of 20 calls",
        "Peak concurrent calls: 41 (hour of 2026-11-01T09:00:00Z)",
        "Peak calls per second: 30 (hour of 2026-11-01T09:00:00Z)",
        "Trunk limit failures (5180 cps, 5190 channels): 0",
        "Fraud signals: 1",
        "  2026-11-01 GB irsf: USD 0.10000 to GB in 20 calls (1200 billed s); nothing billed to GB in the 1 days before",
        ""));
  }
}
