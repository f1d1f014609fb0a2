package io.zentrunk.spark.window;

import static io.zentrunk.spark.window.WindowReaderIT.client;
import static io.zentrunk.spark.window.WindowReaderIT.emulator;
import static io.zentrunk.spark.window.WindowReaderIT.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.client.CdrField;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.ZentrunkClient;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A part that its task counts and splits as it reads, against the emulator: exact, and no dearer than planning up front. */
class SplittingReaderIT {

  static SplittingReader reader(ZentrunkClient client, CdrQuery part, ReadStats stats) {
    return new SplittingReader(new WindowPlanner(client, 1_000, 4), part,
        s -> WindowReader.over(client, s.query()).concurrency(4).stats(stats).firstPage(s.inlinePage()).build());
  }

  @Test
  void readsEveryRecordOnceWithNoMoreRequestsThanPlanningUpFrontThenReading() {
    try (ZentrunkEmulator api = emulator()) {
      Instant from = WindowReaderIT.NOW.minus(Duration.ofDays(1));
      CdrQuery part = window(from, from.plus(Duration.ofHours(1)));
      Set<String> truth = api.groundTruth(from, from.plus(Duration.ofHours(1))).stream().map(EmulatedCall::callUuid)
          .collect(Collectors.toSet());
      ReadStats stats = new ReadStats();
      List<String> got = new ArrayList<>();
      int slices;
      try (SplittingReader r = reader(client(api, stats), part, stats)) {
        r.forEachRemaining(rec -> got.add((String) rec[CdrField.CALL_UUID.ordinal()]));
        slices = r.slicesPlanned();
      }
      assertThat(got).hasSize(truth.size());
      assertThat(new HashSet<>(got)).isEqualTo(truth);

      ReadStats upFront = new ReadStats();
      ZentrunkClient c = client(api, upFront);
      long pages = 0;
      for (WindowPlanner.Slice s : new WindowPlanner(c, 1_000, 4).plan(part)) {
        pages += (s.plannedCount() + 19) / 20;
      }
      long upFrontRequests = upFront.requests.sum() + pages;
      System.out.printf("split in the task: %d CDRs in %d slices, %d requests; planned up front: %d requests%n", got.size(), slices,
          stats.requests.sum(), upFrontRequests);
      assertThat(slices).as("the part must be split").isGreaterThan(1);
      assertThat(stats.requests.sum()).isLessThanOrEqualTo(upFrontRequests);
    }
  }

  @Test
  void recordsArrivingWhileAPartIsReadAreReadAgainNeverTwice() {
    try (ZentrunkEmulator api = emulator()) {
      Instant from = WindowReaderIT.NOW.minus(Duration.ofMinutes(30));
      Instant to = WindowReaderIT.NOW;
      int before = api.groundTruth(from, to).size();
      ReadStats stats = new ReadStats();
      List<String> got = new ArrayList<>();
      try (SplittingReader r = reader(client(api, stats), window(from, to), stats)) {
        for (int i = 0; i < 50 && r.hasNext(); i++) {
          got.add((String) r.next()[CdrField.CALL_UUID.ordinal()]);
        }
        assertThat(r.slicesPlanned()).as("the part must be split").isGreaterThan(1);
        api.advanceClock(Duration.ofMinutes(3)); // late CDRs appear, some in the slice being read
        r.forEachRemaining(rec -> got.add((String) rec[CdrField.CALL_UUID.ordinal()]));
      }
      Set<String> after = api.groundTruth(from, to).stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
      assertThat(after.size()).as("the clock move must add CDRs to the part").isGreaterThan(before);
      assertThat(new HashSet<>(got)).as("no duplicates").hasSize(got.size());
      assertThat(new HashSet<>(got)).isEqualTo(after);
      assertThat(stats.rereads.sum()).as("slices probed before the clock moved are read again").isGreaterThanOrEqualTo(1);
    }
  }
}
