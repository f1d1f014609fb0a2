package io.zentrunk.spark.bench;

import io.zentrunk.spark.bench.Figure.Target;
import io.zentrunk.spark.client.UtcDays;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.CdrLake;
import io.zentrunk.spark.lake.IngestJob;
import io.zentrunk.spark.lake.LakeFormat;
import io.zentrunk.spark.lake.Provenance;
import io.zentrunk.spark.source.Cdrs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario "ingest": what a daily ingest costs. An Iceberg lake of 10,000 calls a day (1,000 with --quick) loaded up to
 * a day, then the next day's run at 02:00 with {@code --lookback-days 3}, once with {@code --verify-days counts}
 * (the default: one count per lookback day, pages of the new CDRs only) and once with {@code full} (every
 * lookback day read again), requests counted by the emulator and split into one-record requests (the lookback
 * counts and the planner's probes) and pages. Target: the pages of the counts run within 1.05 x ceil(new / 20).
 * Then requests a day for 10,000 / 100,000 / 1,000,000 calls a day from the measured ratio.
 */
final class DailyIngest implements Scenario {

  static final int LOOKBACK = 3;
  static final Duration RUN_AT = Duration.ofHours(2);

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String title() {
    return "12. Daily ingest: requests against the new day's pages (lookback 3, counts vs full)";
  }

  /** @param read the CDRs the run read (the new ones, and the lookback days it read again) */
  record Sent(long pages, long oneRecord, long newCdrs, long read) {
    long requests() {
      return pages + oneRecord;
    }
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    long perDay = ctx.quick ? 1_000 : 10_000;
    LocalDate first = UtcDays.day(BenchContext.NOW).minusDays(6);
    Sent counts = measure(ctx, perDay, first, IngestJob.VerifyDays.COUNTS);
    Sent full = measure(ctx, perDay, first, IngestJob.VerifyDays.FULL);
    long pagesOfNew = (counts.newCdrs() + 19) / 20;
    double ratio = counts.pages() / (double) pagesOfNew;
    ctx.measured.put("ingest.pageRatio", ratio);
    ctx.add(new Figure(name(), "counts: pages / ceil(new CDRs / 20)", ratio, "x", Target.atMost(1.05, 0,
        "<= 1.05"), counts.pages() + " pages for " + counts.newCdrs() + " new CDRs (" + pagesOfNew + " pages)"));
    ctx.add(Figure.info(name(), "counts: one-record requests", counts.oneRecord(), "",
        LOOKBACK + " lookback-day counts + " + (counts.oneRecord() - LOOKBACK) + " planner probes"));
    ctx.add(Figure.info(name(), "counts: requests of the run", counts.requests(), "", perDay + " calls a day"));
    ctx.add(Figure.info(name(), "full: requests of the run", full.requests(), "",
        full.pages() + " pages, " + full.oneRecord() + " one-record; " + String.format(Locale.ROOT, "%.2f",
            full.requests() / (double) counts.requests()) + " x the counts run"));
    // a day's run at 02:00 reads the new day and 2 hours of today (read again the next day)
    double newShare = 1 + RUN_AT.toMinutes() / 1440.0;
    long probes = counts.oneRecord();
    for (long n : List.of(10_000L, 100_000L, 1_000_000L)) {
      double c = ratio * Math.ceil(n * newShare / 20) + probes;
      double f = full.pages() / (double) ((full.read() + 19) / 20) * Math.ceil(n * (newShare + LOOKBACK) / 20)
          + full.oneRecord();
      ctx.add(Figure.info(name(), String.format(Locale.ROOT, "requests a day at %,d calls/day", n), c, "",
          String.format(Locale.ROOT, "counts; full: %,.0f", f)));
    }
  }

  private Sent measure(BenchContext ctx, long perDay, LocalDate first, IngestJob.VerifyDays verify) throws Exception {
    Path lake = Files.createTempDirectory("zentrunk-bench-ingest");
    LocalDate day = first.plusDays(4);
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(21).callsPerDay(perDay)
        .lateArrival(0.3, 10).rateLimitOff().now(UtcDays.start(day).plus(RUN_AT)).build())) {
      Provenance source = new Provenance(api.config().authId(), Provenance.host(api.baseUrl()));
      IngestJob.Args args = IngestJob.Args.lake(lake.resolve("lake").toString(), LakeFormat.ICEBERG, null, null, source)
          .withLookback(LOOKBACK, false).withVerifyDays(verify);
      run(ctx, api, new IngestJob.Args(args.lake(), null, LakeFormat.ICEBERG, UtcDays.start(first), null, LOOKBACK,
          false, IngestJob.DEFAULT_KEEP_SNAPSHOTS_DAYS, source, false, verify));
      api.setNow(UtcDays.start(day.plusDays(1)).plus(RUN_AT));
      api.recordListQueries();
      CdrLake.Result r = run(ctx, api, args);
      List<String> q = api.listQueries();
      long oneRecord = q.stream().filter(s -> s.contains("limit=1&")).count();
      long newCdrs = api.groundTruthCount(UtcDays.start(day), api.now());
      ctx.out.printf(Locale.ROOT, "  %s: %,d CDRs loaded in %d days; %,d requests (%,d pages, %,d of one record)%n",
          verify, r.records(), r.recordsByDay().size(), q.size(), q.size() - oneRecord, oneRecord);
      return new Sent(q.size() - oneRecord, oneRecord, newCdrs, r.records());
    } finally {
      io.zentrunk.spark.testing.TestFiles.deleteRecursively(lake);
    }
  }

  private static CdrLake.Result run(BenchContext ctx, ZentrunkEmulator api, IngestJob.Args args) {
    Map<String, String> o = BenchContext.options(api, UtcDays.start(UtcDays.day(api.now())), api.now());
    o.remove("start");
    o.remove("end");
    o.put("request_budget", "1000000");
    return IngestJob.run(ctx.spark, args, api.now(), (f, t) -> Cdrs.window(ctx.spark, o, f, t), line -> {});
  }
}
