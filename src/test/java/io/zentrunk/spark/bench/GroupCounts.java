package io.zentrunk.spark.bench;

import io.zentrunk.spark.client.ApiValues;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.bench.Figure.Target;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scenario "groups": answers from counts. On an account of 5,000 calls a day over 30 days (150,000
 * CDRs, 7,500 pages; 2 days with --quick), at the default limit (300 per 5 s, 100 ms latency):
 * GROUP BY hangup_cause_code, call_direction, the same by UTC day, and by day and code (calls
 * per day by cause), pushed (count probes)
 * against read (every row, grouped by Spark), with the requests and the wall time of each and
 * the results checked against the ground truth; GROUP BY to_date(end_time); the newest 100;
 * an IN of two codes. Then a scale model of the 90-day "calls per day by cause" query.
 */
final class GroupCounts implements Scenario {

  static final long PER_DAY = 5_000;

  @Override
  public String name() {
    return "groups";
  }

  @Override
  public String title() {
    return "9. GROUP BY counts, top-N and IN pushed to the API vs reading rows";
  }

  record Run(Map<List<Object>, Long> groups, long requests, double seconds) {}

  @Override
  public void run(BenchContext ctx) throws Exception {
    int days = ctx.quick ? 2 : 30;
    EmulatorConfig.Builder account = EmulatorConfig.builder().seed(12).callsPerDay(PER_DAY)
        .rateLimit(RateCeiling.LIMIT, RateCeiling.WINDOW).latency(Duration.ofMillis(100), Duration.ofMillis(30))
        // every filtered count over 30 days would otherwise regenerate its 150,000 calls (emulator CPU, not API time)
        .cachedCalls(200_000);
    try (ZentrunkEmulator api = BenchContext.emulator(account)) {
      Instant to = BenchContext.NOW.minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
      Instant from = to.minus(Duration.ofDays(days));
      // the ground truth, a day at a time (keeps the heap small)
      Map<List<Object>, Long> truthCodeDir = new HashMap<>();
      Map<List<Object>, Long> truthDayCode = new HashMap<>();
      Map<List<Object>, Long> truthDayCodeDir = new HashMap<>();
      Map<List<Object>, Long> truthDay = new HashMap<>();
      Map<Integer, Long> perCode = new HashMap<>();
      long total = 0;
      List<Instant> newest = new ArrayList<>();
      for (Instant d = from; d.isBefore(to); d = d.plus(Duration.ofDays(1))) {
        for (EmulatedCall c : api.groundTruth(d, d.plus(Duration.ofDays(1)))) {
          LocalDate day = LocalDate.ofInstant(c.endTime(), ZoneOffset.UTC);
          truthCodeDir.merge(List.of(c.hangupCauseCode(), c.callDirection()), 1L, Long::sum);
          truthDayCode.merge(List.of(day, c.hangupCauseCode()), 1L, Long::sum);
          truthDayCodeDir.merge(List.of(day, c.hangupCauseCode(), c.callDirection()), 1L, Long::sum);
          truthDay.merge(List.of(day), 1L, Long::sum);
          perCode.merge(c.hangupCauseCode(), 1L, Long::sum);
          total++;
        }
      }
      long pages = BenchContext.pages(total);
      ctx.out.printf(Locale.ROOT, "  %d days, %,d CDRs, %,d pages to read them%n", days, total, pages);

      String qCodeDir = "SELECT hangup_cause_code, call_direction, count(*) FROM calls GROUP BY 1, 2";
      String qDayCode = "SELECT to_date(end_time), hangup_cause_code, count(*) FROM calls GROUP BY 1, 2";
      String qDayCodeDir = "SELECT to_date(end_time), hangup_cause_code, call_direction, count(*) FROM calls GROUP BY 1, 2, 3";
      String qDay = "SELECT to_date(end_time), count(*) FROM calls GROUP BY 1";

      Run pushedCodeDir = run(ctx, api, from, to, true, qCodeDir);
      check(pushedCodeDir, truthCodeDir, "pushed GROUP BY code, direction");
      Run pushedDayCodeDir = run(ctx, api, from, to, true, qDayCodeDir);
      check(pushedDayCodeDir, truthDayCodeDir, "pushed GROUP BY day, code, direction");
      Run pushedDayCode = run(ctx, api, from, to, true, qDayCode);
      check(pushedDayCode, truthDayCode, "pushed GROUP BY day, code");
      Run pushedDay = run(ctx, api, from, to, true, qDay);
      check(pushedDay, truthDay, "pushed GROUP BY day");

      // The read path: every row once (pushdown_group_count off), both groupings from that one read.
      Map<String, String> o = BenchContext.options(api, from, to);
      o.put("pushdown_group_count", "false");
      ctx.read(o).select("end_time", "hangup_cause_code", "call_direction").createOrReplaceTempView("calls");
      Dataset<Row> rows = ctx.spark.table("calls").cache();
      api.resetStats();
      long t0 = System.nanoTime();
      long n = rows.count();
      double readSeconds = (System.nanoTime() - t0) / 1e9;
      long readRequests = api.stats().listRequests();
      rows.createOrReplaceTempView("calls");
      check(new Run(collect(ctx.spark.sql(qCodeDir)), 0, 0), truthCodeDir, "read GROUP BY code, direction");
      check(new Run(collect(ctx.spark.sql(qDayCodeDir)), 0, 0), truthDayCodeDir, "read GROUP BY day, code, direction");
      check(new Run(collect(ctx.spark.sql(qDayCode)), 0, 0), truthDayCode, "read GROUP BY day, code");
      rows.unpersist();
      if (n != total) {
        throw new IllegalStateException("read " + n + " rows, the emulator holds " + total);
      }

      String s = "groups";
      ctx.add(Figure.info(s, "read all rows: requests", readRequests, "", String.format(Locale.ROOT, "%.1f s, %,d CDRs", readSeconds, n)));
      figure(ctx, "GROUP BY code, direction", pushedCodeDir, readRequests, readSeconds);
      figure(ctx, "GROUP BY day, code, direction", pushedDayCodeDir, readRequests, readSeconds);
      figure(ctx, "GROUP BY day, code", pushedDayCode, readRequests, readSeconds);
      ctx.add(new Figure(s, "GROUP BY to_date(end_time): requests", pushedDay.requests, "",
          Target.atMost(1 + days, 0, "1 + 1 a day"), String.format(Locale.ROOT, "%.1f s, %d days = ground truth", pushedDay.seconds, days)));

      // top 100 newest
      ctx.read(BenchContext.options(api, from, to)).createOrReplaceTempView("calls");
      api.resetStats();
      List<Row> top = ctx.spark.sql("SELECT call_uuid, end_time FROM calls ORDER BY end_time DESC LIMIT 100").collectAsList();
      long topRequests = api.stats().listRequests();
      List<EmulatedCall> lastDay = api.groundTruth(to.minus(Duration.ofDays(1)), to);
      for (int i = 0; i < 100; i++) {
        newest.add(lastDay.get(i).endTime());
      }
      List<Instant> gotEnds = top.stream().map(r -> BenchContext.instant(r.get(1))).toList();
      if (!gotEnds.equals(newest)) {
        throw new IllegalStateException("top 100 end_times differ from the ground truth");
      }
      ctx.add(new Figure(s, "ORDER BY end_time DESC LIMIT 100: requests", topRequests, "", Target.atMost(5, 0, "5"),
          "end_times = ground truth"));

      // IN of two codes: about their pages
      api.resetStats();
      long inRows = ctx.spark.sql("SELECT call_uuid FROM calls WHERE hangup_cause_code IN (4410, 4550)").collectAsList().size();
      long inRequests = api.stats().listRequests();
      long want = perCode.getOrDefault(4410, 0L) + perCode.getOrDefault(4550, 0L);
      if (inRows != want) {
        throw new IllegalStateException("IN read " + inRows + " rows, the emulator holds " + want);
      }
      long codePages = BenchContext.pages(perCode.getOrDefault(4410, 0L)) + BenchContext.pages(perCode.getOrDefault(4550, 0L));
      ctx.add(new Figure(s, "IN (4410, 4550): requests / their pages", (double) inRequests / codePages, "ratio",
          // each value's query: the planner's probe (page 0), then its pages
          Target.atMost((codePages + 2.0) / codePages, 0, "(pages + 1 a value) / pages"), String.format(Locale.ROOT, "%d requests, %d pages, %,d CDRs of %,d", inRequests,
              codePages, inRows, total)));

      scaleModel(ctx, pushedDayCode, days, readRequests, readSeconds);
    }
  }

  private static void figure(BenchContext ctx, String what, Run pushed, long readRequests, double readSeconds) {
    ctx.add(Figure.info("groups", what + ": requests pushed", pushed.requests, "",
        String.format(Locale.ROOT, "%.1f s, %d groups = ground truth", pushed.seconds, pushed.groups.size())));
    ctx.add(new Figure("groups", what + ": requests pushed / read", (double) pushed.requests / readRequests, "ratio",
        Target.atMost(0.5, 0, "< 0.5"), String.format(Locale.ROOT, "wall %.1f s / %.1f s", pushed.seconds, readSeconds)));
  }

  private static Run run(BenchContext ctx, ZentrunkEmulator api, Instant from, Instant to, boolean push, String sql) {
    Map<String, String> o = BenchContext.options(api, from, to);
    o.put("pushdown_group_count", Boolean.toString(push));
    ctx.read(o).createOrReplaceTempView("calls");
    Dataset<Row> df = ctx.spark.sql(sql);
    api.resetStats();
    long t0 = System.nanoTime();
    Map<List<Object>, Long> groups = collect(df);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long requests = api.stats().listRequests();
    String plan = df.queryExecution().executedPlan().toString();
    int at = plan.indexOf("Path: ");
    ctx.out.println("  " + sql + "\n    " + (at < 0 ? "(not pushed)" : plan.substring(at, plan.indexOf(']', at))));
    return new Run(groups, requests, seconds);
  }

  static Map<List<Object>, Long> collect(Dataset<Row> df) {
    Map<List<Object>, Long> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      List<Object> k = new ArrayList<>();
      for (int i = 0; i < r.size() - 1; i++) {
        Object v = r.get(i);
        k.add(v instanceof java.sql.Date d ? d.toLocalDate() : v);
      }
      out.put(k, r.getLong(r.size() - 1));
    }
    return out;
  }

  private static void check(Run r, Map<List<Object>, Long> truth, String what) {
    if (!r.groups.equals(truth)) {
      throw new IllegalStateException(what + ": " + r.groups.size() + " groups differ from the ground truth's " + truth.size());
    }
  }

  /**
   * The 90-day "calls per day by cause" query (GROUP BY to_date(end_time), hangup_cause_code)
   * at 10k, 100k and 1M calls a day. Read: every page. Pushed: 1 + 90 day probes + 90 x 79
   * code probes (a day of 10k calls or more has 500+ pages, more than the 79 codes, so every
   * day is split; codes are the last level, so no further probes) - the formula the measured
   * run above checks. Times at the request rates this run measured (pushed: probes/s of the
   * pushed day-by-code query; read: pages/s of the read).
   */
  private static void scaleModel(BenchContext ctx, Run pushedDayCode, int days, long readRequests, double readSeconds) {
    long codes = ApiValues.HANGUP_CODES.size();
    long formula = 1 + days + (long) days * codes;
    ctx.add(new Figure("groups", "day x code probes vs 1 + days x (1 + codes)", pushedDayCode.requests, "",
        Target.atMost(formula, 0, Long.toString(formula)), "the scale model's formula"));
    double probeRate = pushedDayCode.requests / pushedDayCode.seconds;
    double readRate = readRequests / readSeconds;
    ctx.out.printf(Locale.ROOT, "  scale model, 90 days, GROUP BY to_date(end_time), hangup_cause_code (rates measured here: "
        + "probes %.1f req/s, read %.1f req/s)%n", probeRate, readRate);
    ctx.out.printf(Locale.ROOT, "  %14s %14s %12s %14s %12s %8s%n", "calls/day", "read requests", "read time", "pushed requests",
        "pushed time", "ratio");
    long pushed = 1 + 90 + 90 * codes;
    for (long perDay : new long[] {10_000, 100_000, 1_000_000}) {
      long read = (perDay * 90 + 19) / 20;
      ctx.out.printf(Locale.ROOT, "  %,14d %,14d %12s %,14d %12s %8.4f%n", perDay, read, ScaleModel.duration(read / readRate),
          pushed, ScaleModel.duration(pushed / probeRate), (double) pushed / read);
      ctx.measured.put("groups.scale." + perDay + ".read", (double) read);
      ctx.measured.put("groups.scale." + perDay + ".pushed", (double) pushed);
    }
  }
}
