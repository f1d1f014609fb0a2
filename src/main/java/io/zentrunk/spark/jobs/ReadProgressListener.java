package io.zentrunk.spark.jobs;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * ProgressLines of a long read, every {@code periodSeconds}: CDRs read and API requests so far (the
 * source's own metrics of the finished partitions), partitions done, and an ETA from the pace
 * of the partitions done. Silent while nothing is being read.
 */
final class ReadProgressListener implements AutoCloseable {

  private final SparkSession spark;
  private final ProgressLines progress;
  private final SparkListener listener;
  private final ScheduledExecutorService timer;
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong tasksDone = new AtomicLong();
  private final AtomicLong tasksTotal = new AtomicLong();
  private final long began = System.nanoTime();
  private long lastRows = -1;
  private long lastDone = -1;

  ReadProgressListener(SparkSession spark, ProgressLines progress, int periodSeconds) {
    this.spark = spark;
    this.progress = progress;
    this.listener = new SparkListener() {
      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted s) {
        // the scan is the first stage of a job over the source: no parent stage
        if (s.stageInfo().parentIds().isEmpty() && s.stageInfo().details().contains("zentrunk")) {
          tasksTotal.addAndGet(s.stageInfo().numTasks());
        }
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        boolean ours = false;
        for (AccumulableInfo a : scala.jdk.javaapi.CollectionConverters.asJava(end.taskInfo().accumulables())) {
          String name = a.name().isDefined() ? a.name().get() : "";
          long v = a.update().isDefined() && a.update().get() instanceof Long l ? l : 0L;
          if (name.equals("CDRs read")) {
            rows.addAndGet(v);
            ours = true;
          } else if (name.equals("API requests")) {
            requests.addAndGet(v);
          }
        }
        if (ours && end.reason() instanceof org.apache.spark.Success$) {
          tasksDone.incrementAndGet();
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "zentrunk-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::report, periodSeconds, periodSeconds, TimeUnit.SECONDS);
  }

  private synchronized void report() {
    long r = rows.get();
    long done = tasksDone.get();
    int active = spark.sparkContext().statusTracker().getActiveStageIds().length;
    if (active == 0 || (r == lastRows && done == lastDone)) {
      return;
    }
    lastRows = r;
    lastDone = done;
    long total = Math.max(done, tasksTotal.get());
    String eta = "";
    if (done > 0 && total > done) {
      long elapsed = (System.nanoTime() - began) / 1_000_000_000L;
      long left = elapsed * (total - done) / done;
      eta = String.format(Locale.ROOT, ", about %d:%02d to go", left / 60, left % 60);
    }
    progress.line(String.format(Locale.ROOT, "read %,d CDRs with %,d API requests; %d of %s partitions done%s",
        r, requests.get(), done, total > 0 ? Long.toString(total) : "?", eta));
  }

  @Override
  public void close() {
    timer.shutdownNow();
    spark.sparkContext().removeSparkListener(listener);
  }
}
