package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream's offsets (versioned JSON) and its duration options, without Spark. */
class StreamOffsetTest {

  @Test
  void offsetsAreVersionedJsonThatRoundTripsToTheMicrosecond() {
    long t = ApiTime.toMicros(Instant.parse("2026-10-28T01:02:03.000004Z"));
    ZentrunkMicroBatchStream.EndTimeOffset o = new ZentrunkMicroBatchStream.EndTimeOffset(t);
    assertThat(o.json()).isEqualTo("{\"version\":1,\"end_time\":\"2026-10-28T01:02:03.000004Z\"}");
    assertThat(ZentrunkMicroBatchStream.EndTimeOffset.parse(o.json()).micros).isEqualTo(t);
    assertThat(ZentrunkMicroBatchStream.EndTimeOffset.parse(o.json())).isEqualTo(o);
  }

  @Test
  void anOffsetOfAnotherVersionOrShapeIsRefusedInOneLine() {
    assertThatThrownBy(() -> ZentrunkMicroBatchStream.EndTimeOffset.parse("{\"version\":2,\"end_time\":\"2026-10-28T01:00:00Z\"}"))
        .hasMessageContaining("offset of version 2, which this version of the connector (offset version 1) cannot read");
    assertThatThrownBy(() -> ZentrunkMicroBatchStream.EndTimeOffset.parse("{\"end_time\":\"2026-10-28T01:00:00Z\"}"))
        .hasMessageContaining("needs version and end_time");
    assertThatThrownBy(() -> ZentrunkMicroBatchStream.EndTimeOffset.parse("42x")).hasMessageContaining("Not a zentrunk stream offset");
  }

  @Test
  void durationsAreReadAsSparkWritesIntervalsAndInIso8601() {
    assertThat(ApiTime.parseDuration("x", "2 minutes", 0)).isEqualTo(120_000_000L);
    assertThat(ApiTime.parseDuration("x", "interval 1 hour 30 minutes", 0)).isEqualTo(5_400_000_000L);
    assertThat(ApiTime.parseDuration("x", "1 minute", 0)).isEqualTo(60_000_000L);
    assertThat(ApiTime.parseDuration("x", "500 milliseconds", 0)).isEqualTo(500_000L);
    assertThat(ApiTime.parseDuration("x", "PT2M", 0)).isEqualTo(120_000_000L);
    assertThat(ApiTime.parseDuration("x", "pt1h30m", 0)).isEqualTo(5_400_000_000L);
    assertThat(ApiTime.formatDuration(5_400_000_000L)).isEqualTo("1 hour 30 minutes");
    assertThatThrownBy(() -> ApiTime.parseDuration("Option 'lag'", "2 fortnights", 0))
        .hasMessage("Option 'lag' must be a duration such as '30s', '5m', '1h', '2d', '250ms', '2 minutes' or ISO-8601 'PT2M', not '2 fortnights'");
    assertThatThrownBy(() -> ApiTime.parseDuration("Option 'lag'", "-PT1M", 0))
        .hasMessage("Option 'lag' must be at least 0 seconds, not '-PT1M'");
  }

  @Test
  void lagAndTheBatchCapAreOptionsOfTheOneReadModel() {
    Map<String, String> base = Map.of("auth_id", "MA1", "auth_token", "t");
    assertThat(ReadConf.parse(base).lagMicros).isEqualTo(600_000_000L);
    assertThat(ReadConf.parse(Map.of("auth_id", "MA1", "auth_token", "t", "LAG", "PT2M")).lagMicros).isEqualTo(120_000_000L);
    assertThat(ReadConf.parse(Map.of("auth_id", "MA1", "auth_token", "t", "max_requests_per_trigger", "50")).maxRequestsPerTrigger)
        .isEqualTo(50);
    assertThatThrownBy(() -> ReadConf.parse(Map.of("auth_id", "MA1", "auth_token", "t", "lag", "91 days")))
        .hasMessage("Option 'lag' must be at most 90 days, not '91 days'");
  }

  @Test
  void aQueryRestartedBeforeItsFirstCommitStartsWhereItFirstStartedNotFromTheMovedClock(@TempDir Path chk) throws Exception {
    Instant t = Instant.parse("2026-11-01T12:00:00Z");
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(3).callsPerDay(100).now(t)
        .rateLimitOff().build())) {
      Map<String, String> opts = Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(),
          "auth_token", api.config().authToken());
      Object first = new ZentrunkMicroBatchStream(ReadConf.parse(opts), CdrSchema.SCHEMA, chk.toString(), Configuration::new)
          .initialOffset().json();
      assertThat(first).isEqualTo("{\"version\":1,\"end_time\":\"2026-10-31T12:00:00Z\"}");
      assertThat(Files.readString(chk.resolve(StartOffsetLog.FILE))).isEqualTo(first);

      api.setNow(t.plus(Duration.ofHours(3)));
      ZentrunkMicroBatchStream restarted = new ZentrunkMicroBatchStream(ReadConf.parse(opts), CdrSchema.SCHEMA, chk.toString(),
          Configuration::new);
      assertThat(restarted.initialOffset().json()).as("the logged start, not the last 24 hours of the moved clock").isEqualTo(first);
      Path other = chk.resolveSibling(chk.getFileName() + "-new");
      assertThat(new ZentrunkMicroBatchStream(ReadConf.parse(opts), CdrSchema.SCHEMA, other.toString(), Configuration::new)
          .initialOffset().json()).as("a new query starts from the moved clock").isEqualTo("{\"version\":1,\"end_time\":\"2026-10-31T15:00:00Z\"}");
    }
  }

  @Test
  void aStreamDownMoreThan90DaysWithACapResumesAtTheRetentionWithClampAndStopsNamingTheOptionWithout(@TempDir Path tmp)
      throws Exception {
    Instant t = Instant.parse("2026-11-01T12:00:00Z");
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(3).callsPerDay(100).now(t)
        .rateLimitOff().build())) {
      Map<String, String> base = Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(),
          "auth_token", api.config().authToken(), "max_requests_per_trigger", "5");
      Map<String, String> clamped = new java.util.HashMap<>(base);
      clamped.put("clamp_to_retention", "true");
      ZentrunkMicroBatchStream s = new ZentrunkMicroBatchStream(ReadConf.parse(clamped), CdrSchema.SCHEMA,
          tmp.resolve("a").toString(), Configuration::new);
      ZentrunkMicroBatchStream.EndTimeOffset start = (ZentrunkMicroBatchStream.EndTimeOffset) s.initialOffset();
      api.setNow(t.plus(Duration.ofDays(91)));
      // with clamp_to_retention: the capped batch starts inside the retention and is planned
      long retentionStart = ApiTime.toMicros(t.plus(Duration.ofDays(1)));
      ZentrunkMicroBatchStream.EndTimeOffset end = ZentrunkMicroBatchStream.EndTimeOffset.parse(
          s.latestOffset(start, s.getDefaultReadLimit()).json());
      assertThat(end.micros).isGreaterThan(retentionStart);
      assertThat(s.planInputPartitions(start, end)).isNotNull();

      // without it: one line naming the option, capped or not
      for (Map<String, String> o : List.of(base, Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(),
          "auth_token", api.config().authToken()))) {
        ZentrunkMicroBatchStream n = new ZentrunkMicroBatchStream(ReadConf.parse(o), CdrSchema.SCHEMA,
            tmp.resolve("b" + o.size()).toString(), Configuration::new);
        assertThatThrownBy(() -> n.planInputPartitions(start, n.latestOffset(start, n.getDefaultReadLimit())))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("The stream's offset (its CDRs expired while the query was stopped)")
            .hasMessageContaining("set option 'clamp_to_retention' to true")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      }
    }
  }
}
