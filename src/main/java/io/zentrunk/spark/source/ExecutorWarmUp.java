package io.zentrunk.spark.source;

import io.zentrunk.spark.budget.PermitClient;
import io.zentrunk.spark.client.PageParser;
import io.zentrunk.spark.client.ZentrunkClient;
import io.zentrunk.spark.window.SplittingReader;
import io.zentrunk.spark.window.WindowReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * Warms each executor of a cluster application as it registers, while the driver is still planning, so that the
 * first task of a read sends its first request without first paying the executor's cold start.
 *
 * <p>Why: on the 3-worker standalone cluster (the report's shape, one day of 20,000 calls and its baseline) the
 * budget idled 16-20 s between the driver's planning requests and the first page request of a task: each executor's
 * first task spent ~10 s before its first request (reading the task's broadcast, loading Spark SQL's and the
 * connector's classes, and Janino's first compilation of the generated code: "Code generated in 4036 ms" in the
 * executor's log, under load), after the driver's ~4.5 s of its own code generation and job submission. Those costs
 * belong to the JVM, not to the read: paid once per executor, by whatever runs there first.
 *
 * <p>How: a listener starts, for every executor added, a job of one task placed on that executor (its preferred
 * location is the executor itself, which Spark's scheduler honours first) that runs a small generated-code query
 * (a projection over a range, compiled by Janino on the executor as the read's is) and loads the connector's reader
 * classes. The task sends no request and writes nothing. It costs the executor what the read's first task would have
 * paid there anyway; if the read's task comes while it runs, it waits for a task that does its own start-up work.
 * Executors already registered when this is installed get one unplaced job of as many tasks.
 *
 * <p>The jobs (installed by the command-line jobs at their session's start) are off in local mode (the tasks run in the
 * driver's JVM) and with {@code spark.zentrunk.warmExecutors=false}. A warm-up that fails is logged and forgotten:
 * it never fails the application.
 */
public final class ExecutorWarmUp {

  static final String CONF = "spark.zentrunk.warmExecutors";
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorWarmUp.class);
  private static final Set<String> APPLICATIONS = new HashSet<>();
  /** The rows of the warm-up query: a few, the work is in compiling and loading, not in the rows. */
  private static final int ROWS = 64;

  private ExecutorWarmUp() {}

  /** Warms every executor the application gets from now on (and those it has); once per application. */
  public static void install(SparkSession spark) {
    SparkContext sc = spark.sparkContext();
    if (sc.isLocal() || !sc.getConf().getBoolean(CONF, true)) {
      return;
    }
    String app = sc.applicationId();
    synchronized (ExecutorWarmUp.class) {
      if (!APPLICATIONS.add(app)) {
        return;
      }
    }
    ExecutorService jobs = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "zentrunk-warm-executors");
      t.setDaemon(true);
      return t;
    });
    sc.addSparkListener(new SparkListener() {
      @Override
      public void onExecutorAdded(SparkListenerExecutorAdded e) {
        String id = e.executorId();
        String where = "executor_" + e.executorInfo().executorHost() + "_" + id;
        try {
          jobs.execute(() -> warm(spark, "executor " + id, List.of(List.of(where))));
        } catch (java.util.concurrent.RejectedExecutionException ended) {
          // the application is ending
        }
      }

      @Override
      public void onApplicationEnd(SparkListenerApplicationEnd end) {
        jobs.shutdownNow();
        synchronized (ExecutorWarmUp.class) {
          APPLICATIONS.remove(app);
        }
      }
    });
    // the driver is one of the status tracker's executors
    int registered = sc.statusTracker().getExecutorInfos().length - 1;
    if (registered > 0) {
      List<List<String>> anywhere = new ArrayList<>();
      for (int i = 0; i < registered; i++) {
        anywhere.add(List.of());
      }
      jobs.execute(() -> warm(spark, registered + " registered executors", anywhere));
    }
  }

  /** One job of one task per entry of {@code places} (each a task's preferred locations). */
  private static void warm(SparkSession spark, String what, List<List<String>> places) {
    long began = System.nanoTime();
    try {
      SparkContext sc = spark.sparkContext();
      if (sc.isStopped()) {
        return;
      }
      sc.setJobDescription("zentrunk: warm " + what + " (no request)");
      // a call site of its own: a stage's details are its call site, where listeners look for the source's reads
      sc.setLocalProperty("callSite.short", "executor warm-up");
      sc.setLocalProperty("callSite.long", "executor warm-up");
      int tasks = places.size();
      // Columns of the kinds a CDR read projects: strings, timestamps, decimals, integers, booleans.
      JavaRDD<InternalRow> query = spark.range(0, ROWS, 1, tasks).selectExpr("cast(id as string) AS s",
          "timestamp_micros(id * 1000003) AS t", "cast(id / 7 AS decimal(18,5)) AS m", "cast(id % 86400 AS int) AS d",
          "id % 3 = 0 AS b", "concat('+', cast(id as string)) AS n").queryExecution().toRdd().toJavaRDD();
      List<Tuple2<Integer, Seq<String>>> items = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        items.add(new Tuple2<>(i, CollectionConverters.asScala(places.get(i)).toList()));
      }
      RDD<Integer> placed = sc.makeRDD(CollectionConverters.asScala(items).toList(), ClassTag$.MODULE$.apply(Integer.class));
      long rows = query.zipPartitions(placed.toJavaRDD(), ExecutorWarmUp::warmTask).collect().stream()
          .mapToLong(Long::longValue).sum();
      LOG.info("Warmed {} in {} ms ({} rows of generated code, the reader's classes)", what,
          (System.nanoTime() - began) / 1_000_000, rows);
    } catch (RuntimeException | LinkageError e) {
      LOG.info("Warming {} did not complete ({}): the read's first task there starts cold", what, e.toString());
    }
  }

  /** On the executor: drains the generated-code query's rows and loads the reader's classes. */
  private static Iterator<Long> warmTask(Iterator<InternalRow> rows, Iterator<Integer> ignored) throws Exception {
    long n = 0;
    while (rows.hasNext()) {
      rows.next();
      n++;
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (Class<?> c : List.of(ZentrunkReaderFactory.class, ZentrunkReaderFactory.RowReader.class, RowConverter.class,
        MeteredReader.class, WindowReader.class, SplittingReader.class, ZentrunkClient.class, PageParser.class,
        PermitClient.class)) {
      Class.forName(c.getName(), true, loader == null ? ExecutorWarmUp.class.getClassLoader() : loader);
    }
    return List.of(n).iterator();
  }
}
