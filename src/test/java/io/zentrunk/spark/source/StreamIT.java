package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code readStream.format("zentrunk")} against the emulator's ground truth. */
class StreamIT {

  static final Instant T1 = Instant.parse("2026-10-28T12:00:00Z");
  static SparkSession spark;

  static SparkSession session(String name) {
    return SparkSession.builder().master("local[2]").appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.streaming.noDataMicroBatches.enabled", "false")
        .config("spark.sql.catalog.default_iceberg", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.default_iceberg.type", "hadoop")
        .config("spark.sql.catalog.default_iceberg.warehouse", System.getProperty("java.io.tmpdir") + "/zentrunk-stream-it-wh")
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .getOrCreate();
  }

  @BeforeAll
  static void start() {
    spark = session("StreamIT");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static Map<String, String> options(ZentrunkEmulator api, Instant start, String lag) {
    Map<String, String> o = new HashMap<>();
    o.put("api_url", api.baseUrl());
    o.put("auth_id", api.config().authId());
    o.put("auth_token", api.config().authToken());
    o.put("request_budget", "100000");
    o.put("start", start.toString());
    o.put("lag", lag);
    return o;
  }

  static StreamingQuery availableNow(Map<String, String> o, Path out, Path checkpoint) throws Exception {
    StreamingQuery q = spark.readStream().format("zentrunk").options(o).load()
        .writeStream().format("parquet").option("checkpointLocation", checkpoint.toString())
        .trigger(Trigger.AvailableNow()).start(out.toString());
    q.awaitTermination();
    return q;
  }

  static List<String> uuids(Path out) {
    return spark.read().parquet(out.toString()).select("call_uuid").collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  static Set<String> truth(ZentrunkEmulator api, Instant from, Instant to) {
    return api.groundTruth(from, to).stream().map(EmulatedCall::callUuid).collect(Collectors.toSet());
  }

  @Test
  void availableNowTwiceReadsExactlyTheNewCdrsTheSecondTime(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(21).callsPerDay(20_000).now(T1).rateLimitOff().build())) {
      Instant start = T1.minus(Duration.ofHours(3));
      Map<String, String> o = options(api, start, "2 minutes");
      availableNow(o, tmp.resolve("out"), tmp.resolve("chk"));
      List<String> first = uuids(tmp.resolve("out"));
      Set<String> truth1 = truth(api, start, T1.minus(Duration.ofMinutes(2)));
      assertThat(first).hasSize(truth1.size()).doesNotHaveDuplicates();
      assertThat(new HashSet<>(first)).isEqualTo(truth1);

      // the clock moves 5 hours; the second run catches up in batches of at most 30 requests' records
      api.setNow(T1.plus(Duration.ofHours(5)));
      o.put("max_requests_per_trigger", "30");
      StreamingQuery q = availableNow(o, tmp.resolve("out"), tmp.resolve("chk"));
      List<String> both = uuids(tmp.resolve("out"));
      Set<String> truth2 = truth(api, start, T1.plus(Duration.ofHours(5)).minus(Duration.ofMinutes(2)));
      assertThat(both).hasSize(truth2.size()).doesNotHaveDuplicates();
      assertThat(new HashSet<>(both)).isEqualTo(truth2);
      Set<String> added = new HashSet<>(both);
      added.removeAll(first);
      assertThat(added).isEqualTo(truth(api, T1.minus(Duration.ofMinutes(2)), T1.plus(Duration.ofHours(5)).minus(Duration.ofMinutes(2))));
      StreamingQueryProgress[] progress = q.recentProgress();
      long batches = java.util.Arrays.stream(progress).filter(p -> p.numInputRows() > 0).count();
      assertThat(batches).isGreaterThan(5);
      assertThat(progress).allSatisfy(p -> assertThat(p.numInputRows()).isLessThanOrEqualTo(30 * 20));
    }
  }
}
