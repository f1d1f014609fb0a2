package io.zentrunk.spark.source;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Run in a JVM of its own with a small heap (see ReliabilityIT): reads a window through the
 * source in local mode and prints {@code rows=N peakHeapMb=M maxHeapMb=X}. A reader that
 * buffered whole windows could not finish a million records in it.
 */
public final class HeapProbe {
  private HeapProbe() {}

  public static void main(String[] args) throws Exception {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    AtomicLong peak = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (running.get()) {
        peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    SparkSession spark = SparkSession.builder().master("local[2]").appName("HeapProbe")
        .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate();
    sampler.start();
    long began = System.nanoTime();
    Row r = spark.read().format("zentrunk")
        .options(Map.of("api_url", args[0], "auth_id", args[1], "auth_token", args[2], "start", args[3], "end", args[4],
            "now", args[5], "request_budget", "1000000"))
        .load().selectExpr("count(call_id)", "sum(bill_duration)").first();
    long ms = (System.nanoTime() - began) / 1_000_000;
    running.set(false);
    System.out.printf("rows=%d ms=%d peakHeapMb=%d maxHeapMb=%d%n", r.getLong(0), ms, peak.get() >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
    spark.stop();
  }
}
