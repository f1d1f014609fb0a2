package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobCommandTest {

  @Test
  void timeArgumentsTakeTheOneGrammarAndNameTheOption() {
    assertThat(JobCommand.parseUtc("2026-11-01", "--start")).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(JobCommand.parseUtc("2026-11-01 10:15", "--start")).isEqualTo(Instant.parse("2026-11-01T10:15:00Z"));
    assertThat(JobCommand.parseUtc("2026-11-01 10:15:30", "--start")).isEqualTo(Instant.parse("2026-11-01T10:15:30Z"));
    assertThat(JobCommand.parseUtc("2026-11-01T10:15:30Z", "--start")).isEqualTo(Instant.parse("2026-11-01T10:15:30Z"));
    assertThat(JobCommand.parseUtc("2026-11-01T10:15:30+02:00", "--start")).isEqualTo(Instant.parse("2026-11-01T08:15:30Z"));
    assertThatThrownBy(() -> JobCommand.parseUtc("2026-13-01", "--end"))
        .isInstanceOf(UsageException.class).hasMessageStartingWith("--end: cannot read '2026-13-01'");
  }
}
