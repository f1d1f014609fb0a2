package io.zentrunk.spark.source;

import io.zentrunk.spark.budget.PermitClient;
import io.zentrunk.spark.client.PageParser;
import io.zentrunk.spark.client.ZentrunkClient;
import io.zentrunk.spark.window.SplittingReader;
import io.zentrunk.spark.window.WindowReader;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.util.LongAccumulator;
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
 * <p>Why: an executor's first task pays the JVM's cold start before its first request (reading the task's
 * broadcast, loading Spark SQL's and the connector's classes, Janino's first compilation of the generated code:
 * seconds each under load), so the account's budget idles between the driver's planning requests and a task's
 * first page. Those costs belong to the JVM, not to the read: paid once per executor, by whatever runs there first.
 *
 * <p>How: a listener starts, for every executor added, a job of one task placed on that executor (its preferred
 * location is the executor itself, which Spark's scheduler honours first) that compiles the generated code of a CDR
 * row (Spark's code generator and Janino, as the read's first task would), builds the JVM's HTTP clients (of the API
 * and of the driver's permit service: the first one a JVM builds initialises the JDK's default TLS context, seconds
 * of a cold JVM under load, even for plain http) and loads the connector's reader classes. The driver plans no
 * query for it: a fresh driver's first query takes tens of seconds under load, and the read's tasks would wait
 * behind the warm-up. The task sends no request and writes nothing. It costs the executor what the read's first
 * task would have paid there anyway; if the read's task comes while it runs, it waits for a task that does its own
 * start-up work. Executors already registered when this is installed get one unplaced job each. What it gains on
 * the cluster report: docs/performance-history.md, "The cluster".
 *
 * <p>The jobs (installed by the command-line jobs at their session's start) are off in local mode (the tasks run in the
 * driver's JVM) and with {@code spark.zentrunk.warmExecutors=false}. A warm-up that fails is logged and forgotten:
 * it never fails the application.
 */
public final class ExecutorWarmUp {

  static final String CONF = "spark.zentrunk.warmExecutors";
  /** The warm-up task's accumulators (in the event log with each task): what it did on its executor. */
  public static final String ROW_CODE_BYTES = "zentrunk warm-up: bytes of a CDR row by its generated code";
  public static final String HTTP_CLIENTS = "zentrunk warm-up: HTTP clients built";
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorWarmUp.class);
  private static final Set<String> APPLICATIONS = new HashSet<>();

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
          jobs.execute(() -> warm(sc, "executor " + id, List.of(where)));
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
    // executors registered before the listener (the driver is one of the status tracker's): one unplaced job each
    int registered = sc.statusTracker().getExecutorInfos().length - 1;
    for (int i = 0; i < registered; i++) {
      jobs.execute(() -> warm(sc, "a registered executor", List.of()));
    }
  }

  /** One job of one task, placed at {@code where} (preferred locations; none: anywhere). */
  private static void warm(SparkContext sc, String what, List<String> where) {
    long began = System.nanoTime();
    try {
      if (sc.isStopped()) {
        return;
      }
      sc.setJobDescription("zentrunk: warm " + what + " (no request)");
      // a call site of its own: a stage's details are its call site, where listeners look for the source's reads
      sc.setLocalProperty("callSite.short", "executor warm-up");
      sc.setLocalProperty("callSite.long", "executor warm-up");
      List<Tuple2<Integer, Seq<String>>> one = List.of(new Tuple2<>(0, CollectionConverters.asScala(where).toList()));
      RDD<Integer> placed = sc.makeRDD(CollectionConverters.asScala(one).toList(), ClassTag$.MODULE$.apply(Integer.class));
      LongAccumulator rowBytes = sc.longAccumulator(ROW_CODE_BYTES);
      LongAccumulator clients = sc.longAccumulator(HTTP_CLIENTS);
      int bytes = placed.toJavaRDD().map(i -> warmTask(rowBytes, clients)).collect().get(0);
      LOG.info("Warmed {} in {} ms (the generated code of a CDR row: {} bytes; the reader's classes)", what,
          (System.nanoTime() - began) / 1_000_000, bytes);
    } catch (RuntimeException | LinkageError e) {
      LOG.info("Warming {} did not complete ({}): the read's first task there starts cold", what, e.toString());
    }
  }

  /**
   * On the executor: compiles the generated code of a row of the CDR schema, as the read's first task would (Spark's
   * code generator and Janino, whose first compilation takes seconds under load), builds the JVM's HTTP clients and
   * loads the reader's classes; says what it did in {@code rowBytes} and {@code clients} (the event log shows them).
   */
  static int warmTask(LongAccumulator rowBytes, LongAccumulator clients) throws Exception {
    UnsafeProjection toRow = UnsafeProjection.create(CdrSchema.SCHEMA);
    int bytes = toRow.apply(new GenericInternalRow(CdrSchema.SCHEMA.size())).getSizeInBytes();
    rowBytes.add(bytes);
    // the HTTP clients of the API and of the driver's permit service, and the JDK's TLS context their first build
    // initialises: 2-3 s of a cold JVM's first request under load, paid here, not in the read's first task
    clients.add(ZentrunkClient.warmUp());
    PermitClient.warmUp();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (Class<?> c : List.of(ZentrunkReaderFactory.class, ZentrunkReaderFactory.RowReader.class, RowConverter.class,
        MeteredReader.class, WindowReader.class, SplittingReader.class, ZentrunkClient.class, PageParser.class,
        PermitClient.class)) {
      Class.forName(c.getName(), true, loader == null ? ExecutorWarmUp.class.getClassLoader() : loader);
    }
    return bytes;
  }
}
