package io.zentrunk.spark.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Distributions and internal consistency of the synthetic account. */
class CallGeneratorTest {

  /** A Wednesday and a Saturday of calls. */
  static List<EmulatedCall> week;
  static CallStore store;
  static final EmulatorConfig CFG = EmulatorConfig.builder().seed(9).callsPerDay(10_000)
      .now(Instant.parse("2026-11-01T00:00:00Z")).build();

  @BeforeAll
  static void generate() {
    store = new CallStore(new CallGenerator(CFG), 0, 10_000);
    long wed = Instant.parse("2026-10-21T00:00:00Z").getEpochSecond();
    long sat = Instant.parse("2026-10-24T00:00:00Z").getEpochSecond();
    week = new java.util.ArrayList<>(store.all(sat, sat + 86400, Long.MAX_VALUE));
    week.addAll(store.all(wed, wed + 86400, Long.MAX_VALUE));
  }

  @Test
  void volumeFollowsCallsPerDayWithADailyAndWeeklyShape() {
    long m0 = Instant.parse("2026-10-19T00:00:00Z").getEpochSecond() / 60;
    long twoWeeks = store.countMinutes(m0, m0 + 14 * 1440 - 1);
    assertThat(twoWeeks / 14.0).isBetween(9_700.0, 10_300.0);
    Map<Integer, Long> byHour = week.stream().collect(Collectors.groupingBy(
        c -> c.endTime().atZone(ZoneOffset.UTC).getHour(), Collectors.counting()));
    assertThat(byHour.get(3) * 4).isLessThan(byHour.get(11));
    Map<Integer, Long> byDay = week.stream().collect(Collectors.groupingBy(
        c -> c.endTime().atZone(ZoneOffset.UTC).getDayOfWeek().getValue(), Collectors.counting()));
    assertThat(byDay.get(6) * 2).isLessThan(byDay.get(3));
    // many calls share an end_time second
    long distinctSeconds = week.stream().map(EmulatedCall::endTime).distinct().count();
    assertThat((double) distinctSeconds / week.size()).isLessThan(0.6);
  }

  @Test
  void hangupCodesComeFromTheTableWithNormalDominatingAndSourcesConsistent() {
    Map<Integer, Long> codes = week.stream()
        .collect(Collectors.groupingBy(EmulatedCall::hangupCauseCode, Collectors.counting()));
    double normal = (codes.get(3000) + codes.get(3010)) / (double) week.size();
    assertThat(normal).isBetween(0.83, 0.87);
    List<Integer> top = codes.entrySet().stream().filter(e -> e.getKey() >= 4000)
        .sorted(Map.Entry.<Integer, Long>comparingByValue().reversed()).limit(3)
        .map(Map.Entry::getKey).collect(Collectors.toList());
    assertThat(List.of(4410, 4550, 4090, 6030)).containsAll(top);
    assertThat(codes.keySet()).hasSizeGreaterThan(50);
    assertThat(HangupCodes.all()).hasSize(79);
    for (EmulatedCall c : week) {
      HangupCodes.Code row = HangupCodes.get(c.hangupCauseCode());
      assertThat(row).isNotNull();
      assertThat(c.hangupCauseName()).isEqualTo(row.name());
      assertThat(c.hangupSource()).isEqualTo(row.source()).isIn("customer", "carrier", "zentrunk");
    }
    assertThat(HangupCodes.get(3000).source()).isEqualTo("carrier");
    assertThat(HangupCodes.get(3010).source()).isEqualTo("customer");
  }

  @Test
  void billingDurationsAndAmountsAreConsistent() {
    Map<String, Countries.Country> byIso = Countries.ALL.stream()
        .collect(Collectors.toMap(Countries.Country::iso, Function.identity()));
    for (EmulatedCall c : week) {
      boolean answered = HangupCodes.get(c.hangupCauseCode()).answered();
      assertThat(c.answerTime() != null).isEqualTo(answered);
      assertThat(c.initiationTime()).isBeforeOrEqualTo(c.endTime());
      if (!answered) {
        assertThat(c.callDuration()).isZero();
        assertThat(c.billDuration()).isZero();
        assertThat(c.totalAmount()).isEqualTo(new BigDecimal("0.00000"));
        continue;
      }
      assertThat(Duration.between(c.answerTime(), c.endTime()).getSeconds())
          .isEqualTo(c.callDuration());
      assertThat(c.initiationTime()).isBefore(c.answerTime());
      Countries.Country rated = byIso.get(c.callDirection().equals("outbound") ? c.toCountry()
          : c.toCountry());
      int inc = rated.increment();
      assertThat(c.billDuration() % inc).isZero();
      assertThat(c.billDuration()).isGreaterThanOrEqualTo(Math.max(inc, c.callDuration()))
          .isLessThan(Math.max(inc, c.callDuration()) + inc);
      assertThat(c.billedDuration()).isEqualTo(c.billDuration());
      BigDecimal expect = c.totalRate().multiply(BigDecimal.valueOf(c.billDuration()))
          .divide(BigDecimal.valueOf(60), 5, RoundingMode.HALF_UP);
      assertThat(c.totalAmount()).isEqualTo(expect);
      assertThat(c.totalAmount().scale()).isEqualTo(5);
    }
  }

  @Test
  void numbersCountriesStirTransportTrunksAndUuids() {
    Map<String, Countries.Country> byIso = Countries.ALL.stream()
        .collect(Collectors.toMap(Countries.Country::iso, Function.identity()));
    long withTrunk = 0;
    long inbound = 0;
    for (EmulatedCall c : week) {
      assertThat(c.fromNumber()).startsWith("+" + byIso.get(c.fromCountry()).dialCode())
          .matches("\\+\\d{9,14}");
      assertThat(c.toNumber()).startsWith("+" + byIso.get(c.toCountry()).dialCode());
      boolean us = c.fromCountry().equals("US") || c.toCountry().equals("US");
      if (us) {
        assertThat(c.attestationIndicator()).isIn("A", "B", "C");
        assertThat(c.stirVerification()).isEqualTo(
            c.attestationIndicator().equals("A") ? "Verified" : "Not Verified");
      } else {
        assertThat(c.stirVerification()).isEqualTo("Not Applicable");
        assertThat(c.attestationIndicator()).isNull();
      }
      assertThat(c.transportProtocol()).isIn("udp", "tcp", "tls");
      if (c.srtp() || c.secureTrunking()) {
        assertThat(c.transportProtocol()).isEqualTo("tls");
      }
      assertThat(c.secureTrunkingRate().signum() > 0).isEqualTo(c.secureTrunking());
      assertThat(c.callId()).matches("[0-9a-f]{32}@10\\.\\d+\\.\\d+\\.\\d+");
      assertThat(c.trunkDomain()).endsWith(".zt.plivo.com");
      if (c.cnamLookup()) {
        assertThat(c.callDirection()).isEqualTo("inbound");
        assertThat(c.cnamLookupRate().signum()).isPositive();
      }
      if (c.trunkId() != null) {
        withTrunk++;
      }
      if (c.callDirection().equals("inbound")) {
        inbound++;
      }
      long[] d = CallUuids.decode(CFG.seed(), c.callUuid());
      assertThat(d[0]).isEqualTo(Math.floorDiv(c.endTime().getEpochSecond(), 60));
    }
    assertThat((double) withTrunk / week.size()).isBetween(0.45, 0.55);
    assertThat((double) inbound / week.size()).isBetween(0.35, 0.45);
    assertThat(week.stream().map(EmulatedCall::callUuid).distinct().count()).isEqualTo(week.size());
    assertThat(week.stream().filter(EmulatedCall::cnamLookup).count()).isPositive();
  }

  @Test
  void unlistedCodesAreOffByDefaultAndChangeOnlyTheirOwnCalls() {
    assertThat(week).noneMatch(c -> HangupCodes.get(c.hangupCauseCode()) == null);
    EmulatorConfig on = EmulatorConfig.builder().seed(9).callsPerDay(10_000).now(CFG.now()).unlistedHangupCodes(0.01).build();
    CallStore other = new CallStore(new CallGenerator(on), 0, 10_000);
    long wed = Instant.parse("2026-10-21T00:00:00Z").getEpochSecond();
    List<EmulatedCall> off = store.all(wed, wed + 3600, Long.MAX_VALUE);
    List<EmulatedCall> with = other.all(wed, wed + 3600, Long.MAX_VALUE);
    assertThat(with).hasSameSizeAs(off);
    long unlisted = 0;
    for (int i = 0; i < off.size(); i++) {
      EmulatedCall a = off.get(i);
      EmulatedCall b = with.get(i);
      assertThat(b.callUuid()).isEqualTo(a.callUuid());
      assertThat(b.endTime()).isEqualTo(a.endTime());
      if (b.hangupCauseCode() == HangupCodes.UNLISTED.code()) {
        unlisted++;
        assertThat(b.hangupCauseName()).isEqualTo("emulator_unlisted_cause");
      } else {
        assertThat(b).isEqualTo(a);
      }
    }
    // about 1% of some 400 calls, and the same calls every time (a pure function of the seed)
    assertThat(unlisted).isBetween(1L, 15L);
    assertThat(new CallStore(new CallGenerator(on), 0, 10_000).all(wed, wed + 3600, Long.MAX_VALUE)).isEqualTo(with);
  }

  @Test
  void callsWithoutToCountryAreOffByDefaultAndLeaveTheFieldOutOfTheirCdrOnly() {
    assertThat(week).allMatch(c -> c.toCountry() != null);
    EmulatorConfig on = EmulatorConfig.builder().seed(9).callsPerDay(10_000).now(CFG.now()).noToCountry(0.25).build();
    long wed = Instant.parse("2026-10-21T00:00:00Z").getEpochSecond();
    List<EmulatedCall> off = store.all(wed, wed + 3600, Long.MAX_VALUE);
    List<EmulatedCall> with = new CallStore(new CallGenerator(on), 0, 10_000).all(wed, wed + 3600, Long.MAX_VALUE);
    assertThat(with).hasSameSizeAs(off);
    long without = 0;
    for (int i = 0; i < off.size(); i++) {
      EmulatedCall a = off.get(i);
      EmulatedCall b = with.get(i);
      if (b.toCountry() == null) {
        without++;
        assertThat(b).isEqualTo(a.withoutToCountry());
        assertThat(new String(CdrJson.call(b), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("to_country").contains("\"from_country\"");
      } else {
        assertThat(b).isEqualTo(a);
      }
    }
    // about a quarter of some 400 calls
    assertThat((double) without / off.size()).isBetween(0.15, 0.35);
  }
}
