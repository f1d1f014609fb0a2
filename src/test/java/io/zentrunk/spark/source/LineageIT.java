package io.zentrunk.spark.source;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenLineage's Spark integration ({@code io.openlineage:openlineage-spark_2.13}, its listener and file
 * transport, configured as its documentation says) names the input of a job that reads {@code zentrunk}
 * as the account's CDR dataset, from the table properties {@code openlineage.dataset.namespace} and
 * {@code openlineage.dataset.name}; the token appears nowhere in the events.
 */
class LineageIT {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void openLineageNamesTheAccountsCdrDataset(@TempDir Path tmp) throws Exception {
    Path events = tmp.resolve("openlineage.jsonl");
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(7).callsPerDay(2_000).now(NOW)
        .rateLimitOff().build())) {
      SparkSession spark = SparkSession.builder().master("local[1]").appName("LineageIT")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.extraListeners", "io.openlineage.spark.agent.OpenLineageSparkListener")
          .config("spark.openlineage.transport.type", "file")
          .config("spark.openlineage.transport.location", events.toString())
          .config("spark.openlineage.namespace", "zentrunk-tests")
          .getOrCreate();
      long rows;
      try {
        spark.read().format("zentrunk")
            .option("api_url", api.baseUrl())
            .option("auth_id", api.config().authId())
            .option("auth_token", api.config().authToken())
            .option("now", NOW.toString())
            .option("start", "2026-10-20").option("end", "2026-10-21")
            .load()
            .filter("call_direction = 'outbound'")
            .select("call_uuid", "to_country")
            .write().parquet(tmp.resolve("out").toString());
        rows = spark.read().parquet(tmp.resolve("out").toString()).count();
      } finally {
        spark.stop(); // flushes the listener's last events
      }
      assertThat(rows).isPositive();

      String text = Files.readString(events);
      assertThat(text).as("no token in lineage events").doesNotContain(api.config().authToken());
      List<String> inputs = new ArrayList<>();
      ObjectMapper json = new ObjectMapper();
      for (String line : text.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode e = json.readTree(line);
        for (JsonNode in : e.path("inputs")) {
          inputs.add(e.path("eventType").asText() + " " + in.path("namespace").asText() + " " + in.path("name").asText());
        }
      }
      String namespace = "plivo://127.0.0.1:" + api.port();
      String name = "Account/" + api.config().authId() + "/Zentrunk/Call";
      assertThat(inputs).as(text).contains("COMPLETE " + namespace + " " + name);
      // every input of every event is either the CDR dataset or the Parquet written by the job
      assertThat(inputs).allMatch(i -> i.endsWith(" " + namespace + " " + name) || i.contains("/out"), text);
    }
  }
}
