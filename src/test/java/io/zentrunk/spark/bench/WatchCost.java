package io.zentrunk.spark.bench;

import static org.apache.spark.sql.functions.col;

import io.zentrunk.spark.alerts.AlertRules;
import io.zentrunk.spark.alerts.WatchBatch;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.source.CdrColumns;
import io.zentrunk.spark.source.Cdrs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Scenario "watch": the watch job's figures in one run, its per-batch step ({@link WatchBatch}, as the job composes it)
 * over the source's stream at {@code --every '1 minute'} and {@code --lag '2 minutes'}, an account of 10,000 calls a
 * day (300 requests per 5 s, 100 ± 30 ms), the emulator's clock accelerated so that a trigger is an emulated minute:
 * the time to judge a 24-hour catch-up (the first batch, with the IRSF baseline's first read of 7 days), the requests
 * of a day's baseline once the days before are kept (one day read at midnight), the requests of a trigger in steady
 * state (by purpose: the baseline's outbound pages, the stream's), and the delay from a burst's first flagged minute
 * to its alert.
 */
final class WatchCost implements Scenario {

  /**
   * Emulated seconds per real second: a trigger of one emulated minute is 12 real seconds, about what a batch takes on
   * a loaded 2-core machine (at 20x a trigger is 3 real seconds, and batches of 10 s would each span 3 to 5 emulated
   * minutes).
   */
  static final double RATE = 5;
  static final Duration LAG = Duration.ofMinutes(2);
  /** The stream runs from NOW - 24 h; the clock starts at NOW (a midnight), the burst 10 minutes after. */
  static final Instant BURST = BenchContext.NOW.plus(Duration.ofMinutes(10));
  static final Duration RUN = Duration.ofMinutes(25);

  /** A stage the batch reached: the real and emulated clocks, the requests so far. */
  record Mark(String stage, long nanos, Instant emulated, long requests, int queries, long judged) {}

  @Override
  public String name() {
    return "watch";
  }

  @Override
  public String title() {
    return "14. Watch: a 24-hour catch-up judged, the IRSF baseline a day at a time, requests a day, detection delay";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    if (ctx.quick) {
      ctx.out.println("  (full runs only: the catch-up reads 7 days of an account's outbound CDRs and the clock runs 25 "
          + "emulated minutes)");
      return;
    }
    Path tmp = Files.createTempDirectory("zentrunk-bench-watch");
    try (ZentrunkEmulator api = BenchContext.emulator(RateCeiling.account().callsPerDay(10_000)
        .burst(BURST, 10, "CU", 100))) {
      Map<String, String> o = BenchContext.options(api, BenchContext.NOW.minus(Duration.ofDays(1)), BenchContext.NOW);
      o.remove("end");
      o.remove("now");
      o.put("lag", "2 minutes");
      Map<String, String> h = new HashMap<>(o);
      h.remove("start");
      h.remove("lag");
      WatchBatch.History history = (from, to) -> Cdrs.window(ctx.spark, h, from, to)
          .filter(col(CdrColumns.CALL_DIRECTION).equalTo("outbound"));
      List<Mark> marks = java.util.Collections.synchronizedList(new ArrayList<>());
      String alerts = tmp.resolve("alerts").toString();
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      java.util.concurrent.atomic.AtomicReference<WatchBatch> self = new java.util.concurrent.atomic.AtomicReference<>();
      WatchBatch batch = new WatchBatch(ctx.spark, tmp.resolve("chk").toString(), alerts, AlertRules.defaults(), history,
          null, Duration.ofMinutes(1), new PrintStream(console, true, StandardCharsets.UTF_8),
          s -> marks.add(new Mark(s, System.nanoTime(), api.now(), api.stats().listRequests(), api.listQueries().size(),
              self.get().stats().minutesJudged())));
      self.set(batch);
      api.resetStats();
      api.recordListQueries();
      long triggerMs = Math.round(60_000 / RATE);
      StreamingQuery q = ctx.spark.readStream().format("zentrunk").options(o).load().select(WatchBatch.columns())
          .writeStream().option("checkpointLocation", tmp.resolve("chk").toString())
          .trigger(Trigger.ProcessingTime(triggerMs)).foreachBatch(batch).start();
      Instant stopAt = BenchContext.NOW.plus(RUN);
      try {
        while (marks.stream().noneMatch(m -> m.stage().equals(WatchBatch.STAGE_BATCH_DONE))) {
          if (q.exception().isDefined()) {
            throw q.exception().get();
          }
          Thread.sleep(200);
        }
        int catchUpQueries = api.listQueries().size();
        api.runClock(RATE);
        while (api.now().isBefore(stopAt)) {
          if (q.exception().isDefined()) {
            throw q.exception().get();
          }
          Thread.sleep(500);
        }
        batch.stopBetweenBatches(() -> {
          try {
            q.stop();
          } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
          }
        });
        api.runClock(0);
        report(ctx, api, marks, catchUpQueries, alerts, triggerMs, q);
      } finally {
        if (q.isActive()) {
          q.stop();
        }
        api.runClock(0);
        ctx.out.println("  watch's own lines:");
        console.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("baseline") || l.contains("ALERT irsf")
            || l.contains("judged")).limit(8).forEach(l -> ctx.out.println("    " + l));
      }
    }
  }

  private static void report(BenchContext ctx, ZentrunkEmulator api, List<Mark> marks, int catchUpQueries, String alerts,
      long triggerMs, StreamingQuery q) {
    List<String> queries = api.listQueries();
    List<Mark> starts = marks.stream().filter(m -> m.stage().equals(WatchBatch.STAGE_BATCH)).toList();
    List<Mark> dones = marks.stream().filter(m -> m.stage().equals(WatchBatch.STAGE_BATCH_DONE)).toList();
    Mark first = starts.get(0);
    Mark firstDone = dones.get(0);
    Mark firstRead = marks.stream().filter(m -> m.stage().equals(WatchBatch.STAGE_BASELINE_READ)).findFirst().orElseThrow();
    long weekPages = outbound(queries.subList(0, catchUpQueries));
    long catchUpOther = catchUpQueries - weekPages;
    ctx.add(Figure.info("watch", "24-hour catch-up: seconds to judge it", (firstDone.nanos() - firstRead.nanos()) / 1e9, "s",
        String.format(Locale.ROOT, "%d minutes x 3 rules in one pass, after its reads; the whole first batch %.1f s "
            + "(its 24 hours read from the API and the baseline's first read: %.1f s)", firstDone.judged(),
            (firstDone.nanos() - first.nanos()) / 1e9,
            (firstRead.nanos() - first.nanos()) / 1e9)));
    ctx.add(Figure.info("watch", "first baseline (7 days, none kept): requests", weekPages, "",
        "the outbound pages of the 7 days before 2026-10-31 (the judged minutes' day), read in one go; the catch-up's own "
            + "reads and probes: " + catchUpOther));

    // after the clock started: the day's baseline at midnight, and the steady state
    List<String> after = queries.subList(catchUpQueries, queries.size());
    long dayPages = outbound(after);
    List<Mark> steady = dones.stream().filter(m -> !m.emulated().isBefore(BenchContext.NOW.plus(Duration.ofMinutes(5))))
        .toList();
    Mark s0 = steady.get(0);
    Mark s1 = steady.get(steady.size() - 1);
    int batches = steady.size() - 1;
    long steadyQueries = s1.queries() - s0.queries();
    long steadyOutbound = outbound(queries.subList(s0.queries(), s1.queries()));
    double emulatedMinutes = Duration.between(s0.emulated(), s1.emulated()).toMillis() / 60_000.0;
    List<String> steadyList = queries.subList(s0.queries(), s1.queries());
    long oneRecord = steadyList.stream().filter(x -> x.contains("limit=1&")).count();
    long pages = steadyList.size() - oneRecord - steadyOutbound;
    // the pages the batches' CDRs fill, 20 a page, one read a batch (the batches whose marks bound the interval)
    long rowPages = java.util.Arrays.stream(q.recentProgress())
        .filter(p -> p.batchId() > batchIndex(marks, s0) && p.batchId() <= batchIndex(marks, s1))
        .mapToLong(p -> (p.numInputRows() + 19) / 20).sum();
    double perTrigger = (steadyQueries - steadyOutbound) / (double) batches;
    double realPerBatch = (s1.nanos() - s0.nanos()) / 1e9 / batches;
    ctx.add(Figure.info("watch", "the day's baseline at midnight: requests", dayPages, "",
        "one day (2026-10-31) read, 6 kept under the checkpoint; a baseline read whole was " + weekPages
            + String.format(Locale.ROOT, " (%.2fx)", weekPages / (double) Math.max(1, dayPages))));
    ctx.add(Figure.info("watch", "steady state: requests a trigger", perTrigger, "",
        String.format(Locale.ROOT, "%d requests in %d batches over %.1f emulated minutes (a batch every %.2f real s for a "
            + "trigger of %.2f s%s): %d of one record (clock probes, re-counts), %d pages (the batches' CDRs fill %d), "
            + "%d the baseline's; judging every minute sends none", steadyQueries, batches, emulatedMinutes, realPerBatch,
            triggerMs / 1000.0, realPerBatch > triggerMs / 1000.0 * 1.2 ? ": the loaded machine did not keep up" : "",
            oneRecord, pages, rowPages, steadyOutbound)));
    double day = perTrigger * 1440;
    ctx.add(Figure.info("watch", "requests a day, 10,000 calls a day", day + dayPages, "",
        String.format(Locale.ROOT, "at one trigger an emulated minute: the stream %.0f + the day's baseline %d (baseline's share %.1f%%; read whole each day "
                + "it was %d, %.1f%% of %.0f); %.3f%% of the budget's %d a day", day, dayPages,
            100 * dayPages / (day + dayPages), weekPages, 100 * weekPages / (day + weekPages), day + weekPages,
            100 * (day + dayPages) / StreamCost.BUDGET_PER_DAY, StreamCost.BUDGET_PER_DAY)));

    // the delay: from the first minute the burst was flagged (the alert's window end) to the alert written
    List<Row> cu = ctx.spark.read().parquet(alerts).filter(col("kind").equalTo("irsf").and(col("destination").equalTo("CU"))
        .and(col("event").equalTo("trigger"))).orderBy(col("window_end")).select("window_end", "batch").collectAsList();
    if (cu.isEmpty()) {
      throw new IllegalStateException("the burst to CU at " + BURST + " raised no alert");
    }
    Instant flagged = BenchContext.instant(cu.get(0).get(0));
    long id = cu.get(0).getLong(1);
    Mark written = null;
    int batchNo = -1;
    for (Mark m : marks) {
      if (m.stage().equals(WatchBatch.STAGE_BATCH)) {
        batchNo++;
      } else if (batchNo == id && m.stage().equals(WatchBatch.STAGE_ALERTS_WRITTEN)) {
        written = m;
        break;
      }
    }
    if (written == null) {
      throw new IllegalStateException("no alerts-written stage in batch " + id);
    }
    double delay = Duration.between(flagged, written.emulated()).toMillis() / 1000.0;
    // a minute is in the stream's offset lag after it ends, waits for the next trigger (a minute, or the batch before it
    // when batches take longer) and is judged within one batch
    double batchEmulated = realPerBatch * RATE;
    double bound = LAG.toSeconds() + Math.max(60, batchEmulated) + batchEmulated;
    ctx.add(Figure.info("watch", "detection delay after the first flagged minute", delay, "emulated s",
        String.format(Locale.ROOT, "burst of 100 calls to CU from %s, first flagged at the minute %s, alert written at "
            + "%s (emulated); bound: lag 120 s + the wait for a trigger (60 s, or a batch when longer) + a batch (%.0f "
            + "emulated s) = %.0f s; %.0f s after the burst began", BURST, flagged, written.emulated(), batchEmulated, bound,
            Duration.between(BURST, written.emulated()).toMillis() / 1000.0)));
  }

  /** The batch id of a mark: the batches begun up to it, less one. */
  private static long batchIndex(List<Mark> marks, Mark m) {
    long n = 0;
    for (Mark x : marks) {
      if (x.stage().equals(WatchBatch.STAGE_BATCH)) {
        n++;
      }
      if (x == m) {
        break;
      }
    }
    return n - 1;
  }

  /** The requests that read the IRSF baseline: outbound only (the stream reads every direction). */
  private static long outbound(List<String> queries) {
    return queries.stream().filter(s -> s.contains("call_direction=outbound")).count();
  }
}
