package io.zentrunk.spark.report;

import static io.zentrunk.spark.testing.TestSpark.lines;
import static io.zentrunk.spark.testing.TestCdrs.cdr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.zentrunk.spark.testing.TestCdrs;
import io.zentrunk.spark.testing.TestSpark;
import io.zentrunk.spark.testing.ErlangFormula;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Trunk sizing on hand-made CDRs, Erlang B against published table values and the closed formula. */
class TrunkSizingTest {

  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  /** Erlang B by its textbook formula, independent of the recursion (see {@link ErlangFormula}). */
  static double closedForm(double erlangs, int channels) {
    return ErlangFormula.blocking(erlangs, channels);
  }

  @Test
  void erlangBMatchesPublishedTablesAndTheClosedFormula() {
    // published 1% tables: 15 channels carry 8.108 Erlangs, 10 carry 4.461, 100 carry 84.06
    assertThat(ErlangB.channels(8.108, 0.01)).isEqualTo(15);
    assertThat(ErlangB.blocking(8.108, 15)).isCloseTo(0.01, within(1e-6));
    assertThat(ErlangB.blocking(8.108, 14)).isGreaterThan(0.01);
    assertThat(ErlangB.channels(8.12, 0.01)).isEqualTo(16);
    assertThat(ErlangB.channels(4.461, 0.01)).isEqualTo(10);
    assertThat(ErlangB.channels(84.06, 0.01)).isEqualTo(100);
    // 5% table: 10 channels carry 6.216 Erlangs (6.216 itself gives 5.0010%)
    assertThat(ErlangB.channels(6.21, 0.05)).isEqualTo(10);
    // thousands of Erlangs, where E^N/N! overflows a double: the recursion agrees with exact decimals
    for (double e : new double[] {0.5, 8.108, 100, 1000, 5000}) {
      int n = ErlangB.channels(e, 0.01);
      assertThat(ErlangB.blocking(e, n)).as("B(%s,%d)", e, n).isCloseTo(closedForm(e, n), within(1e-13))
          .isLessThanOrEqualTo(0.01);
      assertThat(closedForm(e, n - 1)).as("B(%s,%d)", e, n - 1).isGreaterThan(0.01);
    }
    assertThat(ErlangB.channels(5000, 0.01)).isEqualTo(5010);
    // no traffic: nothing offered, nothing blocked, no channel needed
    assertThat(ErlangB.channels(0, 0.01)).isZero();
    assertThat(ErlangB.blocking(0, 0)).isZero();
    assertThat(ErlangB.blocking(2, 0)).isEqualTo(1.0);
    assertThatThrownBy(() -> ErlangB.blocking(-1, 3)).hasMessageContaining("traffic");
    assertThatThrownBy(() -> ErlangB.channels(1, 1.0)).hasMessageContaining("grade of service");
  }

  private static Row call(String uuid, String trunk, String init, String end, int code) {
    return cdr(uuid).trunk(trunk).unanswered().init(init).end(end).cause(code, "c" + code, "carrier").row();
  }

  static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant END = Instant.parse("2026-11-03T00:00:00Z");

  static Dataset<Row> cdrs() {
    return TestCdrs.df(spark, List.of(
        // trunk a, 2026-11-01: a1 spans 11:00 (30 s in each hour); at 11:20:00 a2, a3 and a4 are up at once, a3 and
        // a4 started in the same second, a3 rejected 5190 after 1 s. 11:00 offers 30 + 1800 + 1 + 300 = 2131 s
        call("a1", "a", "2026-11-01T10:59:30Z", "2026-11-01T11:00:30Z", 3000),
        call("a2", "a", "2026-11-01T11:10:00Z", "2026-11-01T11:40:00Z", 3000),
        call("a3", "a", "2026-11-01T11:20:00Z", "2026-11-01T11:20:01Z", 5190),
        call("a4", "a", "2026-11-01T11:20:00Z", "2026-11-01T11:25:00Z", 3000),
        // no trunk_id, 2026-11-02: two full hours, equal traffic: the earlier is the busy hour
        call("n1", null, "2026-11-02T00:00:00Z", "2026-11-02T02:00:00Z", 3000),
        // trunk z: one attempt rejected in no time at all (5180): traffic 0
        call("z1", "z", "2026-11-01T12:00:00Z", "2026-11-01T12:00:00Z", 5180)));
  }

  @Test
  void trunkHoursCountCarriedSecondsInsideEachHourThePeaksAndTheOfferedTrafficPerTrunk() {
    Dataset<Row> h = TrunkHours.of(cdrs(), START, END);
    assertThat(h.columns()).containsExactly("trunk_id", "hour_start", "carried_seconds", "carried_erlangs", "calls_started",
        "peak_concurrent_calls", "peak_calls_per_second", "cps_rejections", "channel_rejections", "mean_holding_seconds",
        "offered_erlangs");
    assertThat(h.count()).as("3 trunks x 48 hours, quiet ones too").isEqualTo(144);
    // trunk a holds its carried calls 60, 1800 and 300 s: 720 s on average; a3's refusal (1 s, 5190) is no carried
    // second but one refused attempt of 720 s offered. Trunk z carried nothing: its refusal cannot be timed
    assertThat(lines(h.filter("carried_seconds > 0 OR calls_started > 0 OR peak_concurrent_calls > 0"))).containsExactly(
        "a|2026-11-01T10:00:00Z|30|" + 30 / 3600.0 + "|1|1|1|0|0|720.0|" + 30 / 3600.0,
        "a|2026-11-01T11:00:00Z|2130|" + 2130 / 3600.0 + "|3|3|2|0|1|720.0|" + (2130 / 3600.0 + 1 * 720.0 / 3600.0),
        "z|2026-11-01T12:00:00Z|0|0.0|1|0|1|1|0|null|null",
        "null|2026-11-02T00:00:00Z|3600|1.0|1|1|1|0|0|7200.0|1.0",
        "null|2026-11-02T01:00:00Z|3600|1.0|0|1|0|0|0|7200.0|1.0");
    assertThat(lines(h.filter("trunk_id = 'z' AND hour_start != TIMESTAMP '2026-11-01 12:00:00Z'")
        .select("offered_erlangs").distinct())).as("no refusal: offered = carried, timed or not").containsExactly("0.0");
    assertThat(h.schema().apply("carried_seconds").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(h.schema().apply("carried_erlangs").dataType()).isEqualTo(DataTypes.DoubleType);
    assertThat(h.schema().apply("offered_erlangs").dataType()).isEqualTo(DataTypes.DoubleType);
  }

  @Test
  void sizingPerTrunkAndDayAndForTheWindowWithLimits() {
    TrunkSizing.Limits limits = new TrunkSizing.Limits(0.01, TrunkSizing.Limit.parse("a=4", "--channels"),
        TrunkSizing.Limit.parse("10", "--cps-limit"));
    Dataset<Row> s = TrunkSizing.sizing(TrunkHours.of(cdrs(), START, END), limits);
    assertThat(s.columns()).containsExactly("trunk_id", "day", "busy_hour_start", "busy_hour_carried_seconds",
        "busy_hour_carried_erlangs", "busy_hour_refusals", "mean_holding_seconds", "busy_hour_offered_erlangs",
        "calls_started", "peak_concurrent_calls", "peak_calls_per_second", "grade_of_service", "erlang_b_channels",
        "carried_erlang_b_channels", "channels", "channel_utilisation", "erlang_b_blocking", "cps_limit", "cps_utilisation",
        "busy_hour_attempts", "busy_hour_channel_rejections", "observed_blocking");
    double ca = 2130 / 3600.0;
    double ea = ca + 720.0 / 3600;
    // B(0.7917, 3) > 1% >= B(0.7917, 4) = 0.00743: 4 channels; the closed formula gives the blocking at 4
    assertThat(closedForm(ea, 3)).isGreaterThan(0.01);
    double ba = ErlangB.blocking(ea, 4);
    assertThat(ba).isCloseTo(closedForm(ea, 4), within(1e-15)).isCloseTo(0.00743, within(1e-5));
    String a = "|2026-11-01T11:00:00Z|2130|" + ca + "|1|720.0|" + ea + "|4|3|2|0.01|4|4|4|0.75|" + ba + "|10|0.2|3|1|"
        + (1.0 / 3);
    String n = "|2026-11-02T00:00:00Z|3600|1.0|0|7200.0|1.0|1|1|1|0.01|5|5|null|null|null|10|0.1|1|0|0.0";
    // trunk z's only attempt was refused: the hour of its refusal is the busy hour, its offered traffic unknown
    String z = "|2026-11-01T12:00:00Z|0|0.0|1|null|null|1|0|1|0.01|null|0|null|null|null|10|0.1|1|0|0.0";
    assertThat(lines(s)).containsExactly(
        "a|2026-11-01" + a,
        // a trunk with no calls in a day: no busy hour, no traffic, no channel needed
        "a|2026-11-02|null|0|0.0|0|720.0|0.0|0|0|0|0.01|0|0|4|0.0|0.0|10|0.0|null|null|null",
        "a|null" + a,
        "z|2026-11-01" + z,
        "z|2026-11-02|null|0|0.0|0|null|0.0|0|0|0|0.01|0|0|null|null|null|10|0.0|null|null|null",
        "z|null" + z,
        // calls without a trunk_id: a per-trunk --channels does not reach them, one --cps-limit for all does
        "null|2026-11-01|null|0|0.0|0|7200.0|0.0|0|0|0|0.01|0|0|null|null|null|10|0.0|null|null|null",
        "null|2026-11-02" + n,
        "null|null" + n);
    assertThat(TrunkSizing.summary(s)).isEqualTo(String.join("\n",
        "Trunk sizing (Erlang B at the busy hour):",
        "  trunk a: busy hour 2026-11-01T11:00:00Z, 0.792 Erlangs offered (0.592 carried + 1 refused x 720.0 s), needs 4"
            + " channels at 1% (4 on carried traffic), has 4, peak 3 (2 calls/s, limit 10)",
        "  trunk z: busy hour 2026-11-01T12:00:00Z, offered traffic unknown (0.000 carried + 1 refused, no call carried to"
            + " time them), has no --channels, peak 0 (1 calls/s, limit 10)",
        "  trunk (none): busy hour 2026-11-02T00:00:00Z, 1.000 Erlangs, needs 5 channels at 1%, has no --channels, peak 1"
            + " (1 calls/s, limit 10)",
        ""));
  }

  /**
   * A congested trunk: 4 calls of 600 s carried in one hour (0.667 Erlangs) and 12 attempts refused 5190 at its
   * limit of 4 channels. Sized on carried traffic it would need 4 channels, the limit that refused them; offered
   * traffic is 0.667 + 12 x 600 / 3600 = 2.667 Erlangs, which needs 8.
   */
  @Test
  void aCongestedTrunkIsSizedOnItsOfferedTrafficAboveTheLimitThatRefusedItsCalls() {
    List<Row> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(call("c" + i, "c", "2026-11-01T13:0" + i + ":00Z", "2026-11-01T13:1" + i + ":00Z", 3000));
    }
    for (int i = 0; i < 12; i++) {
      // while the 4 are up (13:03 to 13:10), every 20 s from 13:04:00
      String at = String.format("2026-11-01T13:%02d:%02d", 4 + i / 3, 20 * (i % 3));
      calls.add(call("r" + i, "c", at + "Z", at.substring(0, 18) + "1Z", 5190));
    }
    Dataset<Row> s = TrunkSizing.sizing(TrunkHours.of(TestCdrs.df(spark, calls), START, END),
        new TrunkSizing.Limits(0.01, TrunkSizing.Limit.parse("4", "--channels"), TrunkSizing.Limit.NONE))
        .filter("day IS NULL");
    Row r = s.first();
    double carried = 2400 / 3600.0;
    double offered = carried + 12 * 600.0 / 3600;
    assertThat(r.<Double>getAs("busy_hour_carried_erlangs")).isEqualTo(carried);
    assertThat(r.<Double>getAs("mean_holding_seconds")).isEqualTo(600.0);
    assertThat(r.<Double>getAs("busy_hour_offered_erlangs")).isCloseTo(offered, within(1e-12));
    assertThat(r.<Integer>getAs("carried_erlang_b_channels")).isEqualTo(ErlangB.channels(carried, 0.01)).isEqualTo(4);
    assertThat(r.<Integer>getAs("erlang_b_channels")).isEqualTo(ErlangB.channels(offered, 0.01)).isEqualTo(8)
        .isGreaterThan(r.<Integer>getAs("channels"));
    assertThat(r.<Double>getAs("erlang_b_blocking")).isCloseTo(closedForm(offered, 4), within(1e-12)).isGreaterThan(0.1);
  }

  @Test
  void theOfferedTrafficEstimatorAddsTheRefusalsTimedByTheMeanHoldingTime() {
    // 2 carried Erlangs and 360 refused attempts of a trunk whose calls hold 60 s: 2 + 360 x 60 / 3600 = 8 offered
    assertThat(OfferedTraffic.erlangs(2.0, 360, 60.0)).isCloseTo(8.0, within(1e-12));
    // Y / (1 - B) with B the share refused: the same estimate (a 1,440-attempt hour of 60 s calls, 25% refused)
    assertThat(OfferedTraffic.erlangs(1080 * 60 / 3600.0, 360, 60.0)).isCloseTo((1080 * 60 / 3600.0) / (1 - 0.25), within(1e-12));
    // nothing refused: the carried traffic, whether the holding time is known or not
    assertThat(OfferedTraffic.erlangs(1.5, 0, null)).isEqualTo(1.5);
    assertThat(OfferedTraffic.erlangs(0.0, 0, 90.0)).isEqualTo(0.0);
    // refusals and no call carried to time them: no estimate, never a made-up one
    assertThat(OfferedTraffic.erlangs(0.0, 7, null)).isNull();
    assertThatThrownBy(() -> OfferedTraffic.erlangs(-1, 0, 60.0)).hasMessageStartingWith("carried traffic must be");
    assertThatThrownBy(() -> OfferedTraffic.erlangs(1, -2, 60.0)).hasMessageStartingWith("refusals must be >= 0");
    assertThatThrownBy(() -> OfferedTraffic.erlangs(1, 2, Double.NaN)).hasMessageStartingWith("mean holding time must be");
    assertThat(ReportFunctions.offeredErlangs(2.0, 360, 60.0)).isEqualTo(OfferedTraffic.erlangs(2.0, 360, 60.0));
  }

  @Test
  void sizingOfNothingIsEmptyAndSaysSo() {
    Dataset<Row> s = TrunkSizing.sizing(TrunkHours.of(TestCdrs.df(spark, List.of()), START, END),
        TrunkSizing.Limits.defaults());
    assertThat(s.count()).isZero();
    assertThat(TrunkSizing.summary(s)).isEqualTo("Trunk sizing (Erlang B at the busy hour):\n  no calls\n");
  }

  @Test
  void limitOptionsParseOneValueOrPerTrunkAndRejectEverythingElseNamingTheOption() {
    assertThat(TrunkSizing.Limit.parse(null, "--channels")).isEqualTo(TrunkSizing.Limit.NONE);
    assertThat(TrunkSizing.Limit.parse(" 30 ", "--channels")).isEqualTo(new TrunkSizing.Limit(30, Map.of()));
    TrunkSizing.Limit per = TrunkSizing.Limit.parse("a=30, b=5", "--channels");
    assertThat(per.of("a")).isEqualTo(30);
    assertThat(per.of("b")).isEqualTo(5);
    assertThat(per.of("c")).isNull();
    assertThat(per.of(null)).isNull();
    for (String bad : List.of("0", "-3", "x", "a=", "=4", "a=4,a=5", "a=4,,b=2", "1.5")) {
      assertThatThrownBy(() -> TrunkSizing.Limit.parse(bad, "--cps-limit")).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--cps-limit ");
    }
  }
}
