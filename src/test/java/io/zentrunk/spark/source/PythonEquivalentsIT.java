package io.zentrunk.spark.source;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * The README's Python section, line for line through the JVM API (Python cannot be installed in CI):
 * each statement below is the Java form of one PySpark line there, with the same options, filters and
 * SQL. The Python lines take the credentials from the environment; here the emulator's {@code api_url},
 * {@code auth_id} and {@code auth_token} are added as options (a test cannot set its own environment),
 * and {@code now} pins the emulator's clock. The chart line (pandas/matplotlib) has no JVM form and is
 * not checked.
 */
class PythonEquivalentsIT {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
  static final Instant END = Instant.parse("2026-10-02T00:00:00Z");

  @Test
  void readmePythonLinesThroughTheJvmApi() throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(3).callsPerDay(2_000).now(NOW)
        .rateLimitOff().build())) {
      String emulator = "api_url '" + api.baseUrl() + "', auth_id '" + api.config().authId() + "', auth_token '"
          + api.config().authToken() + "', now '" + NOW + "'";
      List<EmulatedCall> truth = api.groundTruth(START, END);

      // spark = (SparkSession.builder.config("spark.jars", JAR).config("spark.sql.session.timeZone", "UTC").getOrCreate())
      SparkSession spark = SparkSession.builder().master("local[2]").appName("PythonEquivalentsIT")
          .config("spark.ui.enabled", "false")
          .config("spark.jars", appJar().toString())
          .config("spark.sql.session.timeZone", "UTC")
          .getOrCreate();
      try {
        // cdrs = (spark.read.format("zentrunk").option("start", "2026-10-01").option("end", "2026-10-02").load())
        Dataset<Row> cdrs = spark.read().format("zentrunk").option("start", "2026-10-01").option("end", "2026-10-02")
            .option("api_url", api.baseUrl()).option("auth_id", api.config().authId())
            .option("auth_token", api.config().authToken()).option("now", NOW.toString())
            .load();
        // outbound = cdrs.filter("call_direction = 'outbound' AND bill_duration > 60")
        Dataset<Row> outbound = cdrs.filter("call_direction = 'outbound' AND bill_duration > 60");
        // by_country = outbound.groupBy("to_country").count().orderBy(F.desc("count"))
        Dataset<Row> byCountry = outbound.groupBy("to_country").count().orderBy(desc("count"));
        Map<String, Long> expectedByCountry = truth.stream()
            .filter(c -> c.callDirection().equals("outbound") && c.billDuration() > 60)
            .collect(Collectors.groupingBy(EmulatedCall::toCountry, TreeMap::new, Collectors.counting()));
        Map<String, Long> actualByCountry = new TreeMap<>();
        List<Row> rows = byCountry.collectAsList();
        rows.forEach(r -> actualByCountry.put(r.getString(0), r.getLong(1)));
        assertThat(actualByCountry).isEqualTo(expectedByCountry);
        assertThat(rows.stream().map(r -> r.getLong(1)).toList()).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(outbound.queryExecution().executedPlan().toString()).contains("call_direction=outbound");

        // spark.sql("CREATE TEMPORARY VIEW calls USING zentrunk OPTIONS (start '2026-10-01', end '2026-10-02')")
        spark.sql("CREATE TEMPORARY VIEW calls USING zentrunk OPTIONS (start '2026-10-01', end '2026-10-02', "
            + emulator + ")");
        // cost = spark.sql("SELECT to_country, count(*) AS calls, sum(total_amount) AS amount FROM calls GROUP BY to_country ORDER BY amount DESC")
        Dataset<Row> cost = spark.sql("SELECT to_country, count(*) AS calls, sum(total_amount) AS amount FROM calls "
            + "GROUP BY to_country ORDER BY amount DESC");
        // pdf = cost.withColumn("amount", F.col("amount").cast("double")).toPandas()
        Dataset<Row> forPandas = cost.withColumn("amount", col("amount").cast("double"));
        assertThat(forPandas.schema().apply("amount").dataType()).isEqualTo(DataTypes.DoubleType);
        Map<String, BigDecimal> expectedCost = truth.stream().collect(Collectors.groupingBy(EmulatedCall::toCountry,
            TreeMap::new, Collectors.reducing(BigDecimal.ZERO, EmulatedCall::totalAmount, BigDecimal::add)));
        Map<String, Double> actualCost = new TreeMap<>();
        long calls = 0;
        for (Row r : forPandas.collectAsList()) {
          actualCost.put(r.getString(0), r.getDouble(2));
          calls += r.getLong(1);
        }
        assertThat(calls).isEqualTo(truth.size());
        assertThat(actualCost.keySet()).isEqualTo(expectedCost.keySet());
        // the cast to double loses nothing a chart can show: within a hundredth of a cent
        expectedCost.forEach((k, v) -> assertThat(actualCost.get(k)).as(k).isCloseTo(v.doubleValue(),
            org.assertj.core.data.Offset.offset(1e-4)));
      } finally {
        spark.stop();
      }
    }
  }

  /** The project's spark-submit jar, as the Python session's spark.jars names it. */
  static Path appJar() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      return s.filter(p -> p.getFileName().toString().matches("zentrunk-spark-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst().orElseThrow(() -> new IllegalStateException("no shaded jar in target/: run mvn package"))
          .toAbsolutePath();
    }
  }
}
