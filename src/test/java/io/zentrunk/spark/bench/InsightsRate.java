package io.zentrunk.spark.bench;

import io.zentrunk.spark.bench.Figure.Target;
import io.zentrunk.spark.emulator.EmulatorStats;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.time.Instant;
import java.util.Map;

/**
 * Scenario insights: the call_insights table's read of N calls against the account of scenario rate (300 requests
 * per 5 s, 100 +- 30 ms latency) at request_budget 300: one Insights request per call plus the list pages, all under
 * the one budget. Prints the Insights requests per second (emulator side, first to last) against the budget, the
 * share of all admitted requests against it, and the requests per call.
 */
final class InsightsRate implements Scenario {

  @Override
  public String name() {
    return "insights";
  }

  @Override
  public String title() {
    return "Insights: one request per call under the budget (limit 300/5 s, latency 100 ms +- 30 ms)";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    long calls = ctx.quick ? 900 : 4_000;
    int budget = RateCeiling.LIMIT;
    try (ZentrunkEmulator api = BenchContext.emulator(RateCeiling.account())) {
      Instant from = BenchContext.startFor(api, RateCeiling.END, calls);
      long n = api.groundTruthCount(from, RateCeiling.END);
      Map<String, String> o = BenchContext.options(api, from, RateCeiling.END);
      o.put("table", "call_insights");
      o.put("request_budget", Integer.toString(budget));
      o.put("max_requests", Long.toString(n));
      api.resetStats();
      long wall;
      RequestTimeline insights = new RequestTimeline(() -> api.stats().insightsRequests(), 0);
      RequestTimeline all = new RequestTimeline(() -> api.stats().requests(), 0);
      try {
        wall = BenchContext.materialize(ctx.read(o));
      } finally {
        insights.close();
        all.close();
      }
      EmulatorStats s = api.stats();
      double budgetRate = budget / (double) RateCeiling.WINDOW.toSeconds();
      long admittedInsights = s.insightsRequests() - s.rateLimited();
      double insightRate = (s.insightsRequests() - 1) / (insights.spanNanos() / 1e9);
      double allRate = (s.requests() - s.rateLimited() - 1) / (all.spanNanos() / 1e9);
      ctx.out.printf("  Insights of %,d calls: %,d Insights requests + %,d list requests (%,d answered 429) in %.2f s "
          + "first-to-last request, %.2f s wall; peak %d requests per 5 s%n", n, s.insightsRequests(),
          s.listRequests(), s.rateLimited(), all.spanNanos() / 1e9, wall / 1e9, s.peakRequestsPer5s());
      String sc = "insights@" + budget;
      ctx.add(Figure.info(sc, "Insights requests per second", insightRate, "req/s",
          String.format("%d Insights requests between the first and the last (emulator); the budget is %.0f req/s",
              s.insightsRequests(), budgetRate)));
      ctx.add(Figure.info(sc, "Insights req/s / budget", insightRate / budgetRate, "",
          "the list pages take the rest of the budget"));
      ctx.add(new Figure(sc, "all admitted req/s / budget", allRate / budgetRate, "",
          Target.atLeast(0.95, 0.95 * Bench.RATE_SLACK, ">= 0.95"),
          String.format("%.1f req/s admitted (Insights and list pages) between the first and the last request", allRate)));
      ctx.add(new Figure(sc, "Insights requests / calls", s.insightsRequests() / (double) n, "",
          Target.atMost(1.0, 0, "= 1 (one per call, no retry)"), s.insightsRequests() + " for " + n + " calls"));
      ctx.add(new Figure(sc, "share of requests answered 429", s.rateLimited() / (double) s.requests(), "",
          Target.atMost(0.01, Bench.THROTTLE_SLACK, "<= 0.01"), s.rateLimited() + " of " + s.requests()));
      ctx.measured.put(sc + ".rps", insightRate);
      ctx.measured.put(sc + ".ratio", allRate / budgetRate);
      ctx.measured.put(sc + ".admitted", (double) admittedInsights);
    }
  }
}
