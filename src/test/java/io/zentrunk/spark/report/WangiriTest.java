package io.zentrunk.spark.report;

import static io.zentrunk.spark.testing.TestCdrs.cdr;
import static io.zentrunk.spark.testing.TestSpark.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.testing.TestCdrs;
import io.zentrunk.spark.testing.TestSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wangiri signals on hand-made CDRs; every expected value is computed by hand. */
class WangiriTest {

  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  /** An inbound unanswered call from {@code from} (CU) to {@code to} (US), rung from init to end. */
  private static Row ring(String uuid, String from, String to, String init, String end) {
    return cdr(uuid).direction("inbound").numbers(from, to).countries("CU", "US").unanswered().init(init).end(end)
        .cause(4420, "carrier_cancelled", "carrier").row();
  }

  /** An answered outbound call to {@code to} (CU), initiated at {@code init}, 5 s ringing, {@code talk} s. */
  private static Row callback(String uuid, String to, String init, String end, int talk, String amount) {
    return cdr(uuid).direction("outbound").numbers("+14155550100", to).countries("US", "CU").init(init).end(end)
        .seconds(talk, talk).amount(amount).row();
  }

  @Test
  void oneRingFanOutAndCallbacksPerDayAndPrefix() {
    Dataset<Row> cdrs = TestCdrs.df(spark, List.of(
        // 2026-11-01, prefix +535550 (numbers without their last 4 digits): 4 one-ring calls from 3 numbers to 3 of
        // the account's numbers; w2 lasts exactly the 5 s allowed
        ring("w1", "+5355500001", "+14155550001", "2026-11-01T10:00:00Z", "2026-11-01T10:00:03Z"),
        ring("w2", "+5355500002", "+14155550002", "2026-11-01T10:05:00Z", "2026-11-01T10:05:05Z"),
        ring("w3", "+5355500002", "+14155550003", "2026-11-01T10:10:00Z", "2026-11-01T10:10:02Z"),
        ring("w4", "+5355500003", "+14155550002", "2026-11-01T10:20:00Z", "2026-11-01T10:20:01Z"),
        // not one ring: 6 s; answered; domestic; outbound
        ring("x1", "+5355500004", "+14155550009", "2026-11-01T10:30:00Z", "2026-11-01T10:30:06Z"),
        cdr("x2").direction("inbound").numbers("+5355500005", "+14155550010").countries("CU", "US").seconds(2, 60)
            .init("2026-11-01T10:40:00Z").end("2026-11-01T10:40:04Z").row(),
        cdr("x3").direction("inbound").numbers("+14155559999", "+14155550011").unanswered()
            .init("2026-11-01T10:50:00Z").end("2026-11-01T10:50:01Z").row(),
        cdr("x4").direction("outbound").numbers("+14155550012", "+5355500006").countries("US", "CU").unanswered()
            .init("2026-11-01T10:55:00Z").end("2026-11-01T10:55:01Z").row(),
        // another prefix, one ring: no fan-out
        cdr("g1").direction("inbound").numbers("+447700900123", "+14155550020").countries("GB", "US").unanswered()
            .init("2026-11-01T11:00:00Z").end("2026-11-01T11:00:02Z").row(),
        // 2026-11-02: one ring from +5355500002 again
        ring("w5", "+5355500002", "+14155550005", "2026-11-02T12:00:00Z", "2026-11-02T12:00:02Z"),
        // callbacks: c1 exactly at w1's end (counted); c2 1 s before 48 h after w2's end (counted, once, for both
        // days); c3 exactly 48 h after w4's end (the edge, excluded); c4 before w1 rang (not a callback)
        callback("c1", "+5355500001", "2026-11-01T10:00:03Z", "2026-11-01T10:01:08Z", 60, "1.15000"),
        callback("c2", "+5355500002", "2026-11-03T10:05:04Z", "2026-11-03T10:07:09Z", 120, "2.30000"),
        callback("c3", "+5355500003", "2026-11-03T10:20:01Z", "2026-11-03T10:21:06Z", 60, "1.15000"),
        callback("c4", "+5355500001", "2026-11-01T09:59:00Z", "2026-11-01T10:00:05Z", 60, "1.15000")));
    Dataset<Row> s = Wangiri.signals(cdrs, new Wangiri.Rule(5, 48, 4, 3, 1));
    assertThat(s.columns()).containsExactly("end_date", "calling_prefix", "from_country", "one_ring_calls",
        "calling_numbers", "numbers_reached", "callbacks", "callback_numbers", "callback_billed_seconds",
        "callback_amount", "flagged");
    assertThat(lines(s)).containsExactly(
        "2026-11-01|+44770090|GB|1|1|1|0|0|0|0.00000|false",
        "2026-11-01|+535550|CU|4|3|3|2|2|180|3.45000|true",
        "2026-11-02|+535550|CU|1|1|1|1|1|120|2.30000|false");
    assertThat(s.schema().apply("callback_amount").dataType()).isEqualTo(DataTypes.createDecimalType(28, 5));
    assertThat(Wangiri.summary(s)).isEqualTo(
        "Wangiri signals: 1\n  2026-11-01 +535550 (CU): 4 one-ring calls to 3 numbers, 2 callbacks, USD 3.45000\n");

    // at most 2 s of ringing: only w3 and w4, 2 numbers reached (not enough); c2 still follows w3 within 48 h
    assertThat(lines(Wangiri.signals(cdrs, new Wangiri.Rule(2, 48, 4, 3, 1)).filter("end_date = '2026-11-01'")))
        .contains("2026-11-01|+535550|CU|2|2|2|1|1|120|2.30000|false");
    // a 1-hour callback window keeps only c1; more callbacks required: not flagged
    assertThat(lines(Wangiri.signals(cdrs, new Wangiri.Rule(5, 1, 4, 3, 2)))).contains(
        "2026-11-01|+535550|CU|4|3|3|1|1|60|1.15000|false");
  }

  @Test
  void nothingOneRingIsEmptyAndBadRulesNameTheirOption() {
    assertThat(Wangiri.signals(TestCdrs.df(spark, List.of(cdr("a").row())), Wangiri.Rule.defaults()).count()).isZero();
    assertThatThrownBy(() -> new Wangiri.Rule(0, 48, 4, 10, 1)).hasMessageStartingWith("--one-ring-seconds ");
    assertThatThrownBy(() -> new Wangiri.Rule(5, 0, 4, 10, 1)).hasMessageStartingWith("--callback-hours ");
    assertThatThrownBy(() -> new Wangiri.Rule(5, 48, 9, 10, 1)).hasMessageStartingWith("--wangiri-block-digits ");
    assertThatThrownBy(() -> new Wangiri.Rule(5, 48, 4, 0, 1)).hasMessageStartingWith("--wangiri-min-numbers ");
    assertThatThrownBy(() -> new Wangiri.Rule(5, 48, 4, 10, -1)).hasMessageStartingWith("--wangiri-min-callbacks ");
  }
}
