package io.zentrunk.spark.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The injected Wangiri campaign: exact counts, its shape, determinism, and every other call untouched. */
class WangiriInjectionTest {

  static final LocalDate DAY = InjectedTrafficTest.DAY;

  @Test
  void aCampaignAddsExactlyItsCallsAndLeavesEveryOtherCallAsItIs() {
    // with the burst and the busy hour on too: their calls (drawn before the campaign's in a minute) stay the same
    EmulatorConfig.Builder b = EmulatorConfig.builder().seed(5).callsPerDay(6_000).lateArrival(0.1, 5)
        .burst(DAY, "CU", 301).busyHour(18, 600);
    List<EmulatedCall> plain = InjectedTrafficTest.day(b.build());
    EmulatorConfig cfg = b.wangiri(DAY, "+535550", 240, 7).build();
    List<EmulatedCall> injected = InjectedTrafficTest.day(cfg);
    Map<String, EmulatedCall> byUuid = injected.stream().collect(Collectors.toMap(EmulatedCall::callUuid, Function.identity()));
    for (EmulatedCall c : plain) {
      assertThat(byUuid.get(c.callUuid())).isEqualTo(c);
    }
    Set<String> own = plain.stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
    List<EmulatedCall> added = injected.stream().filter(c -> !own.contains(c.callUuid())).toList();
    assertThat(added).hasSize(240 + 7);
    List<EmulatedCall> rings = added.stream().filter(c -> c.callDirection().equals("inbound")).toList();
    assertThat(rings).hasSize(240).allSatisfy(c -> {
      assertThat(c.fromNumber()).startsWith("+535550").hasSize(11);
      assertThat(c.fromCountry()).isEqualTo("CU");
      assertThat(c.toCountry()).isEqualTo("US");
      assertThat(c.toNumber()).startsWith("+1").hasSize(12);
      assertThat(c.answerTime()).isNull();
      assertThat(c.endTime().getEpochSecond() - c.initiationTime().getEpochSecond()).isBetween(1L, 4L);
      assertThat(c.endTime().atZone(ZoneOffset.UTC).getHour()).isEqualTo(18);
      assertThat(c.totalAmount()).isEqualByComparingTo(BigDecimal.ZERO);
    });
    // spread over many of the account's numbers
    assertThat(rings.stream().map(EmulatedCall::toNumber).distinct().count()).isGreaterThan(230);
    Set<String> ringing = rings.stream().map(EmulatedCall::fromNumber).collect(Collectors.toSet());
    long lastRing = rings.stream().mapToLong(c -> c.endTime().getEpochSecond()).max().orElseThrow();
    List<EmulatedCall> callbacks = added.stream().filter(c -> c.callDirection().equals("outbound")).toList();
    assertThat(callbacks).hasSize(7).allSatisfy(c -> {
      assertThat(ringing).contains(c.toNumber());
      assertThat(c.initiationTime().getEpochSecond()).isGreaterThan(lastRing);
      assertThat(c.endTime().atZone(ZoneOffset.UTC).getHour()).isBetween(20, 21);
      assertThat(c.answerTime()).isNotNull();
      assertThat(c.toCountry()).isEqualTo("CU");
      assertThat(c.totalAmount()).isEqualByComparingTo(new BigDecimal("1.15000")
          .multiply(BigDecimal.valueOf(c.billDuration())).divide(BigDecimal.valueOf(60), 5, RoundingMode.HALF_UP));
    });
    // callbacks go to different numbers of the campaign
    assertThat(callbacks.stream().map(EmulatedCall::toNumber).distinct().count()).isEqualTo(7);
    // deterministic for a seed; GET by uuid finds the campaign's calls; counts without generating agree
    assertThat(InjectedTrafficTest.day(cfg)).isEqualTo(injected);
    CallStore store = new CallStore(new CallGenerator(cfg), cfg.lateMaxSeconds(), 100_000);
    for (EmulatedCall c : List.of(rings.get(0), callbacks.get(0))) {
      assertThat(store.find(cfg.seed(), c.callUuid(), InjectedTrafficTest.LO, InjectedTrafficTest.HI, Long.MAX_VALUE))
          .isEqualTo(c);
    }
    assertThat(store.count(InjectedTrafficTest.LO, InjectedTrafficTest.HI, Long.MAX_VALUE)).isEqualTo(injected.size());
  }

  @Test
  void badCampaignsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> EmulatorConfig.builder().wangiri(DAY, "+999", 10, 1)).hasMessageStartingWith("wangiri prefix");
    assertThatThrownBy(() -> EmulatorConfig.builder().wangiri(DAY, "5355", 10, 1)).hasMessageStartingWith("wangiri prefix");
    assertThatThrownBy(() -> EmulatorConfig.builder().wangiri(DAY, "+535550123456", 10, 1))
        .hasMessageStartingWith("wangiri prefix");
    assertThatThrownBy(() -> EmulatorConfig.builder().wangiri(DAY, "+535550", 0, 0)).hasMessageStartingWith("wangiri calls");
    assertThatThrownBy(() -> EmulatorConfig.builder().wangiri(DAY, "+535550", 5, 6)).hasMessageStartingWith("wangiri callbacks");
  }
}
