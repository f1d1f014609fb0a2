package io.zentrunk.spark.bench;

import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.bench.Figure.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;

/** Scenario "count": requests that COUNT(*) over 90 days and LIMIT 20 cost, counted by the emulator. */
final class CountLimit implements Scenario {

  @Override
  public String name() {
    return "count";
  }

  @Override
  public String title() {
    return "7. COUNT(*) over 90 days and LIMIT 20: requests";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    try (ZentrunkEmulator api = BenchContext.emulator(RateCeiling.account().callsPerDay(10_000))) {
      Instant to = BenchContext.NOW;
      Instant from = to.minus(Duration.ofDays(90));
      api.resetStats();
      long count = ctx.read(BenchContext.options(api, from, to)).count();
      long countRequests = api.stats().listRequests();
      long truth = api.groundTruthCount(from, to);
      ctx.add(new Figure("count", "requests for COUNT(*) over 90 days", countRequests, "", Target.atMost(1, 0, "1"),
          count == truth ? "count " + count + " = ground truth" : "WRONG count " + count + " != " + truth));
      if (count != truth) {
        throw new IllegalStateException("COUNT(*) gave " + count + ", the emulator holds " + truth);
      }
      api.resetStats();
      List<Row> rows = ctx.read(BenchContext.options(api, from, to)).limit(20).collectAsList();
      long limitRequests = api.stats().listRequests();
      ctx.add(new Figure("count", "requests for LIMIT 20", limitRequests, "", Target.atMost(1, 0, "1"), rows.size() + " rows"));
    }
  }
}
