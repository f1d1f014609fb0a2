package io.zentrunk.spark.bench;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.EmulatorStats;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.bench.Figure.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Scenario "rate": one read of N CDRs against an account limited to 300 requests per 5 s
 * with 100 ± 30 ms latency, once with {@code request_budget} 300 (the whole limit) and once
 * with the default 250. Rates and counts come from the emulator.
 */
final class RateCeiling implements Scenario {

  static final int LIMIT = 300;
  static final Duration WINDOW = Duration.ofSeconds(5);
  static final Instant END = BenchContext.NOW.minus(Duration.ofDays(1));

  @Override
  public String name() {
    return "rate";
  }

  @Override
  public String title() {
    return "1+2. Rate ceiling and request overhead (limit 300/5 s, latency 100 ms +- 30 ms)";
  }

  static long records(BenchContext ctx) {
    return ctx.quick ? 8_000 : 40_000;
  }

  static EmulatorConfig.Builder account() {
    return EmulatorConfig.builder().seed(7).callsPerDay(100_000).rateLimit(LIMIT, WINDOW)
        .latency(Duration.ofMillis(100), Duration.ofMillis(30));
  }

  /** What one read measured. */
  record Run(long records, long listRequests, long throttled, long spanNanos, long wallNanos, int peak5s) {
    long admitted() {
      return listRequests - throttled;
    }

    /** Admitted requests per second between the first and the last request (server side). */
    double rate() {
      return spanNanos <= 0 ? Double.NaN : (admitted() - 1) / (spanNanos / 1e9);
    }
  }

  /** Reads N CDRs with the given budget from a fresh emulator; returns what the emulator saw. */
  static Run read(BenchContext ctx, int budget) throws InterruptedException {
    try (ZentrunkEmulator api = BenchContext.emulator(account())) {
      Instant from = BenchContext.startFor(api, END, records(ctx));
      long n = api.groundTruthCount(from, END);
      Map<String, String> o = BenchContext.options(api, from, END);
      o.put("request_budget", Integer.toString(budget));
      api.resetStats();
      long wall;
      RequestTimeline timeline = new RequestTimeline(api);
      try {
        wall = BenchContext.materialize(ctx.read(o));
      } finally {
        timeline.close();
      }
      EmulatorStats s = api.stats();
      return new Run(n, s.listRequests(), s.rateLimited(), timeline.spanNanos(), wall, s.peakRequestsPer5s());
    }
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    double limitRate = LIMIT / (double) WINDOW.toSeconds();
    for (int budget : new int[] {LIMIT, 250}) {
      Run r = read(ctx, budget);
      String sc = "rate@" + budget;
      double budgetRate = budget / (double) WINDOW.toSeconds();
      double ratio = r.rate() / budgetRate;
      // A sliding window admits `budget` requests at once, then `budget` per window: the
      // earliest the k-th request can go is floor(k / budget) windows after the first.
      double idealSpan = Math.floor((r.admitted() - 1) / (double) budget) * WINDOW.toNanos() / 1e9;
      double efficiency = idealSpan / (r.spanNanos() / 1e9);
      ctx.out.printf("  read %,d CDRs: %,d list requests (%,d answered 429) in %.2f s first-to-last request, "
          + "%.2f s wall; peak %d requests per 5 s%n", r.records(), r.listRequests(), r.throttled(),
          r.spanNanos() / 1e9, r.wallNanos() / 1e9, r.peak5s());
      ctx.add(new Figure(sc, "achieved rate / " + (budget == LIMIT ? "limit" : "budget") + " (" + budget + "/5 s)",
          ratio, "", Target.atLeast(0.95, 0.95 * Bench.RATE_SLACK, ">= 0.95"),
          String.format("%.1f req/s admitted between first and last request (emulator), %d requests", r.rate(), r.admitted())));
      ctx.add(Figure.info(sc, "efficiency vs ideal sliding-window schedule", efficiency, "",
          "ideal span floor((n-1)/budget) windows; excludes the free first burst, so it is what a long read sustains"));
      double share = r.throttled() / (double) r.listRequests();
      ctx.add(new Figure(sc, "share of requests answered 429", share, "",
          budget == LIMIT ? Target.atMost(0.01, Bench.THROTTLE_SLACK, "<= 0.01") : Target.atMost(0, Bench.THROTTLE_SLACK, "0"),
          r.throttled() + " of " + r.listRequests()));
      double overhead = r.listRequests() / (double) BenchContext.pages(r.records());
      ctx.add(new Figure(sc, "requests / ceil(N/20)", overhead, "", Target.atMost(1.01, 0, "<= 1.01"),
          r.listRequests() + " requests (planning and retries included) for " + r.records() + " CDRs"));
      ctx.add(Figure.info(sc, "read wall time", r.wallNanos() / 1e9, "s", "Spark job, planning included"));
      ctx.measured.put(sc + ".rps", r.rate());
      ctx.measured.put(sc + ".ratio", ratio);
      ctx.measured.put(sc + ".efficiency", efficiency);
      ctx.measured.put(sc + ".overhead", overhead);
      ctx.measured.put(sc + ".wall", r.wallNanos() / 1e9);
      ctx.measured.put("limit.rps", limitRate);
    }
  }
}
