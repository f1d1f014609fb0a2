package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.IngestJob;
import io.zentrunk.spark.lake.LakeFormat;
import io.zentrunk.spark.lake.Provenance;
import io.zentrunk.spark.report.FraudRule;
import io.zentrunk.spark.report.FraudSignals;
import io.zentrunk.spark.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report --source lake} over a lake that starts on its first day, as a new user makes one: 30 days of the
 * emulator's normal traffic ingested, an IRSF burst injected on day 10. The days before the lake are not held (not
 * days without calls): no signal on its first days, the burst flagged on its day and country.
 */
class LakeFraudIT {

  static final LocalDate FIRST = LocalDate.parse("2026-10-01");
  static final LocalDate BURST = FIRST.plusDays(9);
  static final Instant NOW = Instant.parse("2026-11-01T03:00:00Z");

  @Test
  void aLakesFirstDaysAreNotComparedWithDaysItDoesNotHoldAndABurstOnDay10IsStillFlagged(@TempDir Path tmp) {
    SparkSession spark = TestSpark.session();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(41).callsPerDay(10_000).now(NOW)
        .rateLimitOff().burst(BURST, "CU", 300).build())) {
      Path lake = tmp.resolve("lake");
      Instant from = FIRST.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      Instant to = FIRST.plusDays(30).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      Map<String, String> o = Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(), "auth_token",
          api.config().authToken(), "now", NOW.toString(), "request_budget", "100000");
      IngestJob.run(spark, IngestJob.Args.lake(lake.toString(), LakeFormat.PARQUET, from, to,
              new Provenance(api.config().authId(), Provenance.host(api.baseUrl()))), NOW,
          (f, t) -> io.zentrunk.spark.source.Cdrs.window(spark, o, f, t), line -> { });

      // what this guards against: the 7 days before the lake read as days without calls, and a day judged from
      // one held day on, flag the lake's first days
      long before = FraudSignals.of(spark.read().parquet(lake.resolve("cdrs").toString()), FIRST, FIRST.minusDays(7),
          new FraudRule(FraudRule.DEFAULT_MIN_AMOUNT, FraudRule.DEFAULT_RATIO, 7, 1))
          .filter("end_date < DATE'" + FIRST.plusDays(3) + "'").count();
      assertThat(before).as("signals on the first days when the days before the lake count as zero").isPositive();

      Path out = tmp.resolve("report");
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream oldErr = System.err;
      int code;
      try {
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        code = Main.run("report", "--source", "lake", "--lake", lake.toString(), "--start", FIRST.toString(),
            "--end", FIRST.plusDays(30).toString(), "--output", out.toString());
      } finally {
        System.setErr(oldErr);
      }
      String log = err.toString(StandardCharsets.UTF_8);
      assertThat(code).as(log).isZero();
      assertThat(log).contains("report: fraud signals: the lake holds CDRs from 2026-10-01; a day is judged against the "
          + "average of its 7 baseline days that the source holds, when it holds at least 3 of them (--fraud-min-baseline-days)");
      List<Row> signals = spark.read().parquet(out.resolve("fraud_signals").toString()).orderBy("end_date", "to_country")
          .collectAsList();
      assertThat(signals).as("fraud signals of 30 days of normal traffic with one burst: %s", signals).hasSize(1);
      Row s = signals.get(0);
      assertThat(s.getAs("end_date").toString()).isEqualTo(BURST.toString());
      assertThat(s.<String>getAs("to_country")).isEqualTo("CU");
      assertThat(s.<BigDecimal>getAs("amount")).isGreaterThan(FraudRule.DEFAULT_MIN_AMOUNT);
    }
  }
}
