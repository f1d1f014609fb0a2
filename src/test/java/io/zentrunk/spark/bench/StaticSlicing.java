package io.zentrunk.spark.bench;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.bench.Figure.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scenario "static": a whole UTC day (diurnal shape) read as N equal time slices, one partition each
 * (what JDBC's partitionColumn/numPartitions does: a union of N reads with a huge
 * {@code partition_records}), against the connector's count-based planner with the same N.
 * No rate limit, 100 ± 30 ms latency: partitions are latency-bound, so their size shows.
 * Partition durations are the tasks' executorRunTime from a SparkListener.
 */
final class StaticSlicing implements Scenario {

  static final Instant DAY = Instant.parse("2026-10-20T00:00:00Z"); // a Tuesday

  @Override
  public String name() {
    return "static";
  }

  @Override
  public String title() {
    return "4. Against static equal-time slicing (one UTC day, diurnal shape, latency 100 ms, no limit)";
  }

  /** Collects the executorRunTime of every task that ends. */
  static final class TaskTimes extends SparkListener {
    final ConcurrentLinkedQueue<Long> runMillis = new ConcurrentLinkedQueue<>();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        runMillis.add(end.taskMetrics().executorRunTime());
      }
    }

    List<Long> await(int expected) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (runMillis.size() < expected && System.nanoTime() < deadline) {
        LockSupport.parkNanos(10_000_000L);
      }
      List<Long> out = new ArrayList<>(runMillis);
      Collections.sort(out);
      return out;
    }
  }

  record Run(long wallNanos, List<Long> tasks) {
    double tail() {
      return tasks.get(tasks.size() - 1) / median(tasks);
    }
  }

  static double median(List<Long> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    long perDay = ctx.quick ? 20_000 : 60_000;
    Instant to = DAY.plus(Duration.ofDays(1));
    try (ZentrunkEmulator api = BenchContext.emulator(EmulatorConfig.builder().seed(11).callsPerDay(perDay)
        .rateLimitOff().latency(Duration.ofMillis(100), Duration.ofMillis(30)))) {
      long n = api.groundTruthCount(DAY, to);
      TaskTimes listener = new TaskTimes();
      ctx.spark.sparkContext().addSparkListener(listener);
      try {
        Map<String, String> o = BenchContext.options(api, DAY, to);
        o.put("request_budget", "1000000");
        o.put("partition_records", Long.toString((n + 7) / 8));
        long planned = BenchContext.materialize(ctx.read(o));
        Run p = new Run(planned, listener.await(1));
        int slices = p.tasks.size();
        // the listener may still see stragglers of the first job: wait for the bus, then clear
        LockSupport.parkNanos(200_000_000L);
        listener.runMillis.clear();
        Dataset<Row> union = null;
        long step = Duration.between(DAY, to).toMillis() / slices;
        for (int i = 0; i < slices; i++) {
          Instant a = DAY.plusMillis(step * i);
          Instant b = i == slices - 1 ? to : DAY.plusMillis(step * (i + 1));
          Map<String, String> s = BenchContext.options(api, a, b);
          s.put("request_budget", "1000000");
          s.put("partition_records", "100000000");
          Dataset<Row> df = ctx.read(s);
          union = union == null ? df : union.union(df);
        }
        long staticWall = BenchContext.materialize(union);
        Run st = new Run(staticWall, listener.await(slices));
        ctx.out.printf("  %,d CDRs in %d partitions; task run times (ms) planned %s, static %s%n", n, slices, p.tasks, st.tasks);
        ctx.add(Figure.info("static", "tail (slowest / median task), static slices", st.tail(), "",
            slices + " equal 1/" + slices + "-day slices"));
        ctx.add(new Figure("static", "tail (slowest / median task), planner", p.tail(), "",
            Target.atMost(st.tail(), st.tail() * Bench.TAIL_SLACK, String.format("<= static %.2f", st.tail())),
            slices + " count-planned partitions"));
        ctx.add(Figure.info("static", "total time, static slices", staticWall / 1e9, "s", "job wall time incl. planning"));
        ctx.add(Figure.info("static", "total time, planner", planned / 1e9, "s", "job wall time incl. planning"));
        ctx.add(Figure.info("static", "static total / planner total", staticWall / (double) planned, "x", "2 task slots"));
      } finally {
        ctx.spark.sparkContext().removeSparkListener(listener);
      }
    }
  }
}
