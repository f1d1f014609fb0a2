package io.zentrunk.spark.emulator;

import static io.zentrunk.spark.emulator.Http.all;
import static io.zentrunk.spark.emulator.Http.get;
import static io.zentrunk.spark.emulator.Http.list;
import static io.zentrunk.spark.emulator.Http.ts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API contract of zentrunk-api.md, over real HTTP, against the emulator's ground truth. */
class EmulatorContractTest {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static ZentrunkEmulator api;

  @BeforeAll
  static void start() {
    api = ZentrunkEmulator.start(
        EmulatorConfig.builder().seed(42).callsPerDay(10_000).now(NOW).rateLimitOff().build());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static List<String> uuids(List<?> items) {
    List<String> out = new ArrayList<>();
    for (Object o : items) {
      out.add(o instanceof EmulatedCall c ? c.callUuid() : ((JsonNode) o).get("call_uuid").asText());
    }
    return out;
  }

  @Test
  void pagingAWindowYieldsExactlyTotalCountDistinctRecordsNewestFirstWithStableTies() {
    Instant from = Instant.parse("2026-10-30T10:00:00Z");
    Instant to = Instant.parse("2026-10-30T12:00:00Z");
    List<JsonNode> got = all(api, "end_time__gte", ts(from), "end_time__lt", ts(to), "limit", "20");
    List<EmulatedCall> truth = api.groundTruth(from, to);
    long total = list(api, "end_time__gte", ts(from), "end_time__lt", ts(to))
        .json().path("meta").path("total_count").asLong();

    assertThat(truth).hasSizeGreaterThan(1000);
    assertThat(total).isEqualTo(truth.size()).isEqualTo(api.groundTruthCount(from, to));
    assertThat(got).hasSize(truth.size());
    assertThat(new HashSet<>(uuids(got))).hasSize(truth.size());
    assertThat(uuids(got)).containsExactlyElementsOf(uuids(truth));
    // newest first, ties by call_uuid descending
    for (int i = 1; i < got.size(); i++) {
      String e0 = got.get(i - 1).get("end_time").asText();
      String e1 = got.get(i).get("end_time").asText();
      assertThat(e0.compareTo(e1)).isGreaterThanOrEqualTo(0);
      if (e0.equals(e1)) {
        assertThat(got.get(i - 1).get("call_uuid").asText())
            .isGreaterThan(got.get(i).get("call_uuid").asText());
      }
    }
    // the window has end_time ties across page boundaries
    int tiesAcrossPages = 0;
    for (int i = 20; i < got.size(); i += 20) {
      if (got.get(i - 1).get("end_time").equals(got.get(i).get("end_time"))) {
        tiesAcrossPages++;
      }
    }
    assertThat(tiesAcrossPages).isGreaterThan(5);
    // a second read gives the same order (stable)
    assertThat(uuids(all(api, "end_time__gte", ts(from), "end_time__lt", ts(to), "limit", "7")))
        .containsExactlyElementsOf(uuids(got));
  }

  @Test
  void metaAndNextPreviousLinks() {
    JsonNode j = list(api, "end_time__gte", "2026-10-30 10:00", "end_time__lt", "2026-10-30 11:00",
        "call_direction", "inbound", "limit", "5", "offset", "10").json();
    assertThat(j.get("api_id").asText()).matches("[0-9a-f-]{36}");
    JsonNode m = j.get("meta");
    assertThat(m.get("limit").asInt()).isEqualTo(5);
    assertThat(m.get("offset").asInt()).isEqualTo(10);
    assertThat(m.get("next").asText()).isEqualTo(
        "/v1/Account/MAEMULATOR0000000000/Zentrunk/Call/?limit=5&offset=15&call_direction=inbound"
            + "&end_time__gte=2026-10-30+10%3A00&end_time__lt=2026-10-30+11%3A00");
    assertThat(m.get("previous").asText()).contains("limit=5&offset=5&");
    JsonNode first = list(api, "end_time__gte", "2026-10-30 10:00", "end_time__lt",
        "2026-10-30 10:01", "limit", "20").json().get("meta");
    assertThat(first.get("previous").isNull()).isTrue();
    assertThat(first.get("total_count").asLong()).isLessThanOrEqualTo(20);
    assertThat(first.get("next").isNull()).isTrue();
  }

  @Test
  void jsonValuesAreExactlyTheGroundTruth() {
    Instant from = Instant.parse("2026-10-29T08:00:00Z");
    Instant to = Instant.parse("2026-10-29T09:00:00Z");
    List<EmulatedCall> truth = api.groundTruth(from, to);
    List<JsonNode> got = all(api, "end_time__gte", ts(from), "end_time__lt", ts(to));
    assertThat(got).hasSize(truth.size());
    boolean sawUnanswered = false;
    boolean sawNoTrunk = false;
    boolean sawNullAttestation = false;
    for (int i = 0; i < got.size(); i++) {
      JsonNode j = got.get(i);
      EmulatedCall c = truth.get(i);
      assertThat(j.get("call_uuid").asText()).isEqualTo(c.callUuid());
      assertThat(j.get("call_id").asText()).isEqualTo(c.callId());
      assertThat(j.get("from_number").asText()).isEqualTo(c.fromNumber());
      assertThat(j.get("to_number").asText()).isEqualTo(c.toNumber());
      assertThat(j.get("call_direction").asText()).isEqualTo(c.callDirection());
      assertThat(j.get("call_duration").isInt()).isTrue();
      assertThat(j.get("call_duration").asInt()).isEqualTo(c.callDuration());
      assertThat(j.get("bill_duration").asInt()).isEqualTo(c.billDuration());
      assertThat(j.get("billed_duration").asInt()).isEqualTo(c.billedDuration());
      assertThat(j.get("initiation_time").asText()).isEqualTo(ts(c.initiationTime()));
      assertThat(j.get("end_time").asText()).isEqualTo(ts(c.endTime()));
      if (c.answerTime() == null) {
        sawUnanswered = true;
        assertThat(j.has("answer_time")).isFalse();
      } else {
        assertThat(j.get("answer_time").asText()).isEqualTo(ts(c.answerTime()));
      }
      assertThat(j.get("hangup_cause_code").asInt()).isEqualTo(c.hangupCauseCode());
      assertThat(j.get("hangup_cause_name").asText()).isEqualTo(c.hangupCauseName());
      assertThat(j.get("hangup_source").asText()).isEqualTo(c.hangupSource());
      assertThat(j.get("total_rate").isTextual()).isTrue();
      assertThat(j.get("total_rate").asText()).isEqualTo(c.totalRate().setScale(5).toPlainString());
      assertThat(new BigDecimal(j.get("total_amount").asText())).isEqualTo(c.totalAmount());
      assertThat(j.get("total_amount").asText()).matches("\\d+\\.\\d{5}");
      assertThat(j.get("secure_trunking_rate").asText()).isEqualTo(
          c.secureTrunkingRate().toPlainString());
      assertThat(c.secureTrunkingRate().scale()).isEqualTo(5);
      assertThat(j.get("trunk_domain").asText()).isEqualTo(c.trunkDomain());
      if (c.trunkId() == null) {
        sawNoTrunk = true;
        assertThat(j.has("trunk_id")).isFalse();
      } else {
        assertThat(j.get("trunk_id").asText()).isEqualTo(c.trunkId());
      }
      assertThat(j.get("from_country").asText()).isEqualTo(c.fromCountry());
      assertThat(j.get("to_country").asText()).isEqualTo(c.toCountry());
      assertThat(j.get("transport_protocol").asText()).isEqualTo(c.transportProtocol());
      assertThat(j.get("srtp").asBoolean()).isEqualTo(c.srtp());
      assertThat(j.get("srtp").isBoolean()).isTrue();
      assertThat(j.get("secure_trunking").asBoolean()).isEqualTo(c.secureTrunking());
      assertThat(j.get("stir_verification").asText()).isEqualTo(c.stirVerification());
      if (c.attestationIndicator() == null) {
        sawNullAttestation = true;
        assertThat(j.get("attestation_indicator").asText()).isEqualTo("null");
      } else {
        assertThat(j.get("attestation_indicator").asText()).isEqualTo(c.attestationIndicator());
      }
      assertThat(j.get("cnam_lookup").asBoolean()).isEqualTo(c.cnamLookup());
      assertThat(j.get("cnam_lookup_rate").asText()).isEqualTo(
          c.cnamLookupRate().setScale(5).toPlainString());
    }
    assertThat(sawUnanswered).isTrue();
    assertThat(sawNoTrunk).isTrue();
    assertThat(sawNullAttestation).isTrue();
  }

  static String stripApiId(String body) {
    return body.replaceAll("\"api_id\":\"[0-9a-f-]{36}\"", "\"api_id\":\"\"");
  }

  @Test
  void sameSeedAndClockGiveIdenticalBytes() {
    try (ZentrunkEmulator a = ZentrunkEmulator.start(
            EmulatorConfig.builder().seed(7).now(NOW).rateLimitOff().build());
        ZentrunkEmulator b = ZentrunkEmulator.start(
            EmulatorConfig.builder().seed(7).now(NOW).rateLimitOff().build());
        ZentrunkEmulator c = ZentrunkEmulator.start(
            EmulatorConfig.builder().seed(8).now(NOW).rateLimitOff().build())) {
      for (String offset : List.of("0", "20", "5000")) {
        String qa = stripApiId(list(a, "offset", offset).body());
        String qb = stripApiId(list(b, "offset", offset).body());
        String qc = stripApiId(list(c, "offset", offset).body());
        assertThat(qa).isEqualTo(qb).isNotEqualTo(qc);
        assertThat(qa).doesNotContain("\"api_id\":\"0");
      }
      // cached and freshly generated buckets give the same bytes
      String again = stripApiId(list(a, "offset", "5000").body());
      assertThat(again).isEqualTo(stripApiId(list(b, "offset", "5000").body()));
    }
  }

  record F(String[] params, Predicate<EmulatedCall> expected) {}

  static F f(Predicate<EmulatedCall> p, String... kv) {
    return new F(kv, p);
  }

  @Test
  void everyFilterAndOperatorMatchesTheGroundTruthFiltered() {
    Instant from = Instant.parse("2026-10-30T00:00:00Z");
    Instant to = Instant.parse("2026-10-31T00:00:00Z");
    List<EmulatedCall> truth = api.groundTruth(from, to);
    EmulatedCall sample = truth.get(truth.size() / 3);
    String fromPrefix = sample.fromNumber().substring(1, 7);
    String toExact = sample.toNumber().substring(1);
    Instant minute = sample.endTime().minusSeconds(sample.endTime().getEpochSecond() % 60);
    List<F> cases = List.of(
        f(c -> c.fromNumber().startsWith("+" + fromPrefix), "from_number", fromPrefix),
        f(c -> c.toNumber().equals("+" + toExact), "to_number", toExact),
        f(c -> c.toNumber().startsWith("+44"), "to_number", "44"),
        f(c -> false, "from_number", "+1"),
        f(c -> false, "to_number", sample.toNumber()),
        f(c -> c.callDirection().equals("inbound"), "call_direction", "inbound"),
        f(c -> c.callDirection().equals("outbound"), "call_direction", "outbound"),
        f(c -> c.billDuration() == 60, "bill_duration", "60"),
        f(c -> c.billDuration() > 120, "bill_duration__gt", "120"),
        f(c -> c.billDuration() >= 120, "bill_duration__gte", "120"),
        f(c -> c.billDuration() < 60, "bill_duration__lt", "60"),
        f(c -> c.billDuration() <= 60, "bill_duration__lte", "60"),
        f(c -> c.hangupCauseCode() == 4410, "hangup_cause_code", "4410"),
        f(c -> c.hangupSource().equals("carrier"), "hangup_source", "carrier"),
        f(c -> c.hangupSource().equals("zentrunk"), "hangup_source", "zentrunk"),
        f(c -> c.stirVerification().equals("Not Verified"), "stir_verification", "Not Verified"),
        f(c -> c.stirVerification().equals("Not Applicable"), "stir_verification",
            "Not Applicable"),
        f(c -> c.callDirection().equals("inbound") && c.billDuration() >= 60
            && c.hangupCauseCode() == 3000, "call_direction", "inbound", "bill_duration__gte", "60",
            "hangup_cause_code", "3000"));
    for (F c : cases) {
      String[] kv = new String[c.params().length + 4];
      kv[0] = "end_time__gte";
      kv[1] = ts(from);
      kv[2] = "end_time__lt";
      kv[3] = ts(to);
      System.arraycopy(c.params(), 0, kv, 4, c.params().length);
      List<EmulatedCall> want = truth.stream().filter(c.expected()).collect(Collectors.toList());
      JsonNode page = list(api, kv).json();
      assertThat(page.path("meta").path("total_count").asLong())
          .as(String.join(" ", c.params())).isEqualTo(want.size());
      assertThat(uuids(toList(page.get("objects"))))
          .as(String.join(" ", c.params()))
          .containsExactlyElementsOf(uuids(want.subList(0, Math.min(20, want.size()))));
      if (want.size() > 40) {
        kv = java.util.Arrays.copyOf(kv, kv.length + 2);
        kv[kv.length - 2] = "offset";
        kv[kv.length - 1] = Integer.toString(want.size() - 3);
        assertThat(uuids(toList(list(api, kv).json().get("objects"))))
            .containsExactlyElementsOf(uuids(want.subList(want.size() - 3, want.size())));
      }
    }
    // end_time operators against the sample's second and minute
    Instant sec = sample.endTime();
    assertEndTime(c -> c.endTime().equals(sec), "end_time", ts(sec));
    assertEndTime(c -> !c.endTime().isBefore(minute) && c.endTime().isBefore(minute.plusSeconds(60)),
        "end_time", ts(minute).substring(0, 16));
    assertEndTime(c -> c.endTime().equals(sec), "end_time", ts(sec) + ".000000");
    assertEndTime(c -> false, "end_time", ts(sec) + ".5");
    assertEndTime(c -> c.endTime().isAfter(sec) && c.endTime().isBefore(sec.plusSeconds(300)),
        "end_time__gt", ts(sec), "end_time__lt", ts(sec.plusSeconds(300)));
    assertEndTime(c -> !c.endTime().isBefore(sec) && !c.endTime().isAfter(sec.plusSeconds(300)),
        "end_time__gte", ts(sec), "end_time__lte", ts(sec.plusSeconds(300)));
    assertEndTime(c -> c.endTime().isAfter(sec) && !c.endTime().isAfter(sec.plusSeconds(60)),
        "end_time__gt", ts(sec) + ".250000", "end_time__lte", ts(sec.plusSeconds(60)));
    assertEndTime(c -> !c.endTime().isBefore(minute) && c.endTime().isBefore(minute.plusSeconds(120)),
        "end_time__gte", ts(minute).substring(0, 16), "end_time__lt",
        ts(minute.plusSeconds(120)).substring(0, 16));
  }

  private static void assertEndTime(Predicate<EmulatedCall> p, String... kv) {
    Instant lo = Instant.parse("2026-10-29T00:00:00Z");
    List<EmulatedCall> want = api.groundTruth(lo, Instant.parse("2026-10-31T00:00:00Z")).stream()
        .filter(p).collect(Collectors.toList());
    List<JsonNode> got = all(api, kv);
    assertThat(uuids(got)).as(String.join(" ", kv)).containsExactlyElementsOf(uuids(want));
  }

  static List<JsonNode> toList(JsonNode arr) {
    List<JsonNode> out = new ArrayList<>();
    arr.forEach(out::add);
    return out;
  }

  @Test
  void noEndTimeFilterSearchesTheLast30Days() {
    JsonNode m = list(api).json().get("meta");
    long total = m.get("total_count").asLong();
    assertThat(total).isEqualTo(api.groundTruthCount(NOW.minus(Duration.ofDays(30)),
        NOW.plusSeconds(1)));
    assertThat(total).isBetween(200_000L, 400_000L);
    JsonNode last = list(api, "offset", Long.toString(total - 1)).json().get("objects").get(0);
    assertThat(last.get("end_time").asText()).isGreaterThanOrEqualTo("2026-10-02 00:00:00");
    assertThat(list(api, "offset", Long.toString(total)).json().get("objects")).isEmpty();
    // the newest record is not after now
    JsonNode first = list(api, "limit", "1").json().get("objects").get(0);
    assertThat(first.get("end_time").asText()).isLessThanOrEqualTo("2026-11-01 00:00:00");
  }

  /**
   * A window that runs past now (as ingest's, to the end of today) lists the calls ending at or before now, a call
   * ending exactly at now included, and the ground truth over the same window is the same calls: only a ground truth
   * cut at now ({@code toExclusive = now}) leaves that call out.
   */
  @Test
  void aCallEndingExactlyAtNowIsListedAndInTheGroundTruthOfAWindowPastNow() {
    try (ZentrunkEmulator at = ZentrunkEmulator.start(
        EmulatorConfig.builder().seed(42).callsPerDay(10_000).now(NOW).rateLimitOff().build())) {
      Instant from = NOW.minus(Duration.ofHours(1));
      EmulatedCall last = at.groundTruth(from, NOW).get(0);
      at.setNow(last.endTime());
      Instant endOfDay = Instant.parse("2026-11-01T00:00:00Z");
      List<JsonNode> got = all(at, "end_time__gte", ts(from), "end_time__lt", ts(endOfDay));
      assertThat(uuids(got)).contains(last.callUuid())
          .containsExactlyElementsOf(uuids(at.groundTruth(from, endOfDay)));
      assertThat(uuids(at.groundTruth(from, at.now()))).doesNotContain(last.callUuid());
    }
  }

  @Test
  void nothingOlderThan90DaysEvenWhenAsked() {
    Instant lo = NOW.minus(Duration.ofDays(100));
    Instant hi = NOW.minus(Duration.ofDays(85));
    JsonNode m = list(api, "end_time__gte", ts(lo), "end_time__lt", ts(hi)).json().get("meta");
    long total = m.get("total_count").asLong();
    assertThat(total).isEqualTo(api.groundTruthCount(NOW.minus(Duration.ofDays(90)), hi))
        .isEqualTo(api.groundTruthCount(lo, hi)).isPositive();
    JsonNode oldest = list(api, "end_time__gte", ts(lo), "end_time__lt", ts(hi), "offset",
        Long.toString(total - 1)).json().get("objects").get(0);
    assertThat(oldest.get("end_time").asText()).isGreaterThanOrEqualTo(ts(NOW.minus(Duration.ofDays(90))));
    assertThat(list(api, "end_time__gte", ts(NOW.minus(Duration.ofDays(120))), "end_time__lt",
        ts(NOW.minus(Duration.ofDays(91)))).json().get("meta").get("total_count").asLong()).isZero();
    // exactly 90 days is allowed; the whole retained account is countable
    JsonNode full = list(api, "end_time__gte", ts(NOW.minus(Duration.ofDays(90))), "end_time__lte",
        ts(NOW)).json();
    assertThat(full.get("meta").get("total_count").asLong()).isEqualTo(
        api.groundTruthCount(NOW.minus(Duration.ofDays(90)), NOW.plusSeconds(1)));
  }

  @Test
  void invalidRequestsAnswer400NamingTheParameter() {
    assertError(400, "end_time__lt", "end_time__lt", "2026-10-30 10:00");
    assertError(400, "end_time__lt", "end_time__lte", "2026-10-30 10:00");
    assertError(400, "90 days", "end_time__gte", "2026-07-01 00:00", "end_time__lt",
        "2026-10-30 10:00");
    assertError(400, "90 days", "end_time__gt", "2026-08-02 23:59:59", "end_time__lte",
        "2026-11-01 00:00:00");
    assertError(400, "limit", "limit", "0");
    assertError(400, "limit", "limit", "21");
    assertError(400, "limit", "limit", "abc");
    assertError(400, "offset", "offset", "-1");
    assertError(400, "offset", "offset", "x");
    assertError(400, "end_time__gte", "end_time__gte", "2026-10-30T10:00:00");
    assertError(400, "end_time__gte", "end_time__gte", "2026-13-30 10:00");
    assertError(400, "end_time", "end_time", "yesterday");
    assertError(400, "call_direction", "call_direction", "sideways");
    assertError(400, "hangup_cause_code", "hangup_cause_code", "abc");
    assertError(400, "hangup_cause_code", "hangup_cause_code", "1234");
    assertError(400, "hangup_source", "hangup_source", "plivo");
    assertError(400, "stir_verification", "stir_verification", "verified");
    assertError(400, "bill_duration__gt", "bill_duration__gt", "1.5");
    assertError(400, "from_number", "from_number", "12a");
    // an end_time equality counts as a lower bound; unknown parameters are ignored
    assertThat(list(api, "end_time", "2026-10-30 10:00", "end_time__lt", "2026-10-30 10:00:30")
        .status()).isEqualTo(200);
    assertThat(list(api, "no_such_param", "1").status()).isEqualTo(200);
  }

  private static void assertError(int status, String mention, String... kv) {
    Http.Resp r = list(api, kv);
    assertThat(r.status()).as(String.join(" ", kv)).isEqualTo(status);
    assertThat(r.error()).contains(mention);
    assertThat(r.json().get("api_id").asText()).matches("[0-9a-f-]{36}");
  }

  @Test
  void authenticationPathsAndMethods() {
    String path = Http.listPath();
    Http.Resp wrongToken = Http.send(Http.request(api.baseUrl() + path,
        EmulatorConfig.DEFAULT_AUTH_ID, "nope").GET().build());
    assertThat(wrongToken.status()).isEqualTo(401);
    assertThat(wrongToken.json().has("api_id")).isTrue();
    assertThat(wrongToken.error()).isNotEmpty();
    Http.Resp wrongAccount = Http.send(Http.request(
        api.baseUrl() + "/v1/Account/MAOTHER000000000000/Zentrunk/Call/",
        EmulatorConfig.DEFAULT_AUTH_ID, EmulatorConfig.DEFAULT_AUTH_TOKEN).GET().build());
    assertThat(wrongAccount.status()).isEqualTo(401);
    Http.Resp none = Http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(api.baseUrl() + path)).GET().build());
    assertThat(none.status()).isEqualTo(401);
    assertThat(get(api, "/v1/Account/MAEMULATOR0000000000/Zentrunk/Calls/").status())
        .isEqualTo(404);
    assertThat(get(api, "/nope").json().has("error")).isTrue();
    Http.Resp post = Http.send(Http.request(api.baseUrl() + path, EmulatorConfig.DEFAULT_AUTH_ID,
        EmulatorConfig.DEFAULT_AUTH_TOKEN).POST(java.net.http.HttpRequest.BodyPublishers
        .ofString("{}")).build());
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.json().has("api_id")).isTrue();
    // without the trailing slash
    Http.Resp noSlash = get(api, "/v1/Account/MAEMULATOR0000000000/Zentrunk/Call?limit=3");
    assertThat(noSlash.status()).isEqualTo(200);
    assertThat(noSlash.json().get("objects")).hasSize(3);
  }

  @Test
  void getOneCallByUuid() {
    Instant from = Instant.parse("2026-10-20T10:00:00Z");
    EmulatedCall c = api.groundTruth(from, from.plusSeconds(600)).get(3);
    String path = Http.listPath() + c.callUuid() + "/";
    Http.Resp r = get(api, path);
    assertThat(r.status()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("api_id").asText()).matches("[0-9a-f-]{36}");
    assertThat(j.get("call_uuid").asText()).isEqualTo(c.callUuid());
    assertThat(j.get("end_time").asText()).isEqualTo(ts(c.endTime()));
    // same object as in the list
    JsonNode inList = all(api, "end_time", ts(c.endTime())).stream()
        .filter(o -> o.get("call_uuid").asText().equals(c.callUuid())).findFirst().orElseThrow();
    ((com.fasterxml.jackson.databind.node.ObjectNode) j).remove("api_id");
    assertThat(j).isEqualTo(inList);
    assertThat(get(api, path.substring(0, path.length() - 1)).status()).isEqualTo(200);
    assertThat(get(api, Http.listPath() + "00000000-0000-4000-8000-000000000000/").status())
        .isEqualTo(404);
    assertThat(get(api, Http.listPath() + "not-a-uuid/").status()).isEqualTo(404);
    String flipped = c.callUuid().substring(0, 35) + (c.callUuid().endsWith("0") ? "1" : "0");
    assertThat(get(api, Http.listPath() + flipped + "/").status()).isEqualTo(404);
  }

  @Test
  void adminEndpoints() {
    Instant from = Instant.parse("2026-10-30T10:00:00Z");
    Instant to = Instant.parse("2026-10-30T10:30:00Z");
    Http.Resp r = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        api.baseUrl() + "/_emulator/truth?" + Http.query("start", ts(from), "end", ts(to))))
        .GET().build());
    assertThat(r.status()).isEqualTo(200);
    List<String> truth = uuids(api.groundTruth(from, to));
    assertThat(r.json().get("count").asLong()).isEqualTo(truth.size());
    List<String> got = new ArrayList<>();
    r.json().get("call_uuids").forEach(n -> got.add(n.asText()));
    assertThat(got).containsExactlyElementsOf(truth);
    // The same window in ISO-8601 (the one time grammar of options, job arguments and these endpoints)
    Http.Resp iso = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        api.baseUrl() + "/_emulator/truth?" + Http.query("start", "2026-10-30T12:00:00+02:00", "end", to.toString())))
        .GET().build());
    assertThat(iso.status()).isEqualTo(200);
    assertThat(iso.json().get("count").asLong()).isEqualTo(truth.size());
    Http.Resp bad = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        api.baseUrl() + "/_emulator/truth?" + Http.query("start", "yesterday", "end", to.toString()))).GET().build());
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("start: cannot read 'yesterday' as a UTC time");
    Http.Resp s = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        api.baseUrl() + "/_emulator/stats")).GET().build());
    assertThat(s.status()).isEqualTo(200);
    assertThat(s.json().get("requests").asLong()).isEqualTo(api.stats().requests());
    Set<String> keys = new HashSet<>();
    s.json().fieldNames().forEachRemaining(keys::add);
    assertThat(keys).contains("by_status", "list_requests", "rows_served",
        "peak_requests_per_5s", "faults_injected");
  }
}
