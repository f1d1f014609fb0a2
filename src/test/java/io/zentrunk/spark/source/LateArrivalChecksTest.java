package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.client.ApiTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream's late-arrival bookkeeping, with a counter that records what it was asked, without Spark. */
class LateArrivalChecksTest {

  static final long MIN = 60 * ApiTime.MICROS_PER_SECOND;
  static final long T = ApiTime.toMicros(java.time.Instant.parse("2026-10-28T12:00:00Z"));
  static final long LAG = 10 * MIN;

  /** Answers a count with what {@code visible} says for the window, and remembers each window it was asked. */
  static final class Counts implements LateArrivalChecks.Counter {
    final List<long[]> asked = new ArrayList<>();
    long extra;

    @Override
    public long count(long from, long to) {
      asked.add(new long[] {from, to});
      return (to - from) / MIN + extra; // one CDR a minute was read; extra arrived late
    }
  }

  static LateArrivalChecks checks(Path dir) {
    return new LateArrivalChecks(dir.toString(), LAG, Configuration::new);
  }

  @Test
  void aWindowIsCountedAgainOnceAnHourAfterTheOffsetPassedItAndWhatItGainedIsReported(@TempDir Path dir) {
    LateArrivalChecks c = checks(dir);
    c.remember(T, T + MIN, 1);
    Counts counts = new Counts();
    counts.extra = 3;
    // the offset (now - lag) passes the window's end at T + MIN + LAG; the check is due an hour after that
    long due = T + MIN + LAG + LateArrivalChecks.CHECK_AFTER_MICROS;
    assertThat(c.anyDue(due - 1)).isFalse();
    assertThat(c.check(due - 1, counts)).isZero();
    assertThat(counts.asked).isEmpty();
    assertThat(c.anyDue(due)).isTrue();
    assertThat(c.check(due, counts)).isEqualTo(1);
    assertThat(counts.asked).containsExactly(new long[] {T, T + MIN});
    assertThat(c.lateCdrs()).isEqualTo(3);
    assertThat(c.checkedWindows()).isEqualTo(1);
    // once: a later trigger does not count it again
    assertThat(c.check(due + 10 * MIN, counts)).isZero();
    assertThat(c.pending()).isZero();
  }

  @Test
  void adjacentDueWindowsAreCountedWithOneRequestAndAGapStartsAnother(@TempDir Path dir) {
    LateArrivalChecks c = checks(dir);
    c.remember(T, T + MIN, 1);
    c.remember(T + MIN, T + 3 * MIN, 2);
    c.remember(T + 5 * MIN, T + 6 * MIN, 1); // a gap: a restart with a later start
    c.remember(T + 6 * MIN, T + 7 * MIN, 1);
    c.remember(T + 7 * MIN, T + 8 * MIN, 1); // not due yet
    Counts counts = new Counts();
    long now = T + 7 * MIN + LAG + LateArrivalChecks.CHECK_AFTER_MICROS;
    assertThat(c.check(now, counts)).isEqualTo(2);
    assertThat(counts.asked).containsExactly(new long[] {T, T + 3 * MIN}, new long[] {T + 5 * MIN, T + 7 * MIN});
    assertThat(c.lateCdrs()).isZero();
    assertThat(c.checkedWindows()).isEqualTo(4);
    assertThat(c.pending()).isEqualTo(1);
  }

  @Test
  void theWindowsToCheckOutliveTheQueryInItsCheckpointFolder(@TempDir Path dir) throws Exception {
    LateArrivalChecks first = checks(dir);
    first.remember(T, T + MIN, 1);
    first.remember(T + MIN, T + 2 * MIN, 1);
    assertThat(Files.readString(dir.resolve(LateArrivalChecks.FILE)))
        .contains("\"version\":1").contains("\"from\":\"2026-10-28T12:00:00Z\"").contains("\"read\":1");
    LateArrivalChecks restarted = checks(dir);
    assertThat(restarted.pending()).isEqualTo(2);
    Counts counts = new Counts();
    counts.extra = 1;
    assertThat(restarted.check(T + 2 * MIN + LAG + LateArrivalChecks.CHECK_AFTER_MICROS, counts)).isEqualTo(1);
    assertThat(restarted.lateCdrs()).isEqualTo(1);
    assertThat(checks(dir).pending()).as("the checked windows are gone from the file too").isZero();
  }

  @Test
  void withoutACheckpointNothingIsRememberedOrCounted() {
    LateArrivalChecks c = new LateArrivalChecks(null, LAG, Configuration::new);
    c.remember(T, T + MIN, 1);
    Counts counts = new Counts();
    assertThat(c.check(Long.MAX_VALUE / 2, counts)).isZero();
    assertThat(counts.asked).isEmpty();
  }
}
