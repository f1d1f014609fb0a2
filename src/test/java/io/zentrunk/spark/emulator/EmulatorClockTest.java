package io.zentrunk.spark.emulator;

import static io.zentrunk.spark.emulator.Http.list;
import static io.zentrunk.spark.emulator.Http.ts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Live clock, clock control and late-arriving records. */
class EmulatorClockTest {

  static long total(ZentrunkEmulator api, String... kv) {
    return list(api, kv).json().get("meta").get("total_count").asLong();
  }

  @Test
  void liveClockShowsNewCallsAsTimePasses() throws Exception {
    // ~58 calls a second on average: a 2 s wait is enough to see the count grow
    try (ZentrunkEmulator api = ZentrunkEmulator.start(
        EmulatorConfig.builder().callsPerDay(5_000_000).rateLimitOff().build())) {
      Instant start = Instant.now().minus(Duration.ofMinutes(10));
      String[] q = {"end_time__gte", ts(start)};
      assertThat(Duration.between(api.now(), Instant.now()).abs()).isLessThan(Duration.ofSeconds(1));
      long before = total(api, q);
      JsonNode newest = list(api, "limit", "1").json().get("objects").get(0);
      assertThat(newest.get("end_time").asText()).isLessThanOrEqualTo(ts(Instant.now()));
      Thread.sleep(2_000);
      long after = total(api, q);
      assertThat(after).isGreaterThan(before);
      // setNow switches to a fixed clock
      Instant fixed = Instant.parse("2026-06-01T12:00:00Z");
      api.setNow(fixed);
      Thread.sleep(50);
      assertThat(api.now()).isEqualTo(fixed);
      api.advanceClock(Duration.ofMinutes(5));
      assertThat(api.now()).isEqualTo(fixed.plus(Duration.ofMinutes(5)));
    }
  }

  @Test
  void lateCallsAppearOnlyAfterTheirDelay() {
    Instant now = Instant.parse("2026-10-28T15:00:00Z");
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(11)
        .callsPerDay(50_000).now(now).lateArrival(0.2, 5).rateLimitOff().build())) {
      Instant from = now.minus(Duration.ofMinutes(20));
      Instant to = now.plus(Duration.ofMinutes(20));
      String[] q = {"end_time__gte", ts(from), "end_time__lt", ts(to)};
      List<EmulatedCall> t0 = api.groundTruth(from, to);
      assertThat(total(api, q)).isEqualTo(t0.size());
      assertThat(t0).allMatch(c -> !c.endTime().isAfter(now));

      api.advanceClock(Duration.ofMinutes(6));
      List<EmulatedCall> t1 = api.groundTruth(from, to);
      assertThat(total(api, q)).isEqualTo(t1.size());
      Set<String> before = t0.stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
      Set<String> after = t1.stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
      assertThat(after).containsAll(before);
      // calls that ended before the first "now" but arrived only later: late arrivals
      List<EmulatedCall> late = t1.stream()
          .filter(c -> !before.contains(c.callUuid()) && !c.endTime().isAfter(now))
          .collect(Collectors.toList());
      assertThat(late).isNotEmpty();
      // among the calls that ended in the last 5 minutes before now, about 20% were late
      long recent = t1.stream().filter(c -> !c.endTime().isAfter(now)
          && c.endTime().isAfter(now.minus(Duration.ofMinutes(5)))).count();
      assertThat((double) late.size() / recent).isBetween(0.08, 0.30);
      // a late call is visible through GET only once arrived
      EmulatedCall one = late.get(0);
      api.setNow(now);
      assertThat(Http.get(api, Http.listPath() + one.callUuid() + "/").status()).isEqualTo(404);
      api.setNow(now.plus(Duration.ofMinutes(6)));
      assertThat(Http.get(api, Http.listPath() + one.callUuid() + "/").status()).isEqualTo(200);

      // a window that ended more than the maximum delay ago no longer changes
      Instant oldTo = now.minus(Duration.ofMinutes(6));
      api.setNow(now);
      long settled = api.groundTruthCount(from, oldTo);
      api.advanceClock(Duration.ofHours(1));
      assertThat(api.groundTruthCount(from, oldTo)).isEqualTo(settled);
      assertThat(total(api, "end_time__gte", ts(from), "end_time__lt", ts(oldTo)))
          .isEqualTo(settled);
      // and a page of the still-moving edge equals the truth
      List<String> page = new java.util.ArrayList<>();
      list(api, q).json().get("objects").forEach(o -> page.add(o.get("call_uuid").asText()));
      assertThat(page).containsExactlyElementsOf(api.groundTruth(from, to).stream().limit(20)
          .map(EmulatedCall::callUuid).collect(Collectors.toList()));
    }
  }

  @Test
  void noFutureCallsAndNothingBeyond90Days() {
    Instant now = Instant.parse("2026-10-28T15:00:30.500Z");
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder()
        .callsPerDay(100_000).now(now).rateLimitOff().build())) {
      List<EmulatedCall> t = api.groundTruth(now.minusSeconds(120), now.plusSeconds(120));
      assertThat(t).isNotEmpty().allMatch(c -> !c.endTime().isAfter(now));
      JsonNode newest = list(api, "limit", "1").json().get("objects").get(0);
      assertThat(newest.get("call_uuid").asText()).isEqualTo(t.get(0).callUuid());
      assertThat(api.groundTruthCount(now.minus(Duration.ofDays(200)), now.minus(Duration.ofDays(90))))
          .isZero();
      Set<String> seen = new HashSet<>();
      list(api, "end_time__gte", ts(now.minusSeconds(90)), "end_time__lte", ts(now.plusSeconds(60)))
          .json().get("objects").forEach(o -> seen.add(o.get("call_uuid").asText()));
      assertThat(seen).isNotEmpty();
    }
  }

  @Test
  void refusedRequestsDoNotStepTheClock() {
    Instant now = Instant.parse("2026-10-28T15:00:00Z");
    Duration step = Duration.ofMinutes(3);
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(3)
        .callsPerDay(10_000).now(now).rateLimit(1, Duration.ofHours(1)).build())) {
      api.advanceClockAfter(2, step);
      assertThat(list(api, "limit", "1").status()).as("admitted: the first of the two").isEqualTo(200);
      assertThat(api.now()).isEqualTo(now);
      String url = api.baseUrl() + Http.listPath();
      Http.Resp post = Http.send(Http.request(url, EmulatorConfig.DEFAULT_AUTH_ID,
          EmulatorConfig.DEFAULT_AUTH_TOKEN).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
      Http.Resp badAuth = Http.send(Http.request(url, EmulatorConfig.DEFAULT_AUTH_ID, "wrong").GET().build());
      Http.Resp limited = list(api, "limit", "1");
      assertThat(List.of(post.status(), badAuth.status(), limited.status())).containsExactly(405, 401, 429);
      assertThat(api.stats().listRequests()).as("the refused requests reached the handler").isEqualTo(4);
      assertThat(api.now()).as("a refused request does not step the clock").isEqualTo(now);
      api.setRateLimitOff();
      assertThat(list(api, "limit", "1").status()).isEqualTo(200);
      assertThat(api.now()).as("the second admitted list request steps it").isEqualTo(now.plus(step));
    }
  }

  @Test
  void anAcceleratedClockRunsAtItsRateAndTheAnswersDateHeaderStatesIt() throws Exception {
    Instant t = Instant.parse("2026-10-28T01:00:00Z");
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().now(t).rateLimitOff().build())) {
      assertThat(list(api, "limit", "1").headers().firstValue("Date")).hasValue("Wed, 28 Oct 2026 01:00:00 GMT");
      long r0 = System.nanoTime();
      api.runClock(600); // ten emulated minutes a second
      Thread.sleep(1_000);
      Duration emulated = Duration.between(t, api.now());
      double real = (System.nanoTime() - r0) / 1e9;
      assertThat(emulated.toMillis() / 1000.0).isBetween(600 * 0.99, 600 * real * 1.01);
      Instant date = java.time.ZonedDateTime.parse(list(api, "limit", "1").headers().firstValue("Date").orElseThrow(),
          java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      assertThat(Duration.between(date, api.now()).abs()).isLessThan(Duration.ofSeconds(60));
      // setNow moves a running clock, which keeps running; runClock(0) stops it where it is
      api.setNow(t);
      Thread.sleep(100);
      assertThat(api.now()).isAfter(t.plusSeconds(30));
      api.runClock(0);
      Instant stopped = api.now();
      Thread.sleep(50);
      assertThat(api.now()).isEqualTo(stopped);
    }
  }
}
