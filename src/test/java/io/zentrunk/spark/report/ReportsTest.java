package io.zentrunk.spark.report;

import io.zentrunk.spark.testing.TestCdrs;
import io.zentrunk.spark.testing.TestSpark;
import static io.zentrunk.spark.testing.TestCdrs.cdr;
import static org.assertj.core.api.Assertions.assertThat;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reports on six hand-made CDRs; every expected value below is computed by hand from these rows. The session
 * time zone is set to UTC+14 on purpose: end_date must still be the UTC date (23:59:59 vs 00:00:00 UTC).
 */
class ReportsTest {

  private static SparkSession spark;
  private static Dataset<Row> cdrs;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
    spark.conf().set("spark.sql.session.timeZone", "Pacific/Kiritimati");
    cdrs = TestCdrs.df(spark, List.of(
        cdr("a").end("2026-11-01T23:59:59Z").seconds(120, 120).amount("0.01200").countries("US", "GB").row(),
        cdr("b").end("2026-11-02T00:00:00Z").seconds(30, 60).amount("0.00600").countries("US", "GB").row(),
        cdr("c").end("2026-11-01T08:00:00Z").unanswered().cause(4410, "user_busy", "carrier")
            .countries("US", "FR").stir("Not Verified", "B").row(),
        cdr("d").end("2026-11-01T00:00:00Z").seconds(45, 60).amount("0.00750").cause(3010, "normal_hangup", "customer")
            .countries("US", "US").stir("Not Verified", "C").row(),
        cdr("e").direction("inbound").end("2026-11-01T10:00:00Z").seconds(10, 60).amount("0.00085")
            .countries("GB", "US").stir("Not Applicable", null).row(),
        cdr("f").end("2026-11-01T13:00:00Z").seconds(61, 120).amount("0.01234").countries("US", "GB").row()));
  }

  @AfterAll
  static void tearDown() {
    spark.conf().set("spark.sql.session.timeZone", "UTC");
  }

  @Test
  void hangupCausesByUtcDay() {
    Dataset<Row> r = CallReports.hangupCauses(cdrs);
    assertThat(TestSpark.lines(r)).containsExactlyInAnyOrder(
        "2026-11-01|outbound|carrier|3000|normal_hangup|2|181|240|0.02434",
        "2026-11-01|outbound|carrier|4410|user_busy|1|0|0|0.00000",
        "2026-11-01|outbound|customer|3010|normal_hangup|1|45|60|0.00750",
        "2026-11-01|inbound|carrier|3000|normal_hangup|1|10|60|0.00085",
        "2026-11-02|outbound|carrier|3000|normal_hangup|1|30|60|0.00600");
    StructType s = r.schema();
    assertThat(s.apply("end_date").dataType()).isEqualTo(DataTypes.DateType);
    assertThat(s.apply("hangup_cause_code").dataType()).isEqualTo(DataTypes.IntegerType);
    assertThat(s.apply("calls").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(s.apply("call_seconds").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(s.apply("billed_seconds").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(s.apply("amount").dataType()).isInstanceOf(DecimalType.class);
    assertThat(((DecimalType) s.apply("amount").dataType()).scale()).isEqualTo(5);
  }

  @Test
  void countriesWithAsrAndAcd() {
    Dataset<Row> r = CallReports.countries(cdrs);
    assertThat(r.columns()).containsExactly("end_date", "call_direction", "from_country", "to_country", "calls",
        "answered_calls", "call_seconds", "billed_seconds", "amount", "asr", "acd_seconds");
    assertThat(TestSpark.lines(r)).containsExactlyInAnyOrder(
        "2026-11-01|outbound|US|GB|2|2|181|240|0.02434|1.0|90.5",
        "2026-11-01|outbound|US|FR|1|0|0|0|0.00000|0.0|null",
        "2026-11-01|outbound|US|US|1|1|45|60|0.00750|1.0|45.0",
        "2026-11-01|inbound|GB|US|1|1|10|60|0.00085|1.0|10.0",
        "2026-11-02|outbound|US|GB|1|1|30|60|0.00600|1.0|30.0");
    assertThat(r.schema().apply("asr").dataType()).isEqualTo(DataTypes.DoubleType);
    assertThat(r.schema().apply("acd_seconds").dataType()).isEqualTo(DataTypes.DoubleType);
  }

  @Test
  void asrIsAnsweredOverAllCalls() {
    Dataset<Row> three = TestCdrs.df(spark, List.of(
        cdr("x").seconds(7, 60).row(), cdr("y").unanswered().row(), cdr("z").seconds(8, 60).row()));
    Row r = CallReports.countries(three).first();
    assertThat(r.getDouble(r.fieldIndex("asr"))).isEqualTo(2.0 / 3.0);
    assertThat(r.getDouble(r.fieldIndex("acd_seconds"))).isEqualTo(7.5);
  }

  @Test
  void attestationSharesPerDayAndDirection() {
    assertThat(TestSpark.lines(CallReports.attestation(cdrs))).containsExactlyInAnyOrder(
        "2026-11-01|outbound|Verified|A|2|0.5",
        "2026-11-01|outbound|Not Verified|B|1|0.25",
        "2026-11-01|outbound|Not Verified|C|1|0.25",
        "2026-11-01|inbound|Not Applicable|null|1|1.0",
        "2026-11-02|outbound|Verified|A|1|1.0");
  }

  @Test
  void summaryOverTheWholeWindow() {
    String text = ReportSummary.calls(CallReports.hangupCauses(cdrs), CallReports.countries(cdrs), CallReports.attestation(cdrs));
    assertThat(text).isEqualTo(String.join("\n",
        "Calls: 6",
        "Top hangup causes:",
        "  3000 normal_hangup: 4 (66.7%)",
        "  3010 normal_hangup: 1 (16.7%)",
        "  4410 user_busy: 1 (16.7%)",
        "ASR by destination country:",
        "  GB: 3 calls, ASR 100.0%, USD 0.03034",
        "  US: 2 calls, ASR 100.0%, USD 0.00835",
        "  FR: 1 calls, ASR 0.0%, USD 0.00000",
        "Attestation mix:",
        "  Verified/A: 3 (50.0%)",
        "  Not Applicable/-: 1 (16.7%)",
        "  Not Verified/B: 1 (16.7%)",
        "  Not Verified/C: 1 (16.7%)",
        ""));
  }

  @Test
  void summaryOfNothing() {
    Dataset<Row> none = TestCdrs.df(spark, List.of());
    String text = ReportSummary.calls(CallReports.hangupCauses(none), CallReports.countries(none), CallReports.attestation(none));
    assertThat(text).startsWith("Calls: 0\n");
  }
}
