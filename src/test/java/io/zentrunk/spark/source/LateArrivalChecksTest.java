package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.client.ApiTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream's late-arrival bookkeeping, with a counter that records what it was asked, without Spark. */
class LateArrivalChecksTest {

  static final long MIN = 60 * ApiTime.MICROS_PER_SECOND;
  static final long HOUR = 60 * MIN;
  static final long T = ApiTime.toMicros(java.time.Instant.parse("2026-10-28T12:00:00Z"));
  static final long LAG = 10 * MIN;
  static final long HORIZON = 24 * HOUR;

  /**
   * An API whose windows hold one CDR a minute ("m-MINUTE", ending on the minute) plus the late ones added to
   * {@code late}; it remembers each window it was asked to count.
   */
  static final class Api implements LateArrivalChecks.Counter, LateArrivalChecks.Lister {
    final List<long[]> asked = new ArrayList<>();
    final Map<Long, String> late = new HashMap<>();
    final List<long[]> listed = new ArrayList<>();
    /** Minute CDRs the API no longer lists (removed), by end_time. */
    final java.util.Set<Long> removed = new java.util.HashSet<>();
    int listings;

    @Override
    public long count(long from, long to) {
      asked.add(new long[] {from, to});
      return list(from, to, false).size();
    }

    @Override
    public List<LateArrivalChecks.Listed> list(long from, long to) {
      listings++;
      listed.add(new long[] {from, to});
      return list(from, to, true);
    }

    private List<LateArrivalChecks.Listed> list(long from, long to, boolean named) {
      List<LateArrivalChecks.Listed> out = new ArrayList<>();
      for (long t = T + Math.floorDiv(from - T + MIN - 1, MIN) * MIN; t < to; t += MIN) {
        if (!removed.contains(t)) {
          out.add(new LateArrivalChecks.Listed("m-" + (t - T) / MIN, t));
        }
      }
      late.forEach((end, uuid) -> {
        if (end >= from && end < to) {
          out.add(new LateArrivalChecks.Listed(uuid, end));
        }
      });
      return out;
    }
  }

  static LateArrivalChecks checks(Path dir) {
    return new LateArrivalChecks(dir.toString(), LAG, HORIZON, Configuration::new);
  }

  /** With the shortest horizon: a window is counted once, an hour after the offset passed it, then forgotten. */
  static LateArrivalChecks hourChecks(Path dir) {
    return new LateArrivalChecks(dir.toString(), LAG, HOUR, Configuration::new);
  }

  /** What a task that read {@code [from, to)} to its end reports: one CDR a minute, as the {@link Api} holds. */
  static void emitted(Path dir, long from, long to, String... extra) throws Exception {
    Map<String, Long> uuids = new java.util.LinkedHashMap<>();
    for (long t = from; t < to; t += MIN) {
      uuids.put("m-" + (t - T) / MIN, t);
    }
    for (String x : extra) {
      uuids.put(x, from + 5 * MIN);
    }
    emit(dir, from, to, 0, uuids);
  }

  /** Writes a partition's file the way a task does: through {@link EmittedRows.Reader}. */
  static void emit(Path dir, long from, long to, int part, Map<String, Long> uuids) throws Exception {
    java.util.Iterator<Map.Entry<String, Long>> it = uuids.entrySet().iterator();
    PartitionReader<InternalRow> rows = new PartitionReader<>() {
      InternalRow row;

      @Override
      public boolean next() {
        if (!it.hasNext()) {
          return false;
        }
        Map.Entry<String, Long> e = it.next();
        row = new GenericInternalRow(new Object[] {UTF8String.fromString(e.getKey()), e.getValue()});
        return true;
      }

      @Override
      public InternalRow get() {
        return row;
      }

      @Override
      public void close() {}
    };
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(EmittedRows.windowDir(dir.toString(), from, to), "part-" + part);
    try (EmittedRows.Reader r = new EmittedRows.Reader(rows, file, 0, 1, new Configuration())) {
      while (r.next()) {
        r.get();
      }
    }
  }

  /** The API time at which a window ending at {@code to} is first due (an hour after the offset passed it). */
  static long due(long to) {
    return to + LAG + LateArrivalChecks.CHECK_AFTER_MICROS;
  }

  @Test
  void aWindowIsCountedAgainEveryHourUntilTheHorizonAndWhatItGainedIsNamedOnce(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = checks(dir);
    c.remember(T, T + 10 * MIN, 10, 1);
    emitted(dir, T, T + 10 * MIN);
    Api api = new Api();
    assertThat(c.anyDue(due(T + 10 * MIN) - 1)).isFalse();
    assertThat(c.check(due(T + 10 * MIN) - 1, api, api)).isZero();
    assertThat(api.asked).isEmpty();
    long now = due(T + 10 * MIN);
    assertThat(c.check(now, api, api)).as("nothing late: one count").isEqualTo(1);
    assertThat(c.lateCdrs()).isZero();

    // a CDR that ended at T + 3 min becomes visible 3 hours later: the check after that names it
    api.late.put(T + 3 * MIN, "late-1");
    assertThat(c.check(now + 30 * MIN, api, api)).as("not an hour since the last check").isZero();
    now += HOUR;
    assertThat(c.check(now, api, api)).as("the count, then listing the one window").isEqualTo(1);
    assertThat(c.lateCdrs()).isEqualTo(1);
    assertThat(c.lastNamed()).containsExactly("late-1 (end_time " + ApiTime.toInstant(T + 3 * MIN) + ")");
    assertThat(api.listings).isEqualTo(1);
    now += HOUR;
    c.check(now, api, api);
    assertThat(c.lateCdrs()).as("counted once").isEqualTo(1);
    assertThat(c.pending()).isEqualTo(1);

    // the horizon: the last check, then the window and what its task emitted are forgotten
    long past = T + 10 * MIN + LAG + HORIZON;
    for (now += HOUR; now < past; now += HOUR) {
      c.check(now, api, api);
    }
    assertThat(c.pending()).isEqualTo(1);
    c.check(now, api, api);
    assertThat(c.pending()).isZero();
    assertThat(Files.exists(dir.resolve(EmittedRows.DIR).resolve(T + "-" + (T + 10 * MIN)))).isFalse();
    assertThat(c.checkedWindows()).isEqualTo(24);
  }

  @Test
  void aCdrEmittedThoughPlannedLaterIsNotLate(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = checks(dir);
    // planning counted 10; between planning and the task's read one more became visible, and the task emitted it
    c.remember(T, T + 10 * MIN, 10, 1);
    emitted(dir, T, T + 10 * MIN, "read-by-the-task");
    Api api = new Api();
    api.late.put(T + 5 * MIN, "read-by-the-task");
    assertThat(c.check(due(T + 10 * MIN), api, api)).isEqualTo(1);
    assertThat(c.lateCdrs()).isZero();
    assertThat(api.listings).isZero();
  }

  @Test
  void theWindowThatGainedIsFoundByCountingHalvesAndEachPartitionReports(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = checks(dir);
    for (int i = 0; i < 8; i++) {
      c.remember(T + i * MIN, T + (i + 1) * MIN, 1, 2);
      emit(dir, T + i * MIN, T + (i + 1) * MIN, 0, Map.of("m-" + i, T + i * MIN));
      emit(dir, T + i * MIN, T + (i + 1) * MIN, 1, Map.of());
    }
    Api api = new Api();
    api.late.put(T + 6 * MIN + 30 * ApiTime.MICROS_PER_SECOND, "late-6");
    assertThat(c.check(due(T + 8 * MIN), api, api)).as("the run, then a half of 8, 4 and 2").isEqualTo(4);
    assertThat(api.asked).containsExactly(new long[] {T, T + 8 * MIN}, new long[] {T, T + 4 * MIN},
        new long[] {T + 4 * MIN, T + 6 * MIN}, new long[] {T + 6 * MIN, T + 7 * MIN});
    assertThat(c.lateCdrs()).isEqualTo(1);
    assertThat(c.lastNamed()).singleElement().asString().startsWith("late-6 ");
    assertThat(api.listings).isEqualTo(1);
  }

  @Test
  void aLongWindowIsNarrowedByTimeAndOnlyAPageOfItIsListed(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = checks(dir);
    c.remember(T, T + 2 * HOUR, 120, 1); // a catch-up's one window: 120 CDRs, 6 pages
    emitted(dir, T, T + 2 * HOUR);
    Api api = new Api();
    api.late.put(T + 100 * MIN + ApiTime.MICROS_PER_SECOND, "late-100");
    c.check(due(T + 2 * HOUR), api, api);
    assertThat(c.lastNamed()).singleElement().asString().startsWith("late-100 ");
    assertThat(api.listed).hasSize(1);
    long[] r = api.listed.get(0);
    assertThat(api.list(r[0], r[1], false)).as("one page listed, not the window's 121 CDRs").hasSizeLessThanOrEqualTo(20);
    assertThat(api.asked).as("the window's count, then a half each time: 60, 30, 15 minutes").hasSize(4);
  }

  @Test
  void withoutEveryPartitionsReportThePlannedCountIsComparedAndTheCdrsAreCountedNotNamed(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = checks(dir);
    c.remember(T, T + 10 * MIN, 10, 2);
    emitted(dir, T, T + 10 * MIN); // partition 1 never read to its end
    Api api = new Api();
    api.late.put(T + MIN, "late-1");
    c.check(due(T + 10 * MIN), api, api);
    assertThat(c.lateCdrs()).isEqualTo(1);
    assertThat(c.lastNamed()).isEmpty();
  }

  @Test
  void adjacentDueWindowsAreCountedWithOneRequestAndAGapStartsAnother(@TempDir Path dir) {
    LateArrivalChecks c = checks(dir);
    c.remember(T, T + MIN, 1, 0);
    c.remember(T + MIN, T + 3 * MIN, 2, 0);
    c.remember(T + 5 * MIN, T + 6 * MIN, 1, 0); // a gap: a restart with a later start
    c.remember(T + 6 * MIN, T + 7 * MIN, 1, 0);
    c.remember(T + 7 * MIN, T + 8 * MIN, 1, 0); // not due yet
    Api api = new Api();
    assertThat(c.check(due(T + 7 * MIN), api, api)).isEqualTo(2);
    assertThat(api.asked).containsExactly(new long[] {T, T + 3 * MIN}, new long[] {T + 5 * MIN, T + 7 * MIN});
    assertThat(c.lateCdrs()).isZero();
    assertThat(c.checkedWindows()).isEqualTo(4);
    assertThat(c.pending()).isEqualTo(5);
  }

  @Test
  void theWindowsAndWhatWasFoundOutliveTheQueryInItsCheckpointFolder(@TempDir Path dir) throws Exception {
    LateArrivalChecks first = checks(dir);
    first.remember(T, T + MIN, 1, 1);
    first.remember(T + MIN, T + 2 * MIN, 1, 1);
    emitted(dir, T, T + MIN);
    emitted(dir, T + MIN, T + 2 * MIN);
    assertThat(Files.readString(dir.resolve(LateArrivalChecks.FILE)))
        .contains("\"version\":3").contains("\"from\":\"2026-10-28T12:00:00Z\"").contains("\"planned\":1");
    Api api = new Api();
    api.late.put(T + MIN, "late-1");
    LateArrivalChecks restarted = checks(dir);
    assertThat(restarted.pending()).isEqualTo(2);
    long now = due(T + 2 * MIN);
    assertThat(restarted.check(now, api, api)).isEqualTo(2);
    assertThat(restarted.lateCdrs()).isEqualTo(1);
    assertThat(restarted.lastNamed()).hasSize(1);

    // restarted again: the check's time and what it found are remembered, nothing is counted or named twice
    LateArrivalChecks again = checks(dir);
    assertThat(again.anyDue(now + 30 * MIN)).isFalse();
    api.late.put(T + 30 * ApiTime.MICROS_PER_SECOND, "late-0");
    again.check(now + HOUR, api, api);
    assertThat(again.lateCdrs()).isEqualTo(1);
    assertThat(again.lastNamed()).singleElement().asString().startsWith("late-0 ");
  }

  @Test
  void aWindowPlannedAgainForgetsWhatItsEarlierTasksReported(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = checks(dir);
    c.remember(T, T + MIN, 1, 1);
    emitted(dir, T, T + MIN, "from-a-run-that-never-committed");
    c.remember(T, T + MIN, 1, 1); // the batch runs again after a restart
    assertThat(EmittedRows.read(dir.toString(), T, T + MIN, 1, new Configuration())).isNull();
  }

  @Test
  void withoutACheckpointNothingIsRememberedOrCounted() {
    LateArrivalChecks c = new LateArrivalChecks(null, LAG, HORIZON, Configuration::new);
    c.remember(T, T + MIN, 1, 1);
    Api api = new Api();
    assertThat(c.check(Long.MAX_VALUE / 2, api, api)).isZero();
    assertThat(api.asked).isEmpty();
  }

  // ---- past the horizon: a count a day ----------------------------------------------------------------------------

  static final long DAY = ApiTime.MICROS_PER_DAY;

  @Test
  void aCdrThatAppearsAfterTheHorizonIsWarnedOnceWithItsDayAndCounted(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = hourChecks(dir);
    c.remember(T, T + 10 * MIN, 10, 1);
    emitted(dir, T, T + 10 * MIN);
    Api api = new Api();
    long now = due(T + 10 * MIN);
    try (StreamIT.LateWarnings warnings = new StreamIT.LateWarnings()) {
      assertThat(c.check(now, api, api)).as("the window's last count, then its day's").isEqualTo(2);
      assertThat(c.pending()).as("past the horizon").isZero();
      assertThat(c.days()).containsExactly(T - 12 * HOUR);
      assertThat(api.asked.get(1)).as("the day's span: what the stream read of it").containsExactly(T, T + 10 * MIN);
      assertThat(warnings.lines).isEmpty();

      // two CDRs that ended at T + 3 min and T + 7 min appear 2 hours later: after the horizon
      api.late.put(T + 3 * MIN, "late-3");
      api.late.put(T + 7 * MIN, "late-7");
      now += HOUR;
      assertThat(c.check(now, api, api)).as("only the day: one count").isEqualTo(1);
      assertThat(c.lateAfterHorizon()).isEqualTo(2);
      assertThat(c.lateCdrs()).isEqualTo(2);
      assertThat(warnings.lines).singleElement().asString()
          .startsWith("2 CDRs that ended on 2026-10-28 (UTC) appeared after the late-check horizon (1 hour)")
          .contains("[2026-10-28T12:00:00Z, 2026-10-28T12:10:00Z) count 12", "10 when last counted");
      warnings.lines.clear();

      // the same gain is not warned again, by this query or a restarted one
      now += HOUR;
      c.check(now, api, api);
      LateArrivalChecks restarted = hourChecks(dir);
      assertThat(restarted.days()).containsExactly(T - 12 * HOUR);
      now += HOUR;
      assertThat(restarted.check(now, api, api)).isEqualTo(1);
      assertThat(restarted.lateAfterHorizon()).isZero();
      assertThat(warnings.lines).isEmpty();

      // one more, later: only it
      api.late.put(T + 8 * MIN, "late-8");
      now += HOUR;
      restarted.check(now, api, api);
      assertThat(restarted.lateAfterHorizon()).isEqualTo(1);
      assertThat(warnings.lines).singleElement().asString().startsWith("1 CDRs that ended on 2026-10-28 ");
    }
  }

  @Test
  void eachCheckCountsOneDayPastTheHorizonRoundRobin(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = hourChecks(dir);
    long[] froms = {T - 2 * DAY, T - DAY, T};
    for (long f : froms) {
      c.remember(f, f + 10 * MIN, 10, 1);
      emitted(dir, f, f + 10 * MIN);
    }
    Api api = new Api();
    long now = due(T + 10 * MIN);
    assertThat(c.check(now, api, api)).as("three windows (not adjacent), then one day").isEqualTo(4);
    assertThat(c.days()).containsExactly(T - 12 * HOUR - 2 * DAY, T - 12 * HOUR - DAY, T - 12 * HOUR);
    List<Long> counted = new ArrayList<>();
    counted.add(api.asked.get(api.asked.size() - 1)[0]);
    for (int i = 0; i < 5; i++) {
      now += HOUR;
      int before = api.asked.size();
      assertThat(c.check(now, api, api)).as("one count request per check").isEqualTo(1);
      assertThat(api.asked).hasSize(before + 1);
      long[] asked = api.asked.get(before);
      assertThat(asked[1] - asked[0]).isEqualTo(10 * MIN);
      counted.add(asked[0]);
      if (i == 2) {
        // a restart keeps the turn
        c = hourChecks(dir);
      }
    }
    assertThat(counted).containsExactly(T - 2 * DAY, T - DAY, T, T - 2 * DAY, T - DAY, T);
    assertThat(c.lateAfterHorizon()).isZero();
  }

  @Test
  void aWindowAcrossMidnightIsSplitByTheEndTimesItsTasksReported(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = hourChecks(dir);
    long midnight = T + 12 * HOUR;
    c.remember(midnight - 30 * MIN, midnight + 30 * MIN, 60, 1);
    emitted(dir, midnight - 30 * MIN, midnight + 30 * MIN);
    Api api = new Api();
    api.late.put(midnight + 10 * MIN + ApiTime.MICROS_PER_SECOND, "late-in-horizon");
    long now = due(midnight + 30 * MIN);
    try (StreamIT.LateWarnings warnings = new StreamIT.LateWarnings()) {
      c.check(now, api, api);
      assertThat(c.lateCdrs()).as("named within the horizon").isEqualTo(1);
      assertThat(c.days()).containsExactly(midnight - DAY, midnight);
      int before = api.asked.size();
      // the first check counted the older day; the next the later one, whose count holds the CDR named before
      c.check(now + HOUR, api, api);
      assertThat(api.asked.get(before)).containsExactly(midnight, midnight + 30 * MIN);
      c.check(now + 2 * HOUR, api, api);
      assertThat(api.asked.get(before + 1)).containsExactly(midnight - 30 * MIN, midnight);
      assertThat(c.lateAfterHorizon()).as("nothing appeared after the horizon").isZero();
      assertThat(warnings.lines).as("only the in-horizon warning").hasSize(1);
    }
  }

  @Test
  void aDayThatCountsFewerIsSaidOnceNeverCountedAsNegativeLateCdrsAndALaterGainIsOverTheLowerCount(@TempDir Path dir)
      throws Exception {
    LateArrivalChecks c = hourChecks(dir);
    c.remember(T, T + 10 * MIN, 10, 1);
    emitted(dir, T, T + 10 * MIN);
    Api api = new Api();
    long now = due(T + 10 * MIN);
    c.check(now, api, api);
    try (StreamIT.LateWarnings warnings = new StreamIT.LateWarnings()) {
      api.removed.add(T + 2 * MIN);
      api.removed.add(T + 4 * MIN);
      c.check(now += HOUR, api, api);
      assertThat(warnings.lines).singleElement().asString().contains("count 8", "2 fewer than when last counted",
          "not counted as late");
      c.check(now += HOUR, api, api);
      assertThat(warnings.lines).as("said once").hasSize(1);
      assertThat(c.lateCdrs()).isZero();
      api.late.put(T + 5 * MIN, "late-5");
      c.check(now += HOUR, api, api);
      assertThat(c.lateAfterHorizon()).isEqualTo(1);
    }
  }

  @Test
  void aDayWithAGapIsCountedSpanBySpanAndALossInOneDoesNotHideAGainInTheOther(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = hourChecks(dir);
    c.remember(T, T + 10 * MIN, 10, 1);
    c.remember(T + 20 * MIN, T + 30 * MIN, 10, 1); // a gap: the stream skipped [T + 10 min, T + 20 min)
    emitted(dir, T, T + 10 * MIN);
    emitted(dir, T + 20 * MIN, T + 30 * MIN);
    Api api = new Api();
    long now = due(T + 30 * MIN);
    c.check(now, api, api);
    try (StreamIT.LateWarnings warnings = new StreamIT.LateWarnings()) {
      api.removed.add(T + 2 * MIN);
      api.late.put(T + 25 * MIN + ApiTime.MICROS_PER_SECOND, "late-25");
      int before = api.asked.size();
      assertThat(c.check(now + HOUR, api, api)).as("one count per span of the day").isEqualTo(2);
      assertThat(api.asked.subList(before, before + 2)).containsExactly(new long[] {T, T + 10 * MIN},
          new long[] {T + 20 * MIN, T + 30 * MIN});
      assertThat(c.lateAfterHorizon()).isEqualTo(1);
      assertThat(warnings.lines).hasSize(2);
      assertThat(warnings.lines.get(0)).startsWith("1 CDRs that ended on 2026-10-28 ");
      assertThat(warnings.lines.get(1)).contains("1 fewer than when last counted");
    }
  }

  @Test
  void aDayWhoseFirstMinuteLeavesTheRetentionIsDropped(@TempDir Path dir) throws Exception {
    LateArrivalChecks c = hourChecks(dir);
    c.remember(T, T + 10 * MIN, 10, 1);
    c.remember(T + DAY, T + DAY + 10 * MIN, 10, 1);
    emitted(dir, T, T + 10 * MIN);
    emitted(dir, T + DAY, T + DAY + 10 * MIN);
    Api api = new Api();
    c.check(due(T + DAY + 10 * MIN), api, api);
    assertThat(c.days()).hasSize(2);
    long day = T - 12 * HOUR;
    long firstMinuteExpires = day + ReadRequest.RETENTION_MICROS - ReadRequest.EXPIRY_MARGIN_MICROS;
    c.check(firstMinuteExpires, api, api);
    assertThat(c.days()).as("not yet").hasSize(2);
    c.check(firstMinuteExpires + HOUR, api, api);
    assertThat(c.days()).containsExactly(day + DAY);
    assertThat(hourChecks(dir).days()).as("dropped from the file too").containsExactly(day + DAY);
  }

  @Test
  void aVersion2FileLoadsWithoutDaysAndIsWrittenBackAsVersion3ANewerOneIsRefused(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(LateArrivalChecks.FILE), "{\"version\":2,\"last_check\":\"2026-10-28T11:00:00Z\","
        + "\"windows\":[{\"from\":\"2026-10-28T12:00:00Z\",\"to\":\"2026-10-28T12:10:00Z\",\"planned\":10,"
        + "\"parts\":1,\"known\":-1}]}");
    emitted(dir, T, T + 10 * MIN);
    LateArrivalChecks c = hourChecks(dir);
    assertThat(c.pending()).isEqualTo(1);
    assertThat(c.days()).isEmpty();
    Api api = new Api();
    c.check(due(T + 10 * MIN), api, api);
    assertThat(c.days()).containsExactly(T - 12 * HOUR);
    String written = Files.readString(dir.resolve(LateArrivalChecks.FILE));
    assertThat(written).contains("\"version\":3", "\"days\":[{\"from\":\"2026-10-28T12:00:00Z\","
        + "\"to\":\"2026-10-28T12:10:00Z\",\"seen\":10}]", "\"last_day\":\"2026-10-28T00:00:00Z\"");

    Files.writeString(dir.resolve(LateArrivalChecks.FILE), written.replace("\"version\":3", "\"version\":4"));
    Files.deleteIfExists(dir.resolve("." + LateArrivalChecks.FILE + ".crc")); // as a newer connector would leave it
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> hourChecks(dir).pending())
        .hasMessageContaining("of version 4, which this version of the connector (version 3) cannot read");
  }
}
