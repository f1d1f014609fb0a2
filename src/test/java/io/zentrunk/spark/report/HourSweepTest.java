package io.zentrunk.spark.report;

import static io.zentrunk.spark.testing.TestCdrs.cdr;
import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.testing.TestCdrs;
import io.zentrunk.spark.testing.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@link Capacity#of} and {@link TrunkHours#of} (both walked by {@link HourSweep}) against the definitions computed
 * second by second in plain Java, on random calls with every awkward case: calls before the grid and spanning hours,
 * calls ending at an hour's start or before they start, refused calls (5180, 5190), a NULL hangup code, calls
 * without a trunk, several calls in one second, CDRs without an initiation or an end time.
 */
class HourSweepTest {

  static final Instant START = Instant.parse("2026-11-01T10:00:00Z");
  static final Instant END = Instant.parse("2026-11-01T14:00:00Z");
  static final int HOURS = 4;

  record Call(String trunk, long init, long end, Integer code) {}

  @Test
  void capacityAndTrunkHoursEqualTheirSecondBySecondDefinitions() {
    SparkSession spark = TestSpark.session();
    Random r = new Random(34);
    long s0 = START.getEpochSecond();
    List<Call> calls = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    String[] trunks = {"a", "b", null};
    Integer[] codes = {3000, 3000, 3000, 5180, 5190, null};
    for (int i = 0; i < 600; i++) {
      // starts from an hour before the grid to its end, some in the same second, some on an hour's start
      long init = i % 10 == 0 ? s0 + 3600L * r.nextInt(HOURS) : s0 - 3600 + r.nextInt(3600 * (HOURS + 1)) / 7 * 7;
      long length = i % 50 == 0 ? -r.nextInt(30) : i % 7 == 0 ? r.nextInt(9000) : r.nextInt(400);
      long end = i % 13 == 0 ? (Math.floorDiv(init, 3600) + 1) * 3600 : init + length;
      Call c = new Call(trunks[r.nextInt(3)], init, end, codes[r.nextInt(codes.length)]);
      boolean untimed = i % 97 == 0 || i % 89 == 0;
      if (!untimed) {
        calls.add(c);
      }
      rows.add(row("c" + i, c, i % 97 == 0, i % 89 == 0));
    }
    Dataset<Row> cdrs = TestCdrs.df(spark, rows).repartition(3);

    Map<String, Long> expected = new HashMap<>();
    for (String t : new String[] {"a", "b", null}) {
      List<Call> of = calls.stream().filter(c -> Objects.equals(c.trunk(), t)).toList();
      for (int h = 0; h < HOURS; h++) {
        Figures f = figures(of, s0 + 3600L * h);
        expected.put(t + " " + h, f.carried);
        expected.put(t + " " + h + " figures", f.started * 1_000_000_000L + f.peak * 1_000_000 + f.cps * 1000
            + f.r5180 * 100 + f.r5190);
      }
    }
    List<Row> hours = TrunkHours.of(cdrs, START, END).collectAsList();
    assertThat(hours).hasSize(3 * HOURS);
    for (Row h : hours) {
      String t = h.getString(h.fieldIndex("trunk_id"));
      int i = (int) ((epoch(h.getAs("hour_start")) - s0) / 3600);
      assertThat(h.<Long>getAs("carried_seconds")).as(t + " " + i + " carried").isEqualTo(expected.get(t + " " + i));
      long got = h.<Long>getAs("calls_started") * 1_000_000_000L + h.<Long>getAs("peak_concurrent_calls") * 1_000_000
          + h.<Long>getAs("peak_calls_per_second") * 1000 + h.<Long>getAs("cps_rejections") * 100
          + h.<Long>getAs("channel_rejections");
      assertThat(got).as(t + " " + i + " started, peak, cps, rejections").isEqualTo(expected.get(t + " " + i + " figures"));
      List<Call> held = calls.stream().filter(c -> Objects.equals(c.trunk(), t) && !refused(c)).toList();
      Double mean = held.isEmpty() ? null : held.stream().mapToLong(c -> c.end() - c.init()).sum() / (double) held.size();
      assertThat(h.<Double>getAs("mean_holding_seconds")).as(t + " holding").isEqualTo(mean);
    }

    List<Row> capacity = Capacity.of(cdrs, START, END).collectAsList();
    assertThat(capacity).hasSize(HOURS);
    for (int h = 0; h < HOURS; h++) {
      Figures f = figures(calls, s0 + 3600L * h);
      Row c = capacity.get(h);
      assertThat(epoch(c.getAs("hour_start"))).isEqualTo(s0 + 3600L * h);
      assertThat(List.of(c.<Long>getAs("calls_started"), c.<Long>getAs("peak_concurrent_calls"),
          c.<Long>getAs("peak_calls_per_second"), c.<Long>getAs("limit_failures")))
          .as("capacity hour " + h).containsExactly(f.started, f.peak, f.cps, f.r5180 + f.r5190);
    }
    // the figures are not all trivial: the test can fail
    assertThat(capacity.stream().mapToLong(c -> c.<Long>getAs("peak_calls_per_second")).max().orElse(0)).isGreaterThan(1);
    assertThat(hours.stream().mapToLong(c -> c.<Long>getAs("cps_rejections")).sum()).isGreaterThan(0);
  }

  @Test
  void capacityOfNoCallHasEveryHourAtZero() {
    List<Row> capacity = Capacity.of(TestCdrs.df(TestSpark.session(), List.of()), START, END).collectAsList();
    assertThat(capacity).hasSize(HOURS).allSatisfy(c -> assertThat(c.<Long>getAs("peak_concurrent_calls")).isZero());
    assertThat(TrunkHours.of(TestCdrs.df(TestSpark.session(), List.of()), START, END).count()).isZero();
  }

  @Test
  void theWalkTakesOneRowPerCallAndHoldsEachLaterEventBackUntilItsSecond() {
    long s0 = START.getEpochSecond();
    // (key, init_sec, end_sec, code, first_sec), sorted by first_sec: a call over the first two hours; a call that
    // "ends" an hour before it starts (its start held back past another call's start and the second hour's start);
    // a call of one second
    List<Row> calls = List.of(
        RowFactory.create(0, s0 + 10, s0 + 3600 + 10, 3000, s0 + 10),
        RowFactory.create(0, s0 + 3600 + 20, s0 + 20, 3000, s0 + 20),
        RowFactory.create(0, s0 + 30, s0 + 31, 5180, s0 + 30));
    List<Row> hours = new ArrayList<>();
    new HourSweep.Walk(s0, HOURS).call(RowFactory.create(0), calls.iterator()).forEachRemaining(hours::add);
    assertThat(hours).hasSize(HOURS);
    // levels: 1 at 10 s, 0 at 20 s (the late call's end), 1 at 30 s (the refused call is held too), 0 at 31 s; hour 1
    // starts at 0, -1 when the first call ends, 0 again when the late start comes; carried seconds of the calls not
    // refused and not ending before they start; the mean holding time of the first two: (3600 - 3600) / 2
    assertThat(hours.stream().map(h -> h.getLong(4)).toList()).containsExactly(1L, 0L, 0L, 0L);
    assertThat(hours.stream().map(h -> h.getLong(3)).toList()).containsExactly(2L, 1L, 0L, 0L);
    assertThat(hours.stream().map(h -> h.getLong(2)).toList()).containsExactly(3590L, 10L, 0L, 0L);
    assertThat(hours.get(0).getLong(6)).isEqualTo(1);
    assertThat(hours.get(0).getDouble(8)).isEqualTo(0.0);
  }

  @Test
  void theHeapGivesItsLongsInOrder() {
    Random r = new Random(7);
    HourSweep.LongHeap heap = new HourSweep.LongHeap();
    List<Long> added = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      long v = r.nextInt(200) - 100;
      heap.add(v);
      added.add(v);
    }
    List<Long> polled = new ArrayList<>();
    while (!heap.isEmpty()) {
      polled.add(heap.poll());
    }
    assertThat(polled).isEqualTo(added.stream().sorted().toList());
  }

  record Figures(long carried, long started, long peak, long cps, long r5180, long r5190) {}

  /** The hour's figures second by second, from their definitions. */
  private static Figures figures(List<Call> calls, long hour) {
    long carried = 0;
    long started = 0;
    long r5180 = 0;
    long r5190 = 0;
    for (Call c : calls) {
      if (!refused(c) && c.end() > c.init()) {
        carried += Math.max(0, Math.min(c.end(), hour + 3600) - Math.max(c.init(), hour));
      }
      if (c.init() >= hour && c.init() < hour + 3600) {
        started++;
        r5180 += Objects.equals(c.code(), 5180) ? 1 : 0;
        r5190 += Objects.equals(c.code(), 5190) ? 1 : 0;
      }
    }
    long peak = Long.MIN_VALUE;
    long cps = 0;
    for (long t = hour; t < hour + 3600; t++) {
      long level = 0;
      long now = 0;
      for (Call c : calls) {
        level += (c.init() <= t ? 1 : 0) - (c.end() <= t ? 1 : 0);
        now += c.init() == t ? 1 : 0;
      }
      peak = Math.max(peak, level);
      cps = Math.max(cps, now);
    }
    return new Figures(carried, started, peak, cps, r5180, r5190);
  }

  private static long epoch(Object t) {
    return t instanceof Timestamp ts ? ts.toInstant().getEpochSecond() : ((Instant) t).getEpochSecond();
  }

  private static boolean refused(Call c) {
    return Objects.equals(c.code(), 5180) || Objects.equals(c.code(), 5190);
  }

  /** The call as a CDR; without its initiation or its end time when told (such a CDR is not swept). */
  private static Row row(String uuid, Call c, boolean noInit, boolean noEnd) {
    Row built = cdr(uuid).trunk(c.trunk()).unanswered().init(Instant.ofEpochSecond(c.init()).toString())
        .end(Instant.ofEpochSecond(c.end()).toString()).cause(c.code() == null ? 0 : c.code(), "x", "carrier").row();
    Object[] v = new Object[built.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = built.get(i);
    }
    v[TestCdrs.SCHEMA.fieldIndex("hangup_cause_code")] = c.code();
    if (noInit) {
      v[TestCdrs.SCHEMA.fieldIndex("initiation_time")] = null;
    }
    if (noEnd) {
      v[TestCdrs.SCHEMA.fieldIndex("end_time")] = null;
    }
    return RowFactory.create(v);
  }
}
