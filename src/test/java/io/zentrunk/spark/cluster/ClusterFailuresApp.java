package io.zentrunk.spark.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.zentrunk.spark.budget.PermitServer;
import io.zentrunk.spark.source.PermitServiceProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The driver of {@link ClusterFailuresIT}: one application on the standalone cluster that reads while the
 * test breaks something. It writes marker files for the test (never log text): {@code book}, the permit
 * service's book of leases every 50 ms ({@code at MILLIS}, {@code ended N}, {@code held CLIENT N},
 * {@code expired CLIENT N}), and what happened.
 *
 * <ul>
 *   <li>{@code stop-service}: reads into a Parquet write and stops the driver's permit service itself (a
 *       test hook) once the executors have reported {@code stopAfter} requests ended and two write tasks
 *       have committed; markers {@code stopped} ("millis ended committed-tasks files-under-target"),
 *       {@code failure-spark} (the message of the exception the write threw), {@code failure-line} (the first
 *       message of the project's own in its chain, as the jobs print it) and {@code tasks}.</li>
 *   <li>{@code kill-executor}: one read (count, distinct call_uuids, sum of amounts) while the test kills
 *       an executor; markers {@code read-start}, {@code read-end}, {@code result} and {@code expired}
 *       (the first expiry the book shows: "millis client permits").</li>
 * </ul>
 *
 * <p>Arguments: mode, master URL, API URL, application jar, markers folder, start, end, the emulator's now,
 * then {@code stop-service}: the Parquet target and stopAfter.
 */
public final class ClusterFailuresApp {

  /** How long an executor waits for an unreachable permit service here (60 s by default). */
  static final String UNREACHABLE = "5s";
  /** The read's request_timeout_ms in the kill test: the lease's time-to-live is then max(10 s, 2 s + 2 x 5 s). */
  static final int REQUEST_TIMEOUT_MS = 2_000;
  static final long LEASE_TTL_MS = Math.max(10_000, REQUEST_TIMEOUT_MS + 2 * 5_000);

  private static Path markers;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    markers = Files.createDirectories(Path.of(args[4]));
    SparkSession spark = SparkSession.builder().master(args[1]).appName("ClusterFailuresApp-" + mode)
        .config("spark.jars", args[3])
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.executor.memory", "768m")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.zentrunk.permits.unreachableTimeout", UNREACHABLE)
        .getOrCreate();
    Thread book = daemon(() -> watchBook(spark), "book");
    try {
      DataFrameReader read = spark.read().format("zentrunk").option("api_url", args[2]).option("now", args[7])
          .option("start", args[5]).option("end", args[6]);
      if (mode.equals("stop-service")) {
        stopService(spark, read.option("partition_records", "200"), Path.of(args[8]), Integer.parseInt(args[9]));
      } else {
        killExecutor(read.option("partition_records", "1000").option("request_timeout_ms", String.valueOf(REQUEST_TIMEOUT_MS)));
      }
    } finally {
      book.interrupt();
      spark.stop();
    }
  }

  static void stopService(SparkSession spark, DataFrameReader read, Path target, int stopAfter) {
    AtomicInteger committed = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        (end.taskInfo().successful() ? committed : failed).incrementAndGet();
      }
    });
    daemon(() -> {
      while (true) {
        PermitServer.Stats s = PermitServiceProbe.stats(spark);
        if (s != null && s.ended() >= stopAfter && committed.get() >= 2) {
          long files = files(target); // the output the committed (and running) tasks left so far
          PermitServiceProbe.stop(spark);
          mark("stopped", System.currentTimeMillis() + " " + s.ended() + " " + committed.get() + " " + files);
          return;
        }
        sleep(5);
      }
    }, "stopper");
    try {
      read.load().write().parquet(target.toUri().toString());
      mark("failure-spark", "none: the write succeeded");
    } catch (Exception e) {
      mark("failure-spark", String.valueOf(e.getMessage()));
      mark("failure-line", firstOwnMessage(e));
    }
    mark("tasks", System.currentTimeMillis() + " " + committed.get() + " " + failed.get());
  }

  static void killExecutor(DataFrameReader read) {
    mark("read-start", String.valueOf(System.currentTimeMillis()));
    Row r = read.load().agg(count(lit(1)), countDistinct(col("call_uuid")), sum(col("total_amount"))).first();
    mark("read-end", String.valueOf(System.currentTimeMillis()));
    BigDecimal amount = r.isNullAt(2) ? BigDecimal.ZERO : r.getDecimal(2);
    mark("result", r.getLong(0) + " " + r.getLong(1) + " " + amount.stripTrailingZeros().toPlainString());
  }

  /** The permit service's book, every 50 ms; the first expiry also as its own marker. */
  static void watchBook(SparkSession spark) {
    boolean expirySeen = false;
    while (!Thread.currentThread().isInterrupted()) {
      PermitServer.Stats s = PermitServiceProbe.stats(spark);
      if (s != null) {
        long now = System.currentTimeMillis();
        StringBuilder b = new StringBuilder("at " + now + "\nended " + s.ended() + "\n");
        s.heldByClient().forEach((c, n) -> b.append("held ").append(c).append(' ').append(n).append('\n'));
        s.expiredByClient().forEach((c, n) -> b.append("expired ").append(c).append(' ').append(n).append('\n'));
        mark("book", b.toString());
        if (!expirySeen && !s.expiredByClient().isEmpty()) {
          expirySeen = true;
          Map.Entry<String, Integer> e = s.expiredByClient().entrySet().iterator().next();
          mark("expired", now + " " + e.getKey() + " " + e.getValue());
        }
      }
      sleep(50);
    }
  }

  /** The first message of the project's own in the chain, first line only: what the jobs print on failure. */
  static String firstOwnMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().startsWith("io.zentrunk.spark.") && t.getMessage() != null) {
        return t.getMessage().lines().findFirst().orElse("");
      }
    }
    return "none of the project's own in: " + e;
  }

  /** Parquet files under {@code dir} now (walked again if a task moved one meanwhile). */
  static long files(Path dir) {
    for (int attempt = 0; ; attempt++) {
      if (!Files.exists(dir)) {
        return 0;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
      } catch (IOException | UncheckedIOException e) {
        if (attempt == 5) {
          return -1;
        }
      }
    }
  }

  /** Writes a marker whole (a temporary file moved into place): the test never reads half of one. */
  static synchronized void mark(String name, String content) {
    try {
      Path tmp = markers.resolve("." + name + ".tmp");
      Files.writeString(tmp, content);
      Files.move(tmp, markers.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
