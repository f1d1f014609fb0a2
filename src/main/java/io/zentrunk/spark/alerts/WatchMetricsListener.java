package io.zentrunk.spark.alerts;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2ScanExecBase;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.util.QueryExecutionListener;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Feeds {@link WatchMetrics} from what Spark already reports, so the figures cost no request and need no change to
 * the source: every query the session runs (the stream's batch, the IRSF baseline's read) reports the source's
 * {@code requests}, {@code planningRequests} and {@code throttled} metrics on its scan nodes (summed from the
 * executors by Spark's accumulators), and each stream progress carries the source's own figures (the offset's
 * distance to the API's clock, late CDRs, the clock probes' requests) and the trigger's duration.
 */
public final class WatchMetricsListener extends StreamingQueryListener implements QueryExecutionListener {

  private final WatchMetrics metrics;
  /** The last value counted of each scan metric (by its accumulator id): a plan run twice is counted once. */
  private final Map<Long, Long> counted = new ConcurrentHashMap<>();
  private long lastProbeRequests;
  private long lastProbeThrottled;

  public WatchMetricsListener(WatchMetrics metrics) {
    this.metrics = metrics;
  }

  // ---- every query of the session: the source's requests and 429s --------------------------------------------

  @Override
  public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
    count(qe);
  }

  @Override
  public void onFailure(String funcName, QueryExecution qe, Exception exception) {
    count(qe); // a failed read sent its requests too
  }

  private void count(QueryExecution qe) {
    long requests = 0;
    long throttled = 0;
    for (DataSourceV2ScanExecBase scan : zentrunkScans(qe.executedPlan())) {
      requests += delta(scan, "requests") + delta(scan, "planningRequests");
      throttled += delta(scan, "throttled");
    }
    metrics.requests(requests, throttled);
  }

  private long delta(DataSourceV2ScanExecBase scan, String name) {
    scala.Option<SQLMetric> m = scan.metrics().get(name);
    if (m.isEmpty()) {
      return 0;
    }
    long now = m.get().value();
    Long before = counted.put(m.get().id(), now);
    return now - (before == null ? 0 : before);
  }

  /** The scans of this project's source anywhere in a plan: inside commands, adaptive plans, stages, subqueries. */
  static Set<DataSourceV2ScanExecBase> zentrunkScans(SparkPlan root) {
    Set<DataSourceV2ScanExecBase> found = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Object o = todo.pop();
      if (!(o instanceof SparkPlan p) || !seen.add(p)) {
        continue;
      }
      if (p instanceof DataSourceV2ScanExecBase s && ours(s.scan())) {
        found.add(s);
      }
      if (p instanceof AdaptiveSparkPlanExec a) {
        todo.push(a.executedPlan());
      }
      if (p instanceof QueryStageExec q) {
        todo.push(q.plan());
      }
      CollectionConverters.asJava(p.children()).forEach(todo::push);
      CollectionConverters.asJava(p.innerChildren()).forEach(todo::push);
      CollectionConverters.asJava(p.subqueries()).forEach(todo::push);
    }
    return found;
  }

  private static boolean ours(Scan scan) {
    return scan != null && scan.getClass().getName().startsWith("io.zentrunk.spark.source.");
  }

  // ---- the stream's progress: the source's own figures and the trigger's duration ----------------------------

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    for (SourceProgress s : p.sources()) {
      Map<String, String> m = s.metrics();
      if (m == null) {
        continue;
      }
      sourceFigures(m);
    }
    Long took = p.durationMs().get("triggerExecution");
    if (took != null) {
      metrics.batchDone(took);
    }
  }

  /** A source's figures from one progress: its cumulative counters become the deltas the job's counters add. */
  void sourceFigures(Map<String, String> m) {
    figure(m, "offsetBehindApiClockSeconds", metrics::behind);
    figure(m, "lateCdrs", metrics::lateCdrsSeen);
    figure(m, "probeRequests", probes -> {
      synchronized (this) {
        // the stream's clock probes and late re-counts, made on the driver outside any query's scan
        metrics.requests(probes >= lastProbeRequests ? probes - lastProbeRequests : probes, 0);
        lastProbeRequests = probes;
      }
    });
    figure(m, "probeThrottled", throttled -> {
      synchronized (this) {
        // their 429 answers (each retried); a restarted stream counts from 0 again
        metrics.requests(0, throttled >= lastProbeThrottled ? throttled - lastProbeThrottled : throttled);
        lastProbeThrottled = throttled;
      }
    });
  }

  @Override
  public void onQueryIdle(QueryIdleEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}

  private static void figure(Map<String, String> m, String key, java.util.function.LongConsumer to) {
    String v = m.get(key);
    if (v != null) {
      try {
        to.accept(Long.parseLong(v));
      } catch (NumberFormatException e) {
        // not a figure: left out
      }
    }
  }
}
