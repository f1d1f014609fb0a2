package io.zentrunk.spark.lake;

import io.zentrunk.spark.testing.TestTimes;
import io.zentrunk.spark.client.UtcDays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IngestPlannerTest {

  private static final Instant NOW = t("2026-11-28T12:00:00Z");

  private static Instant t(String iso) {
    return TestTimes.utc(iso);
  }

  private static LocalDate d(String s) {
    return LocalDate.parse(s);
  }

  private static IngestPlan plan(Instant state, Instant start, Instant end, int lookback, boolean accept, Instant now) {
    return IngestPlanner.plan(IngestPlanner.Request.of(state, start, end, lookback, accept, now));
  }

  @Test
  void withoutStateAndStartAsksForStart() {
    assertThatThrownBy(() -> plan(null, null, null, 1, false, NOW))
        .isInstanceOf(LakeUsageException.class).hasMessageContaining("pass --start");
  }

  @Test
  void incrementalRunReloadsLookbackAndTodayAndAdvancesToLastCompleteDay() {
    IngestPlan p = plan(t("2026-11-27T00:00:00Z"), null, null, 1, false, NOW);
    assertThat(p.days()).containsExactly(d("2026-11-26"), d("2026-11-27"), d("2026-11-28"));
    assertThat(p.readStart()).isEqualTo(t("2026-11-26T00:00:00Z"));
    assertThat(p.readEnd()).isEqualTo(t("2026-11-29T00:00:00Z"));
    assertThat(p.advanceStateTo()).contains(t("2026-11-28T00:00:00Z"));
    assertThat(p.notes()).isEmpty();
  }

  @Test
  void unchangedLookbackDaysAreKeptAndTheRestIsReadInContiguousWindows() {
    IngestPlan p = plan(t("2026-11-27T00:00:00Z"), null, null, 3, false, NOW);
    CdrLake.Base base = new CdrLake.Base(Optional.of(t("2026-11-27T00:00:00Z")), java.util.OptionalLong.empty());
    assertThat(LookbackCheck.lookbackDays(p, base)).containsExactly(d("2026-11-24"), d("2026-11-25"), d("2026-11-26"));
    IngestPlan all = p.keeping(java.util.Set.of(d("2026-11-24"), d("2026-11-25"), d("2026-11-26")));
    assertThat(all.days()).containsExactly(d("2026-11-27"), d("2026-11-28"));
    assertThat(all.kept()).containsExactly(d("2026-11-24"), d("2026-11-25"), d("2026-11-26"));
    assertThat(all.windows()).containsExactly(new IngestPlan.Window(t("2026-11-27T00:00:00Z"), t("2026-11-29T00:00:00Z")));
    assertThat(all.advanceStateTo()).isEqualTo(p.advanceStateTo());
    IngestPlan gap = p.keeping(java.util.Set.of(d("2026-11-24"), d("2026-11-26")));
    assertThat(gap.windows()).containsExactly(
        new IngestPlan.Window(t("2026-11-25T00:00:00Z"), t("2026-11-26T00:00:00Z")),
        new IngestPlan.Window(t("2026-11-27T00:00:00Z"), t("2026-11-29T00:00:00Z")));
    assertThat(p.windows()).containsExactly(new IngestPlan.Window(t("2026-11-24T00:00:00Z"), t("2026-11-29T00:00:00Z")));
    assertThat(LookbackCheck.lookbackDays(p, new CdrLake.Base(Optional.empty(), java.util.OptionalLong.empty()))).isEmpty();
  }

  @Test
  void safetyMarginKeepsYesterdayOpenJustAfterMidnight() {
    IngestPlan p = plan(t("2026-11-26T00:00:00Z"), null, null, 0, false, t("2026-11-28T00:30:00Z"));
    assertThat(p.days()).containsExactly(d("2026-11-26"), d("2026-11-27"), d("2026-11-28"));
    assertThat(p.advanceStateTo()).contains(t("2026-11-27T00:00:00Z"));
    IngestPlan later = IngestPlanner.plan(new IngestPlanner.Request(Optional.of(t("2026-11-26T00:00:00Z")),
        Optional.empty(), Optional.empty(), 0, false, t("2026-11-28T00:30:00Z"), Duration.ZERO));
    assertThat(later.advanceStateTo()).contains(t("2026-11-28T00:00:00Z"));
  }

  @Test
  void stateNeverMovesBackOrStandsStill() {
    IngestPlan p = plan(t("2026-11-28T00:00:00Z"), null, null, 0, false, t("2026-11-28T00:30:00Z"));
    assertThat(p.days()).containsExactly(d("2026-11-28"));
    assertThat(p.advanceStateTo()).isEmpty();
  }

  @Test
  void explicitWindowIsWidenedToWholeDaysWithoutLookback() {
    IngestPlan p = plan(null, t("2026-11-01T10:00:00Z"), t("2026-11-03T00:00:00Z"), 5, false, NOW);
    assertThat(p.days()).containsExactly(d("2026-11-01"), d("2026-11-02"));
    assertThat(p.readStart()).isEqualTo(t("2026-11-01T00:00:00Z"));
    assertThat(p.readEnd()).isEqualTo(t("2026-11-03T00:00:00Z"));
    assertThat(p.notes()).singleElement().asString().contains("--start").contains("whole day 2026-11-01");
    assertThat(p.advanceStateTo()).contains(t("2026-11-03T00:00:00Z"));

    IngestPlan q = plan(null, t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:01Z"), 1, false, NOW);
    assertThat(q.days()).containsExactly(d("2026-11-01"), d("2026-11-02"));
    assertThat(q.notes()).singleElement().asString().contains("--end");
  }

  @Test
  void explicitWindowAfterTheStateLeavesTheStateAlone() {
    IngestPlan p = plan(t("2026-11-01T00:00:00Z"), t("2026-11-10"), t("2026-11-12"), 1, false, NOW);
    assertThat(p.days()).containsExactly(d("2026-11-10"), d("2026-11-11"));
    assertThat(p.advanceStateTo()).isEmpty();
    assertThat(p.notes()).anyMatch(n -> n.contains("state stays at 2026-11-01"));
  }

  @Test
  void explicitWindowOverlappingTheStateAdvancesIt() {
    IngestPlan p = plan(t("2026-11-10T00:00:00Z"), t("2026-11-09"), null, 1, false, NOW);
    assertThat(p.days()).hasSize(20).startsWith(d("2026-11-09")).endsWith(d("2026-11-28"));
    assertThat(p.advanceStateTo()).contains(t("2026-11-28T00:00:00Z"));
  }

  @Test
  void badWindows() {
    assertThatThrownBy(() -> plan(null, t("2026-11-03"), t("2026-11-03"), 1, false, NOW))
        .isInstanceOf(LakeUsageException.class).hasMessageStartingWith("--end");
    assertThatThrownBy(() -> plan(null, t("2026-11-29T00:00:00Z"), null, 1, false, NOW))
        .isInstanceOf(LakeUsageException.class).hasMessageStartingWith("--start").hasMessageContaining("future");
    // --lookback-days is checked once, by the command (CommandsTest); a negative value here is a programming error
    assertThatThrownBy(() -> plan(t("2026-11-20T00:00:00Z"), null, null, -1, false, NOW))
        .isInstanceOf(IllegalArgumentException.class);
    IngestPlan clipped = plan(null, t("2026-11-27"), t("2026-12-05"), 1, false, NOW);
    assertThat(clipped.readEnd()).isEqualTo(t("2026-11-29T00:00:00Z"));
  }

  @Test
  void retentionGuardNamesTheLostDaysAndRefuses() {
    // now - 90 d = 2026-08-30T12:00Z: 08-29 and 08-30 (partly) can no longer be read
    assertThatThrownBy(() -> plan(t("2026-08-29T00:00:00Z"), null, null, 1, false, NOW))
        .isInstanceOf(LakeUsageException.class)
        .hasMessageContaining("2026-08-29..2026-08-30 (2 days)")
        .hasMessageContaining("--accept-data-loss");
    assertThatThrownBy(() -> plan(null, t("2026-08-30"), t("2026-09-02"), 1, false, NOW))
        .isInstanceOf(LakeUsageException.class).hasMessageContaining("2026-08-30 (1 day)");
  }

  @Test
  void acceptedDataLossSkipsTheLostDaysAndMovesTheStateOn() {
    IngestPlan p = plan(t("2026-08-29T00:00:00Z"), null, null, 1, true, NOW);
    assertThat(p.lostDays()).containsExactly(d("2026-08-29"), d("2026-08-30"));
    assertThat(p.days().get(0)).isEqualTo(d("2026-08-31"));
    assertThat(p.days()).hasSize(90);
    assertThat(p.advanceStateTo()).contains(t("2026-11-28T00:00:00Z"));
    assertThat(p.notes()).anyMatch(n -> n.startsWith("accepting data loss"));
  }

  @Test
  void lookbackPastTheRetentionIsClippedNotRefused() {
    IngestPlan p = plan(t("2026-09-10T00:00:00Z"), null, null, 20, false, NOW);
    assertThat(p.days().get(0)).isEqualTo(d("2026-08-31"));
    assertThat(p.lostDays()).isEmpty();
    assertThat(p.notes()).anyMatch(n -> n.contains("lookback"));
  }

  @Test
  void warnsWhenCloseToTheRetention() {
    IngestPlan p = plan(t("2026-09-03T00:00:00Z"), null, null, 0, false, NOW);
    assertThat(p.notes()).anyMatch(n -> n.startsWith("warning") && n.contains("2026-09-03"));
    assertThat(plan(t("2026-09-10T00:00:00Z"), null, null, 0, false, NOW).notes()).isEmpty();
  }

  @Test
  void timestampFormats() {
    assertThat(UtcDays.days(List.of(d("2026-11-01")))).isEqualTo("2026-11-01 (1 day)");
  }
}
