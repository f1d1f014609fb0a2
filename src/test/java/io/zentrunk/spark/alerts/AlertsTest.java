package io.zentrunk.spark.alerts;

import static io.zentrunk.spark.testing.TestCdrs.cdr;
import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.report.FraudRule;
import io.zentrunk.spark.testing.TestCdrs;
import io.zentrunk.spark.testing.TestSpark;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The watch job's alert rules on small hand-made CDRs: exact figures, thresholds and windows at their boundary. */
class AlertsTest {

  static final Instant END = Instant.parse("2026-11-01T13:00:00Z");
  static final FraudRule RULE = new FraudRule(new BigDecimal("25.00"), new BigDecimal("5"), 7);
  static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  static Dataset<Row> baseline(Object... countryAndSum) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < countryAndSum.length; i += 2) {
      rows.add(RowFactory.create(countryAndSum[i], new BigDecimal((String) countryAndSum[i + 1])));
    }
    return spark.createDataFrame(rows, new StructType().add("to_country", DataTypes.StringType)
        .add(Alerts.BASELINE_SUM, DataTypes.createDecimalType(28, 5)));
  }

  @Test
  void irsfFlagsAnHourAtRatioTimesItsAverageHourOrANewDestinationAtTheLeastAmount() {
    Dataset<Row> cdrs = TestCdrs.df(spark, List.of(
        // GB: 30.00000 in the hour, its average hour 1008 / 168 = 6.00000: exactly 5 times, flagged
        cdr("g1").end("2026-11-01T12:00:00Z").countries("US", "GB").seconds(600, 600).amount("20.00000").row(),
        cdr("g2").end("2026-11-01T12:59:59Z").countries("US", "GB").seconds(300, 300).amount("10.00000").row(),
        cdr("g3").end("2026-11-01T13:00:00Z").countries("US", "GB").amount("500.00000").row(), // at the end: excluded
        cdr("g4").end("2026-11-01T11:59:59Z").countries("US", "GB").amount("500.00000").row(), // before: excluded
        // FR: 29.99999 against the same average: below 5 times
        cdr("f1").end("2026-11-01T12:30:00Z").countries("US", "FR").amount("29.99999").row(),
        // CU, never billed before: 25.00000 is the least amount, flagged; SO 24.99999 is not
        cdr("c1").end("2026-11-01T12:10:00Z").countries("US", "CU").amount("12.50000").row(),
        cdr("c2").end("2026-11-01T12:20:00Z").countries("US", "CU").amount("12.50000").row(),
        cdr("s1").end("2026-11-01T12:20:00Z").countries("US", "SO").amount("24.99999").row(),
        // inbound calls are not outbound cost
        cdr("i1").direction("inbound").end("2026-11-01T12:20:00Z").countries("LV", "US").amount("900.00000").row(),
        cdr("i2").direction("inbound").end("2026-11-01T12:20:00Z").countries("US", "LV").amount("900.00000").row()));
    Dataset<Row> base = baseline("GB", "1008.00000", "FR", "1008.00000");
    List<String> got = TestSpark.lines(Alerts.irsf(cdrs, base, 168, END, RULE).orderBy(Alerts.DESTINATION)
        .select(Alerts.KIND, Alerts.DESTINATION, Alerts.WINDOW_START, Alerts.WINDOW_END, Alerts.CALLS, Alerts.AMOUNT,
            Alerts.BASELINE_AMOUNT, Alerts.NER));
    assertThat(got).containsExactly(
        "irsf|CU|2026-11-01T12:00:00Z|2026-11-01T13:00:00Z|2|25.00000|0.00000|null",
        "irsf|GB|2026-11-01T12:00:00Z|2026-11-01T13:00:00Z|2|30.00000|6.00000|null");
    List<String> reasons = TestSpark.lines(Alerts.irsf(cdrs, base, 168, END, RULE).orderBy(Alerts.DESTINATION)
        .select(Alerts.REASON));
    assertThat(reasons).containsExactly(
        "USD 25.00000 to CU in the hour to 2026-11-01 13:00:00 UTC (2 calls, 120 billed s); nothing billed to CU in the 7 days before",
        "USD 30.00000 to GB in the hour to 2026-11-01 13:00:00 UTC (2 calls, 900 billed s): 5.0 times its average hour of USD 6.00000 over the 7 days before");
    // no covered baseline hour: nothing is judged
    assertThat(Alerts.irsf(cdrs, base, 0, END, RULE).count()).isZero();
  }

  @Test
  void trunkLimitsCountTheLastFiveMinutesByTrunkFromTheThreshold() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int code = i < 3 ? 5180 : 5190;
      rows.add(cdr("a" + i).end("2026-11-01T12:5" + (5 + i) + ":00Z").unanswered().cause(code, "x", "zentrunk").trunk("t1").row());
      rows.add(cdr("n" + i).end("2026-11-01T12:59:59Z").unanswered().cause(5190, "x", "zentrunk").trunk(null).row());
    }
    for (int i = 0; i < 4; i++) {
      rows.add(cdr("b" + i).end("2026-11-01T12:56:00Z").unanswered().cause(5180, "x", "zentrunk").trunk("t2").row());
    }
    rows.add(cdr("b4").end("2026-11-01T12:54:59Z").unanswered().cause(5180, "x", "zentrunk").trunk("t2").row());
    rows.add(cdr("b5").end("2026-11-01T13:00:00Z").unanswered().cause(5180, "x", "zentrunk").trunk("t2").row());
    rows.add(cdr("b6").end("2026-11-01T12:58:00Z").unanswered().cause(5010, "port_limit_reached", "zentrunk").trunk("t2").row());
    Dataset<Row> got = Alerts.trunkLimits(TestCdrs.df(spark, rows), END, 5).orderBy(Alerts.DESTINATION);
    assertThat(TestSpark.lines(got.select(Alerts.KIND, Alerts.DESTINATION, Alerts.WINDOW_START, Alerts.CALLS)))
        .containsExactly("trunk_limit|(no trunk_id)|2026-11-01T12:55:00Z|5", "trunk_limit|t1|2026-11-01T12:55:00Z|5");
    assertThat(got.collectAsList().get(1).getAs(Alerts.REASON).toString()).isEqualTo(
        "5 calls ended on the trunk's limits on trunk t1 in the 5 minutes to 2026-11-01 13:00:00 UTC "
            + "(3 cps_limit_reached 5180, 2 concurrent_call_limit_exceeded 5190); threshold 5");
  }

  @Test
  void nerDropsNeedTheLeastCallsAndANerStrictlyBelowTheThreshold() {
    List<Row> rows = new ArrayList<>(List.of(
        // DE: answered, user busy (delivered), two port limits: NER 0.5, not below 0.5
        cdr("d1").end("2026-11-01T12:10:00Z").countries("US", "DE").row(),
        cdr("d2").end("2026-11-01T12:10:00Z").countries("US", "DE").unanswered().cause(4410, "user_busy", "customer").row(),
        cdr("d3").end("2026-11-01T12:10:00Z").countries("US", "DE").unanswered().cause(5010, "x", "zentrunk").row(),
        cdr("d4").end("2026-11-01T12:10:00Z").countries("US", "DE").unanswered().cause(5010, "x", "zentrunk").row(),
        // IT: one of four delivered: 0.25
        cdr("t1").end("2026-11-01T12:00:00Z").countries("US", "IT").row()));
    for (int i = 2; i <= 4; i++) {
      rows.add(cdr("t" + i).end("2026-11-01T12:59:00Z").countries("US", "IT").unanswered().cause(4330, "x", "carrier").row());
      // ES: three calls, none delivered: fewer than the least calls
      rows.add(cdr("e" + i).end("2026-11-01T12:59:00Z").countries("US", "ES").unanswered().cause(4330, "x", "carrier").row());
    }
    Dataset<Row> got = Alerts.nerDrops(TestCdrs.df(spark, rows), END, 0.5, 4);
    assertThat(TestSpark.lines(got.select(Alerts.KIND, Alerts.DESTINATION, Alerts.CALLS, Alerts.NER, Alerts.REASON)))
        .containsExactly("ner_drop|IT|4|0.25|NER 0.25 to IT in the hour to 2026-11-01 13:00:00 UTC (1 of 4 outbound calls "
            + "delivered); threshold below 0.50 with at least 4 calls");
  }

  @Test
  void anAlertIsRaisedAgainOnlyOnceItsWindowNoLongerOverlapsTheLastOne() {
    Dataset<Row> cdrs = TestCdrs.df(spark, List.of(
        cdr("c1").end("2026-11-01T12:10:00Z").countries("US", "CU").amount("40.00000").row()));
    Dataset<Row> now = Alerts.irsf(cdrs, baseline(), 168, END, RULE);
    Row r = now.first();
    assertThat(r.getString(0)).hasSize(16).matches("[0-9a-f]+");
    // deterministic from kind, destination and window; another window gets another id
    assertThat(Alerts.irsf(cdrs, baseline(), 168, END, RULE).first().getString(0)).isEqualTo(r.getString(0));
    assertThat(Alerts.irsf(cdrs, baseline(), 168, END.plusSeconds(60), RULE).first().getString(0)).isNotEqualTo(r.getString(0));
    Dataset<Row> endsAtStart = Alerts.irsf(cdrs, baseline(), 168, Instant.parse("2026-11-01T12:00:00Z").plusSeconds(0), RULE);
    // an earlier alert whose window ended at 12:00:00 does not overlap [12:00, 13:00)
    Dataset<Row> earlier = Alerts.irsf(TestCdrs.df(spark, List.of(
        cdr("c0").end("2026-11-01T11:10:00Z").countries("US", "CU").amount("40.00000").row())), baseline(), 168,
        Instant.parse("2026-11-01T12:00:00Z"), RULE);
    assertThat(endsAtStart.count()).isZero();
    assertThat(Alerts.notRaisedBefore(now, earlier).count()).isEqualTo(1);
    Dataset<Row> overlapping = Alerts.irsf(TestCdrs.df(spark, List.of(
        cdr("c0").end("2026-11-01T11:10:01Z").countries("US", "CU").amount("40.00000").row())), baseline(), 168,
        Instant.parse("2026-11-01T12:01:00Z"), RULE);
    assertThat(Alerts.notRaisedBefore(now, overlapping).count()).isZero();
    // another kind or destination does not hold it back
    Dataset<Row> otherKind = overlapping.withColumn(Alerts.KIND, org.apache.spark.sql.functions.lit(AlertRules.NER_DROP));
    assertThat(Alerts.notRaisedBefore(now, otherKind).count()).isEqualTo(1);
    assertThat(Alerts.notRaisedBefore(now, now.limit(0)).count()).isEqualTo(1);
  }
}
