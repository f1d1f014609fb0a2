package io.zentrunk.spark.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A trunk's concurrent-call limit at the emulator, against the same account without it: the same calls at the same
 * end times; on the limited trunk only, calls refused 5190 exactly when the trunk was full at their attempt.
 */
class TrunkLimitTest {

  static final Instant FROM = Instant.parse("2026-10-21T12:00:00Z");
  static final Instant TO = Instant.parse("2026-10-21T18:00:00Z");
  static final int CHANNELS = 3;

  static List<EmulatedCall> calls(EmulatorConfig cfg) {
    return new CallStore(new CallGenerator(cfg), cfg.lateMaxSeconds(), 100_000)
        .all(FROM.getEpochSecond() - 3600, TO.getEpochSecond() + TrunkLimiter.MAX_HOLD_SECONDS, Long.MAX_VALUE);
  }

  @Test
  void aFullTrunkRefusesItsCallsWithFiveThousandOneHundredNinetyAndNeverCarriesMoreThanItsLimit() {
    String trunk = ZentrunkEmulator.trunkIds(7).get(1);
    EmulatorConfig.Builder b = EmulatorConfig.builder().seed(7).callsPerDay(10_000);
    List<EmulatedCall> plain = calls(b.build());
    List<EmulatedCall> limited = calls(b.trunkLimit(trunk, CHANNELS, FROM, TO).build());
    assertThat(limited).hasSameSizeAs(plain);
    Map<String, EmulatedCall> was = plain.stream().collect(Collectors.toMap(EmulatedCall::callUuid, Function.identity()));
    List<EmulatedCall> refused = limited.stream().filter(c -> !c.equals(was.get(c.callUuid()))).toList();
    assertThat(refused).as("the trunk is saturated: many calls refused").hasSizeGreaterThan(100).allSatisfy(c -> {
      EmulatedCall p = was.get(c.callUuid());
      assertThat(c.trunkId()).isEqualTo(trunk);
      assertThat(p.initiationTime()).isBetween(FROM, TO.minusSeconds(1));
      assertThat(c.hangupCauseCode()).isEqualTo(5190);
      assertThat(c.hangupCauseName()).isEqualTo("concurrent_call_limit_exceeded");
      assertThat(c.endTime()).isEqualTo(p.endTime());
      assertThat(c.initiationTime()).isBetween(c.endTime().minusSeconds(2), c.endTime());
      assertThat(c.answerTime()).isNull();
      assertThat(c.callDuration()).isZero();
      assertThat(c.billDuration()).isZero();
      assertThat(c.totalAmount()).isEqualByComparingTo("0");
    });
    // every call the limit let through is carried as it was; at each attempt of the span, the calls carried up then
    // (calls up from before FROM count: a carried attempt never finds the trunk full, so once they end the trunk never
    // carries more than CHANNELS)
    List<EmulatedCall> carried = limited.stream().filter(c -> trunk.equals(c.trunkId()) && c.equals(was.get(c.callUuid()))
        && c.hangupCauseCode() != 5180 && c.hangupCauseCode() != 5190).toList();
    for (EmulatedCall c : plain) {
      // the account's own rare 5180/5190 attempts (drawn as such) hold no channel and are not judged again
      if (!trunk.equals(c.trunkId()) || c.initiationTime().isBefore(FROM) || !c.initiationTime().isBefore(TO)
          || c.hangupCauseCode() == 5180 || c.hangupCauseCode() == 5190) {
        continue;
      }
      long at = c.initiationTime().getEpochSecond();
      long up = carried.stream().filter(x -> !x.callUuid().equals(c.callUuid()) && x.initiationTime().getEpochSecond() <= at
          && at < x.endTime().getEpochSecond()).count();
      boolean wasRefused = refused.stream().anyMatch(r -> r.callUuid().equals(c.callUuid()));
      assertThat(wasRefused).as("refused iff the trunk was full at " + c.initiationTime()).isEqualTo(up >= CHANNELS);
    }
  }

  @Test
  void aLimitNeedsAChannelAndASpanOfAtMostAMonth() {
    assertThatThrownBy(() -> new EmulatorConfig.TrunkLimit("t", 0, FROM, TO)).hasMessageContaining("channels must be >= 1");
    assertThatThrownBy(() -> new EmulatorConfig.TrunkLimit("t", 2, TO, FROM)).hasMessageContaining("span");
    assertThatThrownBy(() -> new EmulatorConfig.TrunkLimit("t", 2, FROM, FROM.plusSeconds(32 * 86_400)))
        .hasMessageContaining("at most 31 days");
  }
}
