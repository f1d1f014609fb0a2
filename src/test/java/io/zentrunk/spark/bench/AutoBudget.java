package io.zentrunk.spark.bench;

import io.zentrunk.spark.bench.Figure.Target;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.emulator.EmulatorStats;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario "auto": {@code request_budget=auto} against the account of {@link RateCeiling} (300 requests per 5 s; a
 * refused request uses none of it; latency 100 +- 30 ms), under each of the emulator's two limiters (Plivo does not
 * say which it uses): a sliding 5-s window, and fixed 5-s windows aligned to the clock. For each: a short read of
 * about 1,000 requests (20,000 CDRs, about 20 s: the first windows count) and a long one (72,000 CDRs) alone on the
 * account, then one read beside another client that sends 20 list requests a second (one every 50 ms, whatever
 * their answers, from 5 s before the read until it ends). Achieved rate = this read's admitted list requests / the
 * time from its first request to its last, both from the emulator's counters (the other client's requests are
 * counted by the other client and taken away). Skipped by {@code --quick}: the figures need minutes.
 */
final class AutoBudget implements Scenario {

  static final int OTHER_PER_SECOND = 20;

  @Override
  public String name() {
    return "auto";
  }

  @Override
  public String title() {
    return "request_budget=auto: rate and 429s alone on the account (300/5 s) and beside a client taking 20 req/s";
  }

  /** What one read measured: its requests, 429s and span, and the other client's. */
  record Run(long records, long requests, long throttled, long spanNanos, long otherSent, long otherThrottled,
      double finalLimit) {
    long admitted() {
      return requests - throttled;
    }

    double rate() {
      return spanNanos <= 0 ? Double.NaN : (admitted() - 1) / (spanNanos / 1e9);
    }
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    if (ctx.quick) {
      ctx.out.println("  skipped in quick mode: the figures need a minute of steady state (jobs/bench auto)");
      return;
    }
    double limitRate = RateCeiling.LIMIT / (double) RateCeiling.WINDOW.toSeconds();
    for (boolean fixed : new boolean[] {false, true}) {
      String kind = fixed ? "fixed" : "sliding";
      ctx.out.printf("  limiter: %s 5-s window%n", kind);
      report(ctx, "auto 1k alone/" + kind, read(ctx, 20_000, false, fixed), limitRate, "limit (300/5 s)", 0.005, 0.95);
      report(ctx, "auto alone/" + kind, read(ctx, 72_000, false, fixed), limitRate, "limit (300/5 s)", 0.005, 0.95);
      Run beside = read(ctx, 48_000, true, fixed);
      double left = limitRate - OTHER_PER_SECOND;
      report(ctx, "auto+other/" + kind, beside, left, "what is left (200/5 s)", 0.01, 0.90);
      double otherShare = beside.otherThrottled() / (double) Math.max(1, beside.otherSent());
      ctx.add(Figure.info("auto+other/" + kind, "other client's requests answered 429", otherShare, "",
          beside.otherThrottled() + " of " + beside.otherSent() + " (it does not retry: what the probing costs it)"));
    }
  }

  private static void report(BenchContext ctx, String sc, Run r, double rate, String of, double maxShare, double min) {
    ctx.out.printf("  %s: read %,d CDRs: %,d list requests (%,d answered 429) in %.2f s first-to-last; limit at the end "
        + "%.1f per 5 s; other client: %,d sent, %,d answered 429%n", sc, r.records(), r.requests(), r.throttled(),
        r.spanNanos() / 1e9, r.finalLimit(), r.otherSent(), r.otherThrottled());
    ctx.add(new Figure(sc, "achieved rate / " + of, r.rate() / rate, "", Target.atLeast(min, 0, ">= " + min),
        String.format("%.1f req/s admitted between first and last request (emulator), %d requests", r.rate(), r.admitted())));
    double share = r.throttled() / (double) r.requests();
    ctx.add(new Figure(sc, "share of requests answered 429", share, "", Target.atMost(maxShare, 0, "<= " + maxShare),
        r.throttled() + " of " + r.requests()));
    ctx.measured.put(sc + ".rps", r.rate());
    ctx.measured.put(sc + ".share429", share);
  }

  static Run read(BenchContext ctx, long records, boolean other, boolean fixedWindow) throws Exception {
    try (ZentrunkEmulator api = BenchContext.emulator(RateCeiling.account().fixedRateWindow(fixedWindow))) {
      Instant from = BenchContext.startFor(api, RateCeiling.END, records);
      long n = api.groundTruthCount(from, RateCeiling.END);
      Map<String, String> o = BenchContext.options(api, from, RateCeiling.END);
      o.put("request_budget", "auto");
      // a fresh account: no earlier read's adaptive budget in this JVM (the budget is shared per API host and account)
      AtomicLong otherSent = new AtomicLong();
      AtomicLong otherThrottled = new AtomicLong();
      ScheduledExecutorService otherClient = null;
      if (other) {
        otherClient = startOtherClient(api, otherSent, otherThrottled);
        Thread.sleep(5_000); // the account's window holds the other client's 100 requests before the read starts
      }
      api.resetStats();
      long otherBase = otherSent.get();
      long otherThrottledBase = otherThrottled.get();
      // this read's requests only: the emulator's list requests less those the other client has sent since
      RequestTimeline timeline = new RequestTimeline(() -> api.stats().listRequests() - (otherSent.get() - otherBase), 0);
      try {
        BenchContext.materialize(ctx.read(o));
      } finally {
        timeline.close();
        if (otherClient != null) {
          otherClient.shutdownNow();
          otherClient.awaitTermination(10, TimeUnit.SECONDS);
        }
      }
      EmulatorStats s = api.stats();
      long otherN = otherSent.get() - otherBase;
      long otherT = otherThrottled.get() - otherThrottledBase;
      double limit = io.zentrunk.spark.budget.RequestBudget.of(
          io.zentrunk.spark.budget.BudgetKey.of(api.baseUrl(), api.config().authId())).adaptive().limit();
      return new Run(n, s.listRequests() - otherN, s.rateLimited() - otherT, timeline.spanNanos(), otherN, otherT, limit);
    }
  }

  /** Another client of the account: one list request every 50 ms, sent without waiting for the answers. */
  private static ScheduledExecutorService startOtherClient(ZentrunkEmulator api, AtomicLong sent, AtomicLong throttled) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Instant to = BenchContext.NOW.minus(Duration.ofDays(30));
    CdrQuery q = new CdrQuery(ApiTime.toMicros(to.minus(Duration.ofHours(1))), ApiTime.toMicros(to), Map.of());
    URI uri = URI.create(api.baseUrl() + "/v1/Account/" + api.config().authId() + "/Zentrunk/Call/?" + q.queryString(0, 20));
    String auth = "Basic " + Base64.getEncoder().encodeToString(
        (api.config().authId() + ":" + api.config().authToken()).getBytes(StandardCharsets.UTF_8));
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-other-client");
      t.setDaemon(true);
      return t;
    });
    s.scheduleAtFixedRate(() -> {
      sent.incrementAndGet();
      http.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", auth).GET().build(),
          HttpResponse.BodyHandlers.discarding()).thenAccept(r -> {
            if (r.statusCode() == 429) {
              throttled.incrementAndGet();
            }
          });
    }, 0, 1000 / OTHER_PER_SECOND, TimeUnit.MILLISECONDS);
    return s;
  }
}
