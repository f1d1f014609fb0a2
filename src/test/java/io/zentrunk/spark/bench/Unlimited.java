package io.zentrunk.spark.bench;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.EmulatorStats;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario "unlimited": no latency, no rate limit, a huge budget: what the connector does on this
 * machine when only CPU bounds it. The emulator runs in the same JVM and shares the 2 cores
 * (it generates and serializes every CDR), so this is a lower bound of the connector alone.
 * Heap: sampled every 10 ms during the read, after a System.gc(); peak minus the baseline
 * (local mode: the driver, the executor and the emulator share this heap).
 */
final class Unlimited implements Scenario {

  @Override
  public String name() {
    return "unlimited";
  }

  @Override
  public String title() {
    return "6. Without limits (no latency, no rate limit): rows/s and peak heap";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    long want = ctx.quick ? 200_000 : 1_000_000;
    try (ZentrunkEmulator api = BenchContext.emulator(EmulatorConfig.builder().seed(3).callsPerDay(1_000_000).rateLimitOff())) {
      Instant to = BenchContext.NOW.minus(Duration.ofDays(3));
      Instant from = BenchContext.startFor(api, to, want);
      long n = api.groundTruthCount(from, to);
      Map<String, String> o = BenchContext.options(api, from, to);
      o.put("request_budget", "1000000");
      MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
      System.gc();
      LockSupport.parkNanos(200_000_000L);
      long baseline = mem.getHeapMemoryUsage().getUsed();
      AtomicLong peak = new AtomicLong(baseline);
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
          LockSupport.parkNanos(10_000_000L);
          if (Thread.interrupted()) {
            return;
          }
        }
      }, "bench-heap-sampler");
      sampler.setDaemon(true);
      api.resetStats();
      sampler.start();
      long wall;
      try {
        wall = BenchContext.materialize(ctx.read(o));
      } finally {
        sampler.interrupt();
        sampler.join();
      }
      EmulatorStats s = api.stats();
      if (s.rowsServed() < n) {
        throw new IllegalStateException("served " + s.rowsServed() + " rows of " + n);
      }
      double rate = n / (wall / 1e9);
      ctx.out.printf("  %,d CDRs, %,d requests, %.2f s; heap baseline %,d MB, peak %,d MB (max %,d MB)%n", n, s.listRequests(),
          wall / 1e9, baseline >> 20, peak.get() >> 20, Runtime.getRuntime().maxMemory() >> 20);
      ctx.add(Figure.info("unlimited", "full read, " + String.format("%,d", n) + " CDRs", rate, "rows/s",
          "2 task slots, emulator in the same JVM"));
      ctx.add(Figure.info("unlimited", "peak heap above baseline", (peak.get() - baseline) / 1048576.0, "MB",
          "heap used incl. garbage not yet collected (G1 grows into -Xmx4g): an upper bound, not the live set"));
      ctx.add(Figure.info("unlimited", "requests / ceil(N/20)", s.listRequests() / (double) BenchContext.pages(n), "", ""));
    }
  }
}
