package io.zentrunk.spark.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one place that says where a report's data came from: its words, its line and its JSON. */
class ReportSourceTest {

  static final Instant S = Instant.parse("2026-10-28T00:00:00Z");
  static final Instant E = Instant.parse("2026-10-29T00:00:00Z");

  @Test
  void eachKindSaysWhereTheDataCameFrom() throws Exception {
    ReportSource emu = ReportSource.builtInEmulator(S, E);
    assertThat(emu.origin()).isEqualTo("synthetic: built-in emulator");
    assertThat(emu.version()).isNotEqualTo("unknown").doesNotContain("${");
    assertThat(emu.line()).isEqualTo("Source: synthetic: built-in emulator; window 2026-10-28T00:00:00Z to "
        + "2026-10-29T00:00:00Z (end excluded); zentrunk-spark " + emu.version());
    assertThat(ReportSource.api("MAXXXXXXXXXXXXXXXXXX", "api.plivo.com", S, E).origin())
        .isEqualTo("account MAXXXXXXXXXXXXXXXXXX at api.plivo.com");
    assertThat(ReportSource.lake("s3a://bucket/zentrunk", S, E).origin()).isEqualTo("lake s3a://bucket/zentrunk");
    JsonNode j = new ObjectMapper().readTree(ReportSource.api("MAXXXXXXXXXXXXXXXXXX", "api.plivo.com", S, E).json());
    assertThat(j.path("source").asText()).isEqualTo("account MAXXXXXXXXXXXXXXXXXX at api.plivo.com");
    assertThat(j.path("kind").asText()).isEqualTo("api");
    assertThat(j.path("auth_id").asText()).isEqualTo("MAXXXXXXXXXXXXXXXXXX");
    assertThat(j.path("api_host").asText()).isEqualTo("api.plivo.com");
    assertThat(j.path("window").path("start").asText()).isEqualTo("2026-10-28T00:00:00Z");
    assertThat(j.path("window").path("end").asText()).isEqualTo("2026-10-29T00:00:00Z");
    assertThat(new ObjectMapper().readTree(emu.json()).path("source").asText()).isEqualTo("synthetic: built-in emulator");
    assertThat(new ObjectMapper().readTree(emu.json()).path("auth_id").isNull()).isTrue();
  }
}
