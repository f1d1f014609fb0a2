package io.zentrunk.spark.bench;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.emulator.EmulatorStats;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zentrunk.spark.bench.Figure.Target;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Scenario "naive": the loop a user writes with Plivo's SDKs: one request at a time, offset += 20
 * over the whole window, same account, data and latency as {@link RateCeiling}. It is
 * latency-bound (about 10 requests/s), far below the limit, so it is timed over the first
 * {@link #pages} pages of the window and its rate extrapolated: the loop's rate does not
 * depend on the offset.
 */
final class NaiveLoop implements Scenario {

  @Override
  public String name() {
    return "naive";
  }

  @Override
  public String title() {
    return "3. Against the naive sequential loop (offset += 20, java.net.http)";
  }

  static int pages(BenchContext ctx) {
    return ctx.quick ? 80 : 400;
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    Double connectorRate = ctx.measured.get("rate@300.rps");
    if (connectorRate == null) {
      connectorRate = RateCeiling.read(ctx, RateCeiling.LIMIT).rate();
    }
    double limitRate = RateCeiling.LIMIT / (double) RateCeiling.WINDOW.toSeconds();
    try (ZentrunkEmulator api = BenchContext.emulator(RateCeiling.account())) {
      Instant to = RateCeiling.END;
      Instant from = BenchContext.startFor(api, to, RateCeiling.records(ctx));
      long n = api.groundTruthCount(from, to);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = api.baseUrl() + "/v1/Account/" + api.config().authId() + "/Zentrunk/Call/?";
      String auth = "Basic " + Base64.getEncoder().encodeToString(
          (api.config().authId() + ":" + api.config().authToken()).getBytes(StandardCharsets.UTF_8));
      CdrQuery q = new CdrQuery(ApiTime.toMicros(from), ApiTime.toMicros(to), Map.of());
      ObjectMapper json = new ObjectMapper();
      api.resetStats();
      long rows = 0;
      int fetched = 0;
      long t0 = System.nanoTime();
      RequestTimeline timeline = new RequestTimeline(api);
      try {
        long total = Long.MAX_VALUE;
        for (int offset = 0; offset < total && fetched < pages(ctx); offset += 20) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + q.queryString(offset, 20)))
              .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            throw new IllegalStateException("naive loop got " + r.statusCode() + ": " + r.body());
          }
          JsonNode page = json.readTree(r.body());
          total = page.get("meta").get("total_count").asLong();
          rows += page.get("objects").size();
          fetched++;
        }
      } finally {
        timeline.close();
      }
      long wall = System.nanoTime() - t0;
      EmulatorStats s = api.stats();
      double naiveRate = (s.listRequests() - 1) / (timeline.spanNanos() / 1e9);
      double naiveWhole = BenchContext.pages(n) / naiveRate;
      double speedup = connectorRate / naiveRate;
      double needed = 0.9 * limitRate / naiveRate;
      ctx.out.printf("  naive loop: %d pages (%,d rows, %d 429s) in %.2f s: %.2f req/s; the whole %,d-CDR read would take %.0f s%n",
          fetched, rows, s.rateLimited(), wall / 1e9, naiveRate, n, naiveWhole);
      ctx.add(Figure.info("naive", "naive loop rate", naiveRate, "req/s", "server side, over " + fetched + " pages"));
      ctx.add(new Figure("naive", "speed-up of the connector", speedup, "x",
          Target.atLeast(needed, needed * Bench.RATE_SLACK, String.format(">= %.2f (0.9 x limit/naive)", needed)),
          String.format("connector %.1f req/s (scenario rate@300) / naive %.2f req/s", connectorRate, naiveRate)));
      ctx.measured.put("naive.rps", naiveRate);
    }
  }
}
