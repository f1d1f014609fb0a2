package io.zentrunk.spark.report;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.testing.TestSpark;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The report's reads against the emulator: every request is sent while {@link ReadTogether#read} runs, none
 * while the job computes afterwards, and each read returns exactly its ground truth.
 */
class ReadTogetherTest {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant START = Instant.parse("2026-10-30T00:00:00Z");
  static final Instant END = Instant.parse("2026-10-31T00:00:00Z");
  static final Instant BASELINE = Instant.parse("2026-10-28T00:00:00Z");

  @Test
  void bothReadsAreFetchedOnceBeforeAnyComputation() {
    SparkSession spark = TestSpark.session();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(5).callsPerDay(3_000).now(NOW)
        .rateLimitOff().build())) {
      Dataset<Row> window = read(spark, api, START, END);
      Dataset<Row> baseline = read(spark, api, BASELINE, START).filter(col("call_direction").equalTo("outbound"));
      List<EmulatedCall> windowTruth = api.groundTruth(START, END);
      List<EmulatedCall> baselineTruth = api.groundTruth(BASELINE, START).stream()
          .filter(c -> c.callDirection().equals("outbound")).toList();
      api.resetStats();
      try (ReadTogether reads = ReadTogether.read(window, baseline)) {
        long requests = api.stats().listRequests();
        // at least the pages of both reads: they were all fetched by read(...)
        assertThat(requests).isGreaterThanOrEqualTo((windowTruth.size() + 19) / 20 + (baselineTruth.size() + 19) / 20);

        // what the report computes afterwards sends nothing
        Dataset<Row> w = reads.get(0);
        Dataset<Row> b = reads.get(1);
        assertThat(uuids(w)).isEqualTo(windowTruth.stream().map(EmulatedCall::callUuid).collect(Collectors.toSet()));
        assertThat(w.count()).isEqualTo(windowTruth.size());
        assertThat(uuids(b)).isEqualTo(baselineTruth.stream().map(EmulatedCall::callUuid).collect(Collectors.toSet()));
        assertThat(b.count()).isEqualTo(baselineTruth.size());
        assertThat(reads.rows()).as("the rows the action counted").isEqualTo(windowTruth.size() + baselineTruth.size());
        assertThat(CallReports.hangupCauses(w).count()).isPositive();
        assertThat(b.unionByName(w).groupBy("to_country").count().count()).isPositive();
        assertThat(api.stats().listRequests()).as("requests after the reads were fetched").isEqualTo(requests);
      }
    }
  }

  private static Dataset<Row> read(SparkSession spark, ZentrunkEmulator api, Instant from, Instant to) {
    return spark.read().format("zentrunk").options(Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(),
        "auth_token", api.config().authToken(), "now", NOW.toString(), "start", from.toString(), "end", to.toString(),
        "partition_records", "2000")).load();
  }

  private static Set<String> uuids(Dataset<Row> df) {
    return df.select("call_uuid").collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toSet());
  }
}
