package io.zentrunk.spark.bench;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrPage;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.PageParser;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.source.CdrSchema;
import io.zentrunk.spark.source.RowConverter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zentrunk.spark.bench.Figure.Target;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Scenario "decode": decoding only, no network. Pages recorded from the emulator are decoded (a) by
 * the connector's code ({@link PageParser} and {@link RowConverter}, exactly what the reader
 * runs per page) into InternalRows and (b) by Spark's JSON reader with the same schema from a
 * Dataset of the records' JSON, forced through the no-op sink, in one task. One thread each;
 * the median of {@link #RUNS} runs after {@link #WARMUP} warm-up runs.
 */
final class Decoding implements Scenario {

  static final int WARMUP = 3;
  static final int RUNS = 5;

  @Override
  public String name() {
    return "decode";
  }

  @Override
  public String title() {
    return "5. Decoding: connector (PageParser + RowConverter) vs Spark's JSON reader, one thread";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    int pages = ctx.quick ? 500 : 2_000;
    List<byte[]> bodies = new ArrayList<>(pages);
    List<String> records = new ArrayList<>(pages * 20);
    try (ZentrunkEmulator api = BenchContext.emulator(EmulatorConfig.builder().seed(5).callsPerDay(100_000).rateLimitOff())) {
      Instant to = BenchContext.NOW.minus(Duration.ofDays(2));
      Instant from = BenchContext.startFor(api, to, pages * 20L);
      CdrQuery q = new CdrQuery(ApiTime.toMicros(from), ApiTime.toMicros(to), Map.of());
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = api.baseUrl() + "/v1/Account/" + api.config().authId() + "/Zentrunk/Call/?";
      String auth = "Basic " + Base64.getEncoder().encodeToString(
          (api.config().authId() + ":" + api.config().authToken()).getBytes(StandardCharsets.UTF_8));
      ObjectMapper json = new ObjectMapper();
      for (int i = 0; i < pages; i++) {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + q.queryString(i * 20, 20)))
            .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        bodies.add(r.body());
        for (JsonNode rec : json.readTree(r.body()).get("objects")) {
          records.add(json.writeValueAsString(rec));
        }
      }
    }
    long rows = records.size();
    RowConverter converter = new RowConverter(CdrSchema.SCHEMA);
    boolean[] wanted = converter.wanted();
    long[] connector = new long[RUNS];
    long sink = 0;
    for (int run = -WARMUP; run < RUNS; run++) {
      long t0 = System.nanoTime();
      long n = 0;
      for (byte[] body : bodies) {
        CdrPage page = new PageParser(wanted).parse(body);
        for (Object[] rec : page.records()) {
          InternalRow row = converter.convert(rec);
          sink += row.getUTF8String(0).numBytes();
          n++;
        }
      }
      if (run >= 0) {
        connector[run] = System.nanoTime() - t0;
      }
      if (n != rows) {
        throw new IllegalStateException("connector decoded " + n + " rows of " + rows);
      }
    }
    // One task (coalesce(1)): Spark's reader on one core. FAILFAST: a record Spark could not
    // parse would otherwise become a row of nulls and flatter Spark.
    Dataset<String> lines = ctx.spark.createDataset(records, Encoders.STRING()).coalesce(1);
    Dataset<Row> df = ctx.spark.read().schema(CdrSchema.SCHEMA).option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
        .option("mode", "FAILFAST").json(lines);
    long[] spark = new long[RUNS];
    for (int run = -WARMUP; run < RUNS; run++) {
      long t = BenchContext.materialize(df);
      if (run >= 0) {
        spark[run] = t;
      }
    }
    // Spark's fixed cost of one such job (scheduling, one empty task into the noop sink)
    long[] empty = new long[RUNS];
    Dataset<Row> nothing = ctx.spark.read().schema(CdrSchema.SCHEMA).json(ctx.spark.createDataset(List.<String>of(), Encoders.STRING()).coalesce(1));
    for (int run = -WARMUP; run < RUNS; run++) {
      long t = BenchContext.materialize(nothing);
      if (run >= 0) {
        empty[run] = t;
      }
    }
    long nonNull = df.where("end_time is not null and total_amount is not null").count();
    if (nonNull != rows) {
      throw new IllegalStateException("Spark's reader decoded end_time/total_amount of " + nonNull + " rows of " + rows);
    }
    Arrays.sort(connector);
    Arrays.sort(spark);
    Arrays.sort(empty);
    double sparkNetRate = rows / (Math.max(1, spark[RUNS / 2] - empty[RUNS / 2]) / 1e9);
    double connectorRate = rows / (connector[RUNS / 2] / 1e9);
    double sparkRate = rows / (spark[RUNS / 2] / 1e9);
    ctx.out.printf("  %,d pages, %,d rows (checksum %d); median of %d: connector %.1f ms, Spark %.1f ms (an empty job %.1f ms)%n",
        pages, rows, sink % 1000, RUNS, connector[RUNS / 2] / 1e6, spark[RUNS / 2] / 1e6, empty[RUNS / 2] / 1e6);
    ctx.add(Figure.info("decode", "connector decode", connectorRate, "rows/s/core", "PageParser + RowConverter on byte[] pages"));
    ctx.add(Figure.info("decode", "Spark JSON reader", sparkRate, "rows/s/core",
        "json(Dataset<String>) one task, noop sink, Spark job overhead included"));
    ctx.add(Figure.info("decode", "Spark JSON reader, job overhead removed", sparkNetRate, "rows/s/core",
        "minus the median time of the same job over no rows"));
    ctx.add(new Figure("decode", "connector / Spark reader (overhead removed)", connectorRate / sparkNetRate, "x",
        Target.atLeast(1.0, Bench.DECODE_SLACK, ">= 1"), "same rows, same schema; gated on Spark's best case"));
  }
}
