package io.zentrunk.spark.report;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.storage.SessionConf;
import io.zentrunk.spark.testing.TestSpark;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A small report computed on one partition ({@link ReportJob#ONE_PARTITION_ROWS}): its datasets are planned without
 * a shuffle (Wangiri's joins too) and hold exactly the rows of the usual plan over the reads' partitions.
 */
class OnePartitionTest {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant START = Instant.parse("2026-10-30T00:00:00Z");
  static final Instant END = Instant.parse("2026-10-31T00:00:00Z");
  static final Instant BASELINE = Instant.parse("2026-10-28T00:00:00Z");

  @Test
  void datasetsOnOnePartitionPlanNoShuffleAndHoldTheSameRows() {
    SparkSession spark = TestSpark.session();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(7).callsPerDay(2_000).now(NOW)
        .rateLimitOff().build())) {
      Dataset<Row> window = read(spark, api, START, END);
      Dataset<Row> baseline = read(spark, api, BASELINE, START).filter(col("call_direction").equalTo("outbound"));
      try (ReadTogether reads = ReadTogether.read(ReportJob.narrow(window), ReportJob.narrow(baseline))) {
        assertThat(reads.rows()).isLessThanOrEqualTo(ReportJob.ONE_PARTITION_ROWS);
        assertThat(reads.get(0).rdd().getNumPartitions()).as("the read's partitions").isGreaterThan(1);
        ReportJob.Input in = new ReportJob.Input(window, baseline, START, END, LocalDate.parse("2026-10-28"),
            FraudRule.defaults());
        ReportSettings settings = ReportSettings.defaults(in);
        Map<String, Dataset<Row>> usual = ReportJob.datasets(in, settings, reads.get(0), reads.get(1), false);
        Map<String, List<String>> expected = new java.util.HashMap<>();
        usual.forEach((name, d) -> {
          assertThat(plan(d)).as(name + "'s usual plan").contains("Exchange");
          expected.put(name, TestSpark.lines(d));
        });
        // why the single partition's size is unbounded: a join side estimated above the bound (Spark's is 128 MB,
        // which a lake's read passes; these sides are smaller, so the bound is set below them) is shuffled
        Map<String, String> bounded = new java.util.HashMap<>(ReportJob.ONE_PARTITION_CONF);
        bounded.put("spark.sql.maxSinglePartitionBytes", "1024");
        try (SessionConf ignored = SessionConf.set(spark, bounded)) {
          Dataset<Row> w = ReportJob.datasets(in, settings, reads.get(0).coalesce(1), reads.get(1).coalesce(1), true)
              .get(ReportJob.WANGIRI_SIGNALS);
          assertThat(plan(w)).as("Wangiri's one-partition plan, a single partition bounded").contains("Exchange");
        }
        try (SessionConf ignored = SessionConf.set(spark, ReportJob.ONE_PARTITION_CONF)) {
          Map<String, Dataset<Row>> one = ReportJob.datasets(in, settings, reads.get(0).coalesce(1),
              reads.get(1).coalesce(1), true);
          assertThat(one.keySet()).isEqualTo(usual.keySet());
          one.forEach((name, d) -> {
            assertThat(plan(d)).as(name + "'s one-partition plan").doesNotContain("Exchange");
            assertThat(d.rdd().getNumPartitions()).as(name).isEqualTo(1);
            assertThat(TestSpark.lines(d)).as(name).containsExactlyInAnyOrderElementsOf(expected.get(name));
            assertThat(d.schema()).as(name).isEqualTo(usual.get(name).schema());
          });
        }
      }
    }
  }

  /** The physical plan as planned (adaptive execution's initial plan, with its exchanges). */
  private static String plan(Dataset<Row> d) {
    return d.queryExecution().executedPlan().toString();
  }

  private static Dataset<Row> read(SparkSession spark, ZentrunkEmulator api, Instant from, Instant to) {
    return spark.read().format("zentrunk").options(Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(),
        "auth_token", api.config().authToken(), "now", NOW.toString(), "start", from.toString(), "end", to.toString(),
        "partition_records", "500")).load();
  }
}
