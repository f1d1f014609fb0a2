package io.zentrunk.spark.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The injected IRSF burst and busy hour: exact counts, their shape, and the account's own calls untouched. */
class InjectedTrafficTest {

  static final LocalDate DAY = LocalDate.parse("2026-10-21");
  static final long LO = DAY.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
  static final long HI = LO + 86_400;

  static List<EmulatedCall> day(EmulatorConfig cfg) {
    return new CallStore(new CallGenerator(cfg), cfg.lateMaxSeconds(), 100_000).all(LO, HI, Long.MAX_VALUE);
  }

  @Test
  void burstAndBusyHourAddExactlyTheirCallsAndLeaveTheAccountsOwnCallsAsTheyAre() {
    EmulatorConfig.Builder b = EmulatorConfig.builder().seed(5).callsPerDay(6_000).lateArrival(0.1, 5);
    List<EmulatedCall> plain = day(b.build());
    EmulatorConfig cfg = b.burst(DAY, "CU", 301).busyHour(14, 600).build();
    List<EmulatedCall> injected = day(cfg);
    Map<String, EmulatedCall> byUuid = injected.stream().collect(Collectors.toMap(EmulatedCall::callUuid, Function.identity()));
    for (EmulatedCall c : plain) {
      assertThat(byUuid.get(c.callUuid())).isEqualTo(c);
    }
    Set<String> own = plain.stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
    List<EmulatedCall> added = injected.stream().filter(c -> !own.contains(c.callUuid())).toList();
    assertThat(added).hasSize(301 + 600);
    List<EmulatedCall> burst = added.stream().filter(c -> c.toCountry().equals("CU")).toList();
    assertThat(burst).hasSize(301).allSatisfy(c -> {
      assertThat(c.callDirection()).isEqualTo("outbound");
      assertThat(c.fromCountry()).isEqualTo("US");
      assertThat(c.hangupCauseCode()).isEqualTo(3000);
      assertThat(c.answerTime()).isNotNull();
      assertThat(c.callDuration()).isBetween(300, 3600);
      assertThat(c.billDuration() % 60).isZero();
      assertThat(c.totalAmount()).isEqualByComparingTo(
          new java.math.BigDecimal("1.15000").multiply(java.math.BigDecimal.valueOf(c.billDuration()))
              .divide(java.math.BigDecimal.valueOf(60), 5, java.math.RoundingMode.HALF_UP));
      assertThat(c.endTime().atZone(ZoneOffset.UTC).getHour()).isBetween(1, 4);
      assertThat(c.toNumber()).startsWith("+53");
    });
    List<EmulatedCall> busy = added.stream().filter(c -> !c.toCountry().equals("CU") || c.hangupCauseCode() != 3000).toList();
    assertThat(busy).hasSize(600).allSatisfy(c -> {
      assertThat(c.hangupCauseCode()).isIn(5180, 5190);
      assertThat(c.endTime().atZone(ZoneOffset.UTC).getHour()).isEqualTo(14);
      assertThat(c.answerTime()).isNull();
      assertThat(c.billDuration()).isZero();
    });
    // the plain account has no call to CU at all: a new destination
    assertThat(plain).noneMatch(c -> c.toCountry().equals("CU"));
    // GET by uuid finds injected calls too
    CallStore store = new CallStore(new CallGenerator(cfg), cfg.lateMaxSeconds(), 100_000);
    for (EmulatedCall c : List.of(burst.get(0), busy.get(0))) {
      assertThat(store.find(cfg.seed(), c.callUuid(), LO, HI, Long.MAX_VALUE)).isEqualTo(c);
    }
    // deterministic for a seed
    assertThat(day(cfg)).isEqualTo(injected);
    // the counts without generating agree
    assertThat(store.count(LO, HI, Long.MAX_VALUE)).isEqualTo(injected.size());
  }

  @Test
  void aBurstAtAnInstantEndsItsCallsInItsMinutesOnly() {
    Instant at = Instant.ofEpochSecond(LO).plusSeconds(14 * 3600 + 30 * 60);
    EmulatorConfig.Builder b = EmulatorConfig.builder().seed(5).callsPerDay(2_000);
    List<EmulatedCall> plain = day(b.build());
    List<EmulatedCall> added = day(b.burst(at, 7, "SO", 50).build());
    Set<String> own = plain.stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
    List<EmulatedCall> burst = added.stream().filter(c -> !own.contains(c.callUuid())).toList();
    assertThat(burst).hasSize(50).allSatisfy(c -> {
      assertThat(c.toCountry()).isEqualTo("SO");
      assertThat(c.endTime()).isBetween(at, at.plusSeconds(7 * 60 - 1));
    });
    // spread evenly: 50 calls over 7 minutes are 7 or 8 a minute, the first ending in the first minute
    Map<Long, Long> perMinute = burst.stream().collect(Collectors.groupingBy(c -> c.endTime().getEpochSecond() / 60,
        Collectors.counting()));
    assertThat(perMinute).hasSize(7).containsKey(at.getEpochSecond() / 60);
    assertThat(perMinute.values()).allSatisfy(n -> assertThat(n).isBetween(7L, 8L));
    assertThatThrownBy(() -> EmulatorConfig.builder().burst(at.plusSeconds(1), 7, "SO", 50))
        .hasMessageContaining("burst start must be a whole minute");
    assertThatThrownBy(() -> EmulatorConfig.builder().burst(at, 0, "SO", 50)).hasMessageContaining("burst minutes");
  }

  @Test
  void badInjectionsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> EmulatorConfig.builder().burst(DAY, "XX", 10))
        .hasMessageContaining("burst country must be one of [US, CA");
    assertThatThrownBy(() -> EmulatorConfig.builder().burst(DAY, "CU", 0)).hasMessageContaining("burst calls");
    assertThatThrownBy(() -> EmulatorConfig.builder().busyHour(24, 10)).hasMessageContaining("busy hour must be in [0,23]");
    assertThat(Instant.ofEpochSecond(LO)).isEqualTo(Instant.parse("2026-10-21T00:00:00Z"));
  }
}
