package io.zentrunk.spark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ApiTimeTest {

  @Test
  void parsesCdrTimesExactlyLikeJavaTime() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      long sec = r.nextLong(-2_000_000_000L, 7_000_000_000L);
      LocalDateTime t = LocalDateTime.ofEpochSecond(sec, 0, ZoneOffset.UTC);
      String s = String.format("%04d-%02d-%02d %02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
          t.getHour(), t.getMinute(), t.getSecond());
      assertThat(ApiTime.parseCdrTime(s)).as(s).isEqualTo(sec * 1_000_000L);
    }
  }

  @Test
  void parsesFractionsAndRejectsGarbage() {
    assertThat(ApiTime.parseCdrTime("2022-12-06 07:02:00.5")).isEqualTo(ApiTime.toMicros(Instant.parse("2022-12-06T07:02:00.5Z")));
    assertThat(ApiTime.parseCdrTime("2022-12-06 07:02:00.123456")).isEqualTo(ApiTime.toMicros(Instant.parse("2022-12-06T07:02:00.123456Z")));
    for (String bad : new String[] {"", "2022-12-06", "2022-13-06 07:02:00", "2022-02-30 07:02:00", "2022-12-06 24:00:00",
        "2022-12-06 07:02:0x", "2022-12-06 07:02:00.", "2022-12-06 07:02:00 "}) {
      assertThat(ApiTime.parseCdrTime(bad)).as(bad).isEqualTo(Long.MIN_VALUE);
    }
  }

  @Test
  void userTimesInEveryDocumentedForm() {
    long midnight = ApiTime.toMicros(Instant.parse("2026-10-01T00:00:00Z"));
    assertThat(ApiTime.parseUserTime("start", "2026-10-01")).isEqualTo(midnight);
    assertThat(ApiTime.parseUserTime("start", "2026-10-01 00:00")).isEqualTo(midnight);
    assertThat(ApiTime.parseUserTime("start", "2026-10-01 00:00:00")).isEqualTo(midnight);
    assertThat(ApiTime.parseUserTime("start", "2026-10-01 00:00:00.000001")).isEqualTo(midnight + 1);
    assertThat(ApiTime.parseUserTime("start", "2026-10-01T00:00:00Z")).isEqualTo(midnight);
    assertThat(ApiTime.parseUserTime("start", "2026-10-01T02:00:00+02:00")).isEqualTo(midnight);
    assertThat(ApiTime.parseUserTime("start", "2026-09-30T19:00:00-05:00")).isEqualTo(midnight);
    assertThatThrownBy(() -> ApiTime.parseUserTime("Option 'start'", "yesterday"))
        .hasMessageStartingWith("Option 'start': cannot read 'yesterday' as a UTC time");
    assertThat(ApiTime.parseUserTime("--now", "2026-10-01t00:00:00z")).as("lower-case T and Z").isEqualTo(midnight);
    assertThat(ApiTime.parseUserTime("--now", "2026-10-01T00:00")).isEqualTo(midnight);
    assertThat(ApiTime.parseUserTime("--now", "2026-10-01 00:00:00.0000019")).as("digits past microseconds are cut").isEqualTo(midnight + 1);
    assertThat(ApiTime.parseUserTime("--now", "2026-10-01T02:00:00+02:00[Europe/Paris]")).isEqualTo(midnight);
    assertThatThrownBy(() -> ApiTime.parseUserTime("Option 'end'", "2026-02-30")).hasMessageContaining("Option 'end'");
  }

  @Test
  void formatsFiltersWithFractionOnlyWhenNeeded() {
    long t = ApiTime.toMicros(Instant.parse("2026-10-01T12:34:56Z"));
    assertThat(ApiTime.formatFilter(t)).isEqualTo("2026-10-01 12:34:56");
    assertThat(ApiTime.formatFilter(t + 7)).isEqualTo("2026-10-01 12:34:56.000007");
    assertThat(ApiTime.toInstant(t + 7)).isEqualTo(Instant.parse("2026-10-01T12:34:56.000007Z"));
  }

  @Test
  void durationsAsSparkWritesThemBesideIntervalWordsAndIso8601() {
    assertThat(ApiTime.parseDuration("--every", "250ms", 0)).isEqualTo(250_000L);
    assertThat(ApiTime.parseDuration("--every", "30s", 0)).isEqualTo(30_000_000L);
    assertThat(ApiTime.parseDuration("--every", "5m", 0)).isEqualTo(300_000_000L);
    assertThat(ApiTime.parseDuration("--every", "5min", 0)).isEqualTo(300_000_000L);
    assertThat(ApiTime.parseDuration("--every", "1h", 0)).isEqualTo(3_600_000_000L);
    assertThat(ApiTime.parseDuration("--every", "2d", 0)).isEqualTo(2 * ApiTime.MICROS_PER_DAY);
    assertThat(ApiTime.parseDuration("--every", " 1H30M ", 0)).isEqualTo(5_400_000_000L);
    assertThat(ApiTime.parseDuration("--every", "750us", 0)).isEqualTo(750L);
    assertThat(ApiTime.parseDuration("--every", "2 minutes", 0)).isEqualTo(120_000_000L);
    assertThat(ApiTime.parseDuration("--every", "PT2M", 0)).isEqualTo(120_000_000L);
    // a bare number has no unit to take (Spark's configs default to one per key; a job flag does not guess)
    for (String bad : new String[] {"30", "1.5h", "5 m", "m5", "30sec", "", "-5m", "99999999999999999999d"}) {
      assertThatThrownBy(() -> ApiTime.parseDuration("--every", bad, 0))
          .hasMessage("--every must be a duration such as '30s', '5m', '1h', '2d', '250ms', '2 minutes' or ISO-8601 'PT2M', not '"
              + bad + "'");
    }
    assertThatThrownBy(() -> ApiTime.parseDuration("--every", "500ms", 1_000_000))
        .hasMessage("--every must be at least 1 second, not '500ms'");
  }
}
