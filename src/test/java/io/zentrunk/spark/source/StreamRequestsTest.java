package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream's requests per trigger in steady state, counted by the emulator, without Spark: the calls Spark 4.1
 * makes each trigger (latestOffset once, planInputPartitions six times: three plannings of the batch's query, two scan
 * nodes each) over a clock that moves a minute a trigger, for an emulated hour and 20 minutes (re-counts fall due
 * from the 62nd trigger on).
 */
class StreamRequestsTest {

  static final Instant T = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void aTriggerSendsTwoRequestsTheClockOrADueRecountAndOnePlanningOfItsWindow(@TempDir Path chk) {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(7).callsPerDay(10_000).now(T)
        .rateLimitOff().build())) {
      ReadConf conf = ReadConf.parse(Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(),
          "auth_token", api.config().authToken(), "start", T.minus(Duration.ofMinutes(15)).toString(), "lag", "10 minutes", "request_budget", "100000"));
      ZentrunkMicroBatchStream stream = new ZentrunkMicroBatchStream(conf, CdrSchema.SCHEMA, chk.toString(), Configuration::new);
      api.recordListQueries();
      Offset start = stream.initialOffset();
      assertThat(stream.initialOffset()).as("asked again for the first batch: the same start").isEqualTo(start);
      assertThat(api.stats().listRequests()).as("one clock probe for the start").isEqualTo(1);

      long rows = 0;
      for (int trigger = 1; trigger <= 80; trigger++) {
        api.setNow(T.plus(Duration.ofMinutes(trigger)));
        long before = api.stats().listRequests();
        Offset end = stream.latestOffset(start, ReadLimit.allAvailable());
        InputPartition[][] plans = new InputPartition[6][];
        for (int i = 0; i < plans.length; i++) {
          plans[i] = stream.planInputPartitions(start, end);
        }
        long sent = api.stats().listRequests() - before;
        List<String> queries = api.listQueries();
        assertThat(sent).as("trigger " + trigger + ": " + queries.subList(queries.size() - (int) sent, queries.size()))
            .isEqualTo(2);
        for (InputPartition[] again : plans) {
          assertThat(again).as("the same partitions each time").isSameAs(plans[0]);
        }
        rows += Long.parseLong(stream.metrics(Optional.of(end)).get("lastBatchPlannedCdrs"));
        start = end;
      }
      Map<String, String> m = stream.metrics(Optional.of(start));
      assertThat(Long.parseLong(m.get("lateCheckedWindows")))
          .as("one check so far (they run hourly): it counted the first window, the only one an hour behind then")
          .isEqualTo(1);
      assertThat(m.get("lateCdrs")).isEqualTo("0");
      assertThat(rows).isEqualTo(api.groundTruthCount(T.minus(Duration.ofMinutes(15)), T.plus(Duration.ofMinutes(70))));
    }
  }

  @Test
  void theClockProbes429sAreInTheStreamsMetrics(@TempDir Path chk) {
    // one request a second: the second of two probes in a row is answered 429, then retried after Retry-After
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(7).callsPerDay(1_000).now(T)
        .rateLimit(1, Duration.ofSeconds(1)).build())) {
      ReadConf conf = ReadConf.parse(Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(),
          "auth_token", api.config().authToken(), "start", T.minus(Duration.ofMinutes(15)).toString(), "lag", "10 minutes"));
      ZentrunkMicroBatchStream stream = new ZentrunkMicroBatchStream(conf, CdrSchema.SCHEMA, chk.toString(), Configuration::new);
      Offset start = stream.initialOffset();
      stream.latestOffset(start, ReadLimit.allAvailable());
      Map<String, String> m = stream.metrics(Optional.empty());
      assertThat(api.stats().rateLimited()).as("the emulator answered 429").isPositive();
      assertThat(Long.parseLong(m.get("probeThrottled"))).isEqualTo(api.stats().rateLimited());
      assertThat(Long.parseLong(m.get("probeRequests"))).as("every request the emulator saw, retries included")
          .isEqualTo(api.stats().requests());
    }
  }
}
