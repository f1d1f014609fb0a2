package io.zentrunk.spark.bench;

import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Scenario "stream": what the stream costs, counted by the emulator: requests per CDR when a stream catches up on a day
 * (against a batch read of the same day) and in steady state, one trigger an emulated minute at 10,000 calls a day,
 * its requests a day and their share of the account's budget (300 requests per 5 s).
 */
final class StreamCost implements Scenario {

  static final long BUDGET_PER_DAY = 300L * 86_400 / 5;

  @Override
  public String name() {
    return "stream";
  }

  @Override
  public String title() {
    return "9. Stream: requests per CDR (catch-up vs batch) and the steady-state share of the budget";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    Path tmp = Files.createTempDirectory("zentrunk-bench-stream");
    try (ZentrunkEmulator api = BenchContext.emulator(RateCeiling.account().callsPerDay(10_000))) {
      Instant now = BenchContext.NOW;
      Instant from = now.minus(Duration.ofDays(1));
      Instant upTo = now.minus(Duration.ofMinutes(10)); // the stream's default lag
      api.resetStats();
      BenchContext.materialize(ctx.read(BenchContext.options(api, from, upTo)));
      long batchRows = api.groundTruthCount(from, upTo);
      long batchRequests = api.stats().listRequests();
      api.resetStats();
      Map<String, String> o = BenchContext.options(api, from, upTo);
      o.remove("end");
      o.remove("now");
      o.put("lag", "10 minutes");
      StreamingQuery catchUp = ctx.spark.readStream().format("zentrunk").options(o).load().writeStream().format("noop")
          .option("checkpointLocation", tmp.resolve("chk").toString()).trigger(Trigger.AvailableNow()).start();
      catchUp.awaitTermination();
      long streamRows = java.util.Arrays.stream(catchUp.recentProgress()).mapToLong(p -> p.numInputRows()).sum();
      long streamRequests = api.stats().listRequests();
      ctx.add(Figure.info("stream", "batch read of a day: requests per CDR", batchRequests / (double) batchRows, "",
          batchRequests + " requests, " + batchRows + " CDRs"));
      ctx.add(Figure.info("stream", "stream catching up a day: requests per CDR", streamRequests / (double) streamRows, "",
          streamRequests + " requests (" + (streamRequests - batchRequests) + " probes more), " + streamRows + " CDRs"));
      if (streamRows != batchRows) {
        throw new IllegalStateException("the stream read " + streamRows + " CDRs, the batch read " + batchRows);
      }

      if (ctx.quick) {
        return; // the steady state takes an emulated hour and a quarter (85 s): full runs only
      }
      // steady state: the clock runs an emulated minute a second, the query triggers every second; after an emulated
      // hour and a quarter every trigger also counts again the window of an hour before (late arrivals)
      int settle = 70;
      int measure = 30;
      api.runClock(60);
      StreamingQuery q = ctx.spark.readStream().format("zentrunk").options(o).load().writeStream().format("noop")
          .option("checkpointLocation", tmp.resolve("chk").toString()).trigger(Trigger.ProcessingTime("1 second")).start();
      Thread.sleep(settle * 1000L);
      api.recordListQueries();
      long r0 = api.stats().listRequests();
      long b0 = q.lastProgress() == null ? 0 : q.lastProgress().batchId();
      long rows0 = rows(q);
      Thread.sleep(measure * 1000L);
      long r1 = api.stats().listRequests();
      long b1 = q.lastProgress().batchId();
      long rows1 = rows(q);
      // by purpose: one-record requests are the clock probes and the late-arrival re-counts, pages plan and read batches
      java.util.List<String> asked = api.listQueries();
      long oneRecord = asked.stream().filter(s -> s.contains("limit=1&")).count();
      q.stop();
      api.runClock(0);
      double perTrigger = (r1 - r0) / (double) (b1 - b0);
      double minutesPerTrigger = measure / (double) (b1 - b0);
      double perDay = perTrigger * 1440;
      ctx.add(Figure.info("stream", "steady state: requests per trigger", perTrigger, "",
          (r1 - r0) + " requests in " + (b1 - b0) + " triggers of about " + String.format(java.util.Locale.ROOT, "%.2f", minutesPerTrigger)
              + " emulated minutes, " + (rows1 - rows0) + " CDRs; " + oneRecord + " of one record (clock probes, re-counts), "
              + (asked.size() - oneRecord) + " pages (planning, reading)"));
      ctx.add(Figure.info("stream", "steady state, 1 trigger a minute: requests a day", perDay, "",
          "10,000 calls a day; " + String.format(java.util.Locale.ROOT, "%.3f%%", 100 * perDay / BUDGET_PER_DAY)
              + " of the budget's " + BUDGET_PER_DAY + " a day"));
    }
  }

  /** The rows of the recent progress reports (a ring of 100), summed. */
  private static long rows(StreamingQuery q) {
    return java.util.Arrays.stream(q.recentProgress()).mapToLong(p -> p.numInputRows()).sum();
  }
}
