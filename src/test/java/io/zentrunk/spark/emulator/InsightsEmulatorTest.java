package io.zentrunk.spark.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The emulator's Call Insights: consistent with each CDR, the public pages' types, realistic and faultable. */
class InsightsEmulatorTest {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant FROM = Instant.parse("2026-10-20T00:00:00Z");
  static final Instant TO = FROM.plus(Duration.ofDays(1));
  static ZentrunkEmulator api;
  static List<EmulatedCall> calls;

  @BeforeAll
  static void start() {
    api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(7).callsPerDay(60_000).now(NOW).rateLimitOff().build());
    calls = api.groundTruth(FROM, TO);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static String path(String uuid) {
    return "/v1/Account/" + EmulatorConfig.DEFAULT_AUTH_ID + "/Zentrunk/Call/" + uuid + "/Insights/";
  }

  @Test
  void answeredCallsServeTheirInsightsWithThePublicTypesOthers404() throws Exception {
    api.resetStats();
    int answered = 0;
    int unanswered = 0;
    int pddAsString = 0;
    for (EmulatedCall c : calls.subList(0, 400)) {
      Http.Resp r = Http.get(api, path(c.callUuid()));
      if (c.answerTime() == null) {
        assertThat(r.status()).as(c.callUuid()).isEqualTo(404);
        assertThat(api.insightsTruth(c)).isNull();
        unanswered++;
        continue;
      }
      answered++;
      assertThat(r.status()).isEqualTo(200);
      JsonNode j = Http.JSON.readTree(r.body());
      EmulatedInsights t = api.insightsTruth(c);
      assertThat(j.get("api_id").asText()).isNotEmpty();
      assertThat(j.get("call_uuid").asText()).isEqualTo(c.callUuid());
      assertThat(j.get("from").get("number").asText()).isEqualTo(c.fromNumber());
      assertThat(j.get("from").get("region").asText()).isEqualTo(c.fromCountry());
      assertThat(j.get("to").get("number").asText()).isEqualTo(c.toNumber());
      assertThat(j.get("to").get("region").asText()).isEqualTo(c.toCountry());
      assertThat(j.get("to").get("carrier").asText()).isEqualTo(t.toCarrier()).matches(".+, (mobile|landline)");
      for (String m : new String[] {"rtt", "jitter", "packet_loss", "plivo_quality_score"}) {
        if (j.has(m)) {
          assertThat(j.get(m).isTextual()).as(m + " is a string, as the public pages show it").isTrue();
        }
      }
      if (j.has("rtt") && !j.get("rtt").asText().isEmpty()) {
        assertThat(Double.parseDouble(j.get("rtt").asText())).isEqualTo(t.rttMs());
      }
      if (j.has("post_dial_delay") && !j.get("post_dial_delay").asText().isEmpty()) {
        pddAsString += j.get("post_dial_delay").isTextual() ? 1 : 0;
        assertThat(j.get("post_dial_delay").asDouble()).isEqualTo(t.postDialDelayMs());
      }
      assertThat(r.body()).isEqualTo("{\"api_id\":\"" + j.get("api_id").asText() + "\"," + t.served().substring(1));
      assertThat(api.insightsTruth(c)).as("the same at every request").isEqualTo(t);
    }
    assertThat(answered).isGreaterThan(200);
    assertThat(unanswered).isGreaterThan(20);
    assertThat(pddAsString).as("post_dial_delay is also sent as a numeric string").isBetween(10, answered / 2);
    assertThat(api.stats().insightsRequests()).isEqualTo(400);
    assertThat(api.stats().getRequests()).isZero();
    assertThat(api.stats().listRequests()).isZero();
  }

  @Test
  void theAdminEndpointServesTheGroundTruth() throws Exception {
    Instant to = FROM.plus(Duration.ofMinutes(30));
    JsonNode j = Http.JSON.readTree(Http.get(api, "/_emulator/insights?start=2026-10-20&end="
        + java.net.URLEncoder.encode("2026-10-20 00:30:00", java.nio.charset.StandardCharsets.UTF_8)).body());
    List<EmulatedCall> window = api.groundTruth(FROM, to);
    assertThat(j.get("count").asInt()).isEqualTo(window.size());
    for (int k = 0; k < window.size(); k++) {
      JsonNode c = j.get("calls").get(k);
      EmulatedInsights t = api.insightsTruth(window.get(k));
      assertThat(c.get("call_uuid").asText()).isEqualTo(window.get(k).callUuid());
      if (t == null) {
        assertThat(c.get("status").asText()).isEqualTo("no_insights");
        assertThat(c.has("rtt_ms")).isFalse();
      } else {
        assertThat(c.get("to_carrier").isNull() ? null : c.get("to_carrier").asText()).isEqualTo(t.toCarrier());
        assertThat(c.get("quality_score").isNull() ? null : c.get("quality_score").asDouble()).isEqualTo(t.qualityScore());
        assertThat(c.get("rtt_ms").isNull() ? null : c.get("rtt_ms").asDouble()).isEqualTo(t.rttMs());
      }
    }
  }

  @Test
  void aCallOfNoAccountAndAnUnknownCallAre404() {
    assertThat(Http.get(api, path("00000000-0000-4000-8000-000000000000")).status()).isEqualTo(404);
  }

  static List<EmulatedInsights> insights(ZentrunkEmulator emu, List<EmulatedCall> cs) {
    return cs.stream().map(emu::insightsTruth).filter(Objects::nonNull).toList();
  }

  static double mean(List<EmulatedInsights> l, java.util.function.Function<EmulatedInsights, Double> f) {
    return l.stream().map(f).filter(Objects::nonNull).mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  static double median(List<EmulatedInsights> l, java.util.function.Function<EmulatedInsights, Double> f) {
    double[] v = l.stream().map(f).filter(Objects::nonNull).mapToDouble(Double::doubleValue).sorted().toArray();
    return v[v.length / 2];
  }

  @Test
  void metricsAreRealisticAndWorseForImpairedCarriersAndBusyHours() {
    List<EmulatedInsights> all = insights(api, calls);
    Map<Boolean, List<EmulatedInsights>> abroad = all.stream()
        .collect(Collectors.partitioningBy(i -> i.toRegion() != null && !i.toRegion().equals(i.fromRegion())));
    double rttHome = median(abroad.get(false), EmulatedInsights::rttMs);
    double rttAbroad = median(abroad.get(true), EmulatedInsights::rttMs);
    System.out.printf("calls with insights %d; median rtt home %.0f abroad %.0f; mean score %.2f; no loss %.2f%n",
        all.size(), rttHome, rttAbroad, mean(all, EmulatedInsights::qualityScore),
        all.stream().filter(i -> Objects.equals(i.packetLossPct(), 0.0)).count() / (double) all.size());
    assertThat(rttHome).isBetween(30.0, 55.0);
    assertThat(rttAbroad).isBetween(110.0, 200.0);
    assertThat(median(all, EmulatedInsights::postDialDelayMs)).isBetween(2000.0, 3500.0);
    assertThat(mean(all, EmulatedInsights::qualityScore)).isBetween(3.5, 4.7);
    assertThat(all.stream().filter(i -> Objects.equals(i.packetLossPct(), 0.0)).count()).as("most calls lose nothing")
        .isGreaterThan(all.size() / 2);
    assertThat(all).allSatisfy(i -> {
      if (i.qualityScore() != null) {
        assertThat(i.qualityScore()).isBetween(1.0, 5.0);
      }
    });
    // an impaired carrier (Cascade Cellular) against a typical one (Northwind Mobile), callees in the US
    double impaired = mean(on(all, "Cascade Cellular, mobile"), EmulatedInsights::qualityScore);
    double typical = mean(on(all, "Northwind Mobile, mobile"), EmulatedInsights::qualityScore);
    double impairedLoss = mean(on(all, "Cascade Cellular, mobile"), EmulatedInsights::packetLossPct);
    double typicalLoss = mean(on(all, "Northwind Mobile, mobile"), EmulatedInsights::packetLossPct);
    System.out.printf("score impaired %.2f typical %.2f; loss impaired %.2f typical %.2f%n", impaired, typical,
        impairedLoss, typicalLoss);
    assertThat(impairedLoss).isGreaterThan(2 * typicalLoss);
    assertThat(impaired).isLessThan(typical - 0.1);
    Map<Boolean, List<EmulatedInsights>> busy = new java.util.HashMap<>();
    for (EmulatedCall c : calls) {
      EmulatedInsights i = api.insightsTruth(c);
      if (i != null) {
        int h = c.endTime().atZone(ZoneOffset.UTC).getHour();
        busy.computeIfAbsent(h >= 17 && h <= 21, k -> new ArrayList<>()).add(i);
      }
    }
    assertThat(mean(busy.get(true), EmulatedInsights::jitterMs))
        .isGreaterThan(1.3 * mean(busy.get(false), EmulatedInsights::jitterMs));
  }

  static List<EmulatedInsights> on(List<EmulatedInsights> all, String carrier) {
    return all.stream().filter(i -> carrier.equals(i.toCarrier())).toList();
  }

  @Test
  void everyMetricCanBeMissingLeftOutOrEmpty() {
    List<EmulatedInsights> all = insights(api, calls);
    for (java.util.function.Function<EmulatedInsights, Double> f : List.<java.util.function.Function<EmulatedInsights,
        Double>>of(EmulatedInsights::rttMs, EmulatedInsights::jitterMs, EmulatedInsights::packetLossPct,
        EmulatedInsights::postDialDelayMs, EmulatedInsights::qualityScore)) {
      long missing = all.stream().filter(i -> f.apply(i) == null).count();
      assertThat(missing).isBetween((long) (all.size() * 0.005), (long) (all.size() * 0.02));
    }
    assertThat(all.stream().filter(i -> i.rttMs() == null && !i.served().contains("\"rtt\""))).isNotEmpty();
    assertThat(all.stream().filter(i -> i.rttMs() == null && i.served().contains("\"rtt\":\"\""))).isNotEmpty();
    assertThat(all).allSatisfy(i -> assertThat(i.oddity()).isNull());
  }

  @Test
  void aCarrierFaultDegradesThatCarrierFromItsTimeOnAndNothingElse() {
    Instant at = FROM.plus(Duration.ofHours(12));
    try (ZentrunkEmulator faulty = ZentrunkEmulator.start(EmulatorConfig.builder().seed(7).callsPerDay(60_000).now(NOW)
        .rateLimitOff().carrierFault("Northwind Mobile", at).build())) {
      assertThat(faulty.groundTruth(FROM, TO)).as("the CDRs do not change").isEqualTo(calls);
      Predicate<EmulatedInsights> onIt = i -> i.fromCarrier().startsWith("Northwind Mobile,")
          || (i.toCarrier() != null && i.toCarrier().startsWith("Northwind Mobile,"));
      List<EmulatedInsights> after = new ArrayList<>();
      for (EmulatedCall c : calls) {
        EmulatedInsights before = api.insightsTruth(c);
        EmulatedInsights now = faulty.insightsTruth(c);
        if (before == null) {
          assertThat(now).isNull();
        } else if (c.endTime().isBefore(at) || !onIt.test(before)) {
          assertThat(now).as("unchanged: before the fault, or another carrier").isEqualTo(before);
        } else {
          after.add(now);
        }
      }
      assertThat(after.size()).isGreaterThan(500);
      assertThat(mean(after, EmulatedInsights::packetLossPct)).isGreaterThan(4);
      assertThat(mean(after, EmulatedInsights::qualityScore)).isLessThan(3);
    }
  }

  @Test
  void hostileBodiesCarryWhatTheyChanged() {
    try (ZentrunkEmulator hostile = ZentrunkEmulator.start(EmulatorConfig.builder().seed(7).callsPerDay(60_000).now(NOW)
        .rateLimitOff().hostileInsights(0.2).build())) {
      List<EmulatedInsights> all = insights(hostile, calls.subList(0, 3000));
      Map<String, Long> kinds = all.stream().filter(i -> i.oddity() != null)
          .collect(Collectors.groupingBy(i -> i.oddity().replaceAll("^(rtt|jitter|packet_loss)=n/a", "metric=n/a"),
              Collectors.counting()));
      assertThat(kinds.keySet()).contains("metric=n/a", "plivo_quality_score=7.5", "plivo_quality_score=0",
          "packet_loss=140", "rtt=-12", "no to");
      for (EmulatedInsights i : all) {
        if ("no to".equals(i.oddity())) {
          assertThat(i.served()).doesNotContain("\"to\"");
          assertThat(i.toCarrier()).isNull();
        } else if ("plivo_quality_score=7.5".equals(i.oddity())) {
          assertThat(i.served()).contains("\"plivo_quality_score\":\"7.5\"");
          assertThat(i.qualityScore()).isNull();
        }
      }
    }
  }
}
