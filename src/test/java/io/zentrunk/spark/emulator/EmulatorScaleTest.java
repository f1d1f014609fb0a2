package io.zentrunk.spark.emulator;

import static io.zentrunk.spark.emulator.Http.list;
import static io.zentrunk.spark.emulator.Http.ts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A 1M-calls/day account: 90-day counts and deep pages are fast and memory stays bounded. */
class EmulatorScaleTest {

  @Test
  void millionCallsPerDayServesA90DayCountAndDeepPagesQuicklyWithBoundedMemory() {
    Instant now = Instant.parse("2026-11-01T00:00:00Z");
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder()
        .callsPerDay(1_000_000).now(now).rateLimitOff().build())) {
      Instant from = now.minus(Duration.ofDays(90));
      String[] q = {"end_time__gte", ts(from), "end_time__lte", ts(now)};
      long t0 = System.nanoTime();
      JsonNode first = list(api, q).json();
      long firstMs = (System.nanoTime() - t0) / 1_000_000;
      long total = first.get("meta").get("total_count").asLong();
      assertThat(total).isBetween(85_000_000L, 95_000_000L);
      assertThat(total).isEqualTo(api.groundTruthCount(from, now.plusSeconds(1)));
      assertThat(firstMs).isLessThan(3_000);

      SplittableRandom r = new SplittableRandom(5);
      t0 = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        long offset = r.nextLong(total - 20);
        JsonNode page = list(api, q[0], q[1], q[2], q[3], "offset", Long.toString(offset)).json();
        assertThat(page.get("objects")).hasSize(20);
        assertThat(page.get("meta").get("total_count").asLong()).isEqualTo(total);
      }
      long avgMs = (System.nanoTime() - t0) / 1_000_000 / 50;
      assertThat(avgMs).isLessThan(200);
      long[] cache = api.cacheSize();
      assertThat(cache[1]).isLessThanOrEqualTo(api.config().cachedCalls() + 5_000);

      // the last page holds the oldest retained calls; a deep page matches the truth
      JsonNode last = list(api, q[0], q[1], q[2], q[3], "offset", Long.toString(total - 1)).json();
      assertThat(last.get("objects")).hasSize(1);
      assertThat(last.get("objects").get(0).get("end_time").asText())
          .startsWith(ts(from).substring(0, 15));
      Instant hourStart = Instant.parse("2026-09-15T14:00:00Z");
      List<EmulatedCall> hour = api.groundTruth(hourStart, hourStart.plusSeconds(3600));
      long before = api.groundTruthCount(hourStart.plusSeconds(3600), now.plusSeconds(1));
      JsonNode deep = list(api, q[0], q[1], q[2], q[3], "offset", Long.toString(before + 1000))
          .json();
      assertThat(deep.get("objects").get(0).get("call_uuid").asText())
          .isEqualTo(hour.get(1000).callUuid());
    }
  }
}
