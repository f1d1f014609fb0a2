package io.zentrunk.spark.window;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrField;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.budget.RequestBudget;
import io.zentrunk.spark.client.ClientConfig;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.ZentrunkClient;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The window reader against the emulator, with CDRs arriving in the middle of a read. */
class WindowReaderIT {

  static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");

  static ZentrunkEmulator emulator() {
    return ZentrunkEmulator.start(EmulatorConfig.builder().seed(9).callsPerDay(200_000).now(NOW).lateArrival(0.3, 10)
        .rateLimitOff().build());
  }

  static ZentrunkClient client(ZentrunkEmulator api, ReadStats stats) {
    ClientConfig config = ClientConfig.of(api.baseUrl(), api.config().authId(), api.config().authToken());
    return new ZentrunkClient(config, new RequestBudget(100_000, config.budgetWindowMillis()), stats);
  }

  static CdrQuery window(Instant from, Instant to) {
    return new CdrQuery(ApiTime.toMicros(from), ApiTime.toMicros(to), Map.of());
  }

  @Test
  void recordsArrivingMidReadAreReadAgainNeverTwice() {
    try (ZentrunkEmulator api = emulator()) {
      Instant from = NOW.minus(Duration.ofMinutes(30));
      Instant to = NOW;
      Set<String> before = api.groundTruth(from, to).stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
      ReadStats stats = new ReadStats();
      List<String> got = new ArrayList<>();
      try (WindowReader r = WindowReader.over(client(api, stats), window(from, to)).maxRereads(3).stats(stats).build()) {
        for (int i = 0; i < 50 && r.hasNext(); i++) {
          got.add((String) r.next()[CdrField.CALL_UUID.ordinal()]);
        }
        api.advanceClock(Duration.ofMinutes(3)); // late CDRs of the window appear, some on pages already read
        r.forEachRemaining(rec -> got.add((String) rec[CdrField.CALL_UUID.ordinal()]));
      }
      Set<String> after = api.groundTruth(from, to).stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
      assertThat(after.size()).as("the clock move must add CDRs to the window").isGreaterThan(before.size());
      assertThat(new HashSet<>(got)).as("no duplicates").hasSize(got.size());
      assertThat(new HashSet<>(got)).isEqualTo(after);
      assertThat(stats.rereads.sum()).isGreaterThanOrEqualTo(1);
      System.out.printf("late arrivals: %d before, %d after, %d read, %d re-reads, %d requests%n", before.size(), after.size(),
          got.size(), stats.rereads.sum(), stats.requests.sum());
    }
  }

  @Test
  void aWindowThatNeverSettlesFailsLoudly() {
    try (ZentrunkEmulator api = emulator()) {
      Instant from = NOW.minus(Duration.ofMinutes(30));
      ReadStats stats = new ReadStats();
      try (WindowReader r = WindowReader.over(client(api, stats), window(from, NOW)).maxRereads(0).stats(stats).build()) {
        assertThatThrownBy(() -> {
          int i = 0;
          while (r.hasNext()) {
            r.next();
            if (++i % 200 == 0) {
              api.advanceClock(Duration.ofMinutes(1));
            }
          }
        }).hasMessageContaining("did not settle").hasMessageContaining("raise max_rereads");
      }
    }
  }

  @Test
  void aRowLimitReadsOnlyThePagesItNeeds() {
    try (ZentrunkEmulator api = emulator()) {
      ReadStats stats = new ReadStats();
      try (WindowReader r = WindowReader.over(client(api, stats), window(NOW.minus(Duration.ofHours(2)), NOW)).concurrency(8)
          .limit(45).maxRereads(3).stats(stats).build()) {
        int n = 0;
        while (r.hasNext()) {
          r.next();
          n++;
        }
        assertThat(n).isEqualTo(45);
      }
      assertThat(stats.requests.sum()).isEqualTo(3);
      WindowReader closed = WindowReader.over(client(api, stats), window(NOW.minusSeconds(60), NOW)).maxRereads(1).stats(stats).build();
      closed.close();
      closed.close(); // idempotent
      assertThatThrownBy(closed::hasNext).hasMessageContaining("is closed");
    }
  }
}
