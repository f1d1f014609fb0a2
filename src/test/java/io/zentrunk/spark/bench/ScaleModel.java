package io.zentrunk.spark.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scenario "scale": a model, not a measurement. Time = pages x overhead / sustained rate, where the
 * sustained rate is min(budget rate x efficiency, task slots x concurrency / latency). The
 * efficiency and overhead come from scenario "rate" of this run (the sliding-window efficiency
 * of the default-budget read, which excludes the first free burst, i.e. what a long read
 * sustains); without that run they are assumed to be 1.
 */
final class ScaleModel implements Scenario {

  record Row(String job, long callsPerDay, long cdrs, double defaultSeconds, double raisedSeconds, double autoSeconds) {}

  final List<Row> rows = new ArrayList<>();

  @Override
  public String name() {
    return "scale";
  }

  @Override
  public String title() {
    return "8. Scale model: 90-day backfill and daily ingest at the default and a raised limit";
  }

  @Override
  public void run(BenchContext ctx) {
    Double eff = ctx.measured.get("rate@250.efficiency");
    Double ovh = ctx.measured.get("rate@250.overhead");
    // a job's duty (scenario duty: requests / budget / first-to-last span of the report job) is what a whole job
    // sustains, planning and gaps included: when measured, it replaces the read's efficiency
    Double duty = ctx.measured.containsKey("duty cluster.duty") ? ctx.measured.get("duty cluster.duty")
        : ctx.measured.get("duty local.duty");
    if (duty != null) {
      eff = duty;
      ovh = ovh == null ? 1.0 : ovh;
    }
    boolean assumed = eff == null || ovh == null;
    double efficiency = assumed ? 1.0 : Math.min(1.0, eff);
    double overhead = assumed ? 1.0 : ovh;
    // request_budget=auto alone on the account (scenario auto): its measured rate, requests/s
    Double autoRate = ctx.measured.get("auto alone/sliding.rps");
    double latency = 0.1;
    int concurrency = 8;
    // default: 300/5 s account limit, connector budget 250/5 s, the 2 task slots of this machine
    double defaultRate = Math.min(250 / 5.0 * efficiency, 2 * concurrency / latency);
    // raised: 3,000/5 s account limit, budget 2,500/5 s (the same 5/6 share), 8 task slots
    double raisedRate = Math.min(2_500 / 5.0 * efficiency, 8 * concurrency / latency);
    ctx.out.printf(Locale.ROOT, "  efficiency %.3f, overhead %.4f%s; sustained %.1f req/s (default), %.1f req/s (raised)%s%n",
        efficiency, overhead, assumed ? " (ASSUMED: scenarios rate and duty did not run)"
            : duty != null ? " (the report job's duty, scenario duty)" : " (measured by scenario rate)",
        defaultRate, raisedRate, autoRate == null ? "" : String.format(Locale.ROOT, ", %.1f req/s (auto, scenario auto)", autoRate));
    for (long perDay : new long[] {10_000, 100_000, 1_000_000}) {
      for (String job : new String[] {"90-day backfill", "daily ingest (1 day + 1 day lookback)"}) {
        long cdrs = perDay * (job.startsWith("90") ? 90 : 2);
        double requests = Math.ceil(cdrs / 20.0) * overhead;
        rows.add(new Row(job, perDay, cdrs, requests / defaultRate, requests / raisedRate,
            autoRate == null ? Double.NaN : requests / autoRate));
      }
    }
    for (Row r : rows) {
      ctx.out.printf(Locale.ROOT, "  %-38s %,10d calls/day %,13d CDRs   %12s   %12s   %12s%n", r.job, r.callsPerDay, r.cdrs,
          duration(r.defaultSeconds), duration(r.raisedSeconds), duration(r.autoSeconds));
    }
    ctx.measured.put("scale.efficiency", efficiency);
    ctx.measured.put("scale.fromDuty", duty == null ? 0.0 : 1.0);
    ctx.measured.put("scale.assumed", assumed ? 1.0 : 0.0);
    ctx.measured.put("scale.defaultRate", defaultRate);
    ctx.measured.put("scale.raisedRate", raisedRate);
  }

  static String duration(double s) {
    if (Double.isNaN(s)) {
      return "-";
    }
    if (s < 90) {
      return String.format(Locale.ROOT, "%.0f s", s);
    }
    if (s < 90 * 60) {
      return String.format(Locale.ROOT, "%.1f min", s / 60);
    }
    if (s < 48 * 3600) {
      return String.format(Locale.ROOT, "%.1f h", s / 3600);
    }
    return String.format(Locale.ROOT, "%.1f days", s / 86400);
  }
}
