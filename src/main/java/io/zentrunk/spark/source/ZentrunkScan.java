package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.WindowPlanner;
import io.zentrunk.spark.client.ZentrunkClient;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A planned read. Planning (counting windows to size the partitions) happens once, on the
 * driver, when Spark first asks for partitions: {@code explain()} sends no request.
 */
final class ZentrunkScan implements Scan, Batch {

  private static final Logger LOG = LoggerFactory.getLogger(ZentrunkScan.class);

  private final ReadConf conf;
  private final ScanSpec spec;
  private final StructType schema;
  private final ReadStats planningStats = new ReadStats();
  private InputPartition[] partitions;

  ZentrunkScan(ReadConf conf, ScanSpec spec, StructType schema) {
    this.conf = conf;
    this.spec = spec;
    this.schema = schema;
  }

  @Override
  public StructType readSchema() {
    return schema;
  }

  @Override
  public String description() {
    return "ZentrunkScan " + conf.client.apiUrl() + " [" + spec.describe() + "]";
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public synchronized InputPartition[] planInputPartitions() {
    if (partitions == null) {
      partitions = plan();
    }
    return partitions;
  }

  private InputPartition[] plan() {
    if (spec.empty()) {
      return new InputPartition[0];
    }
    List<InputPartition> out = new ArrayList<>();
    if (spec.countOnly() || spec.limit() >= 0) {
      // A count needs one request per window of at most 90 days; a LIMIT reads the newest
      // pages of the first chunk. Neither needs planning requests.
      for (CdrQuery q : spec.chunks()) {
        out.add(new ZentrunkInputPartition(q, -1, null));
      }
      return out.toArray(new InputPartition[0]);
    }
    long began = System.nanoTime();
    WindowPlanner planner = new WindowPlanner(new ZentrunkClient(conf.client, planningStats), conf.partitionRecords,
        conf.planningConcurrency);
    long total = 0;
    for (CdrQuery chunk : spec.chunks()) {
      for (WindowPlanner.Slice s : planner.plan(chunk)) {
        out.add(new ZentrunkInputPartition(s.query(), s.plannedCount(), s.inlinePage()));
        total += s.plannedCount();
      }
    }
    LOG.info("Planned {} partitions holding {} CDRs in {} ms with {} requests", out.size(), total,
        (System.nanoTime() - began) / 1_000_000, planningStats.requests.sum());
    return out.toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    int executors = executorsSharingBudget();
    ReadConf executorConf = conf.withBudget(Math.max(1, conf.client.budgetRequests() / executors));
    if (executors > 1) {
      LOG.info("Request budget {} per {} ms split between {} executors: {} each", conf.client.budgetRequests(),
          conf.client.budgetWindowMillis(), executors, executorConf.client.budgetRequests());
    }
    return new ZentrunkReaderFactory(executorConf, schema, spec.countOnly(), spec.limit());
  }

  /**
   * How many executor JVMs read at once, each with its own share of the account's budget.
   * Equal static shares need no coordination service; the cost is that an executor that runs
   * out of partitions leaves its share unused (the planner's count-sized partitions keep that
   * tail short), and executors added later by dynamic allocation would exceed the budget:
   * there, set {@code budget_executors}.
   */
  private int executorsSharingBudget() {
    if (conf.budgetExecutors > 0) {
      return conf.budgetExecutors;
    }
    SparkSession session = SparkSession.getActiveSession().isDefined() ? SparkSession.active() : null;
    if (session == null) {
      return 1;
    }
    SparkContext sc = session.sparkContext();
    if (sc.isLocal()) {
      return 1;
    }
    SparkConf c = sc.getConf();
    int registered = Math.max(0, sc.statusTracker().getExecutorInfos().length - 1);
    int instances = c.getInt("spark.executor.instances", 0);
    int coresMax = c.getInt("spark.cores.max", 0);
    int perExecutor = Math.max(1, c.getInt("spark.executor.cores", 1));
    int byCores = coresMax > 0 ? coresMax / perExecutor : 0;
    int n = Math.max(registered, Math.max(instances, byCores));
    if (c.getBoolean("spark.dynamicAllocation.enabled", false)) {
      LOG.warn("Dynamic allocation is on: the request budget is split between {} executors known now; set option "
          + "'budget_executors' to the most executors the read may get", Math.max(1, n));
    }
    return Math.max(1, n);
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return ZentrunkMetrics.supported();
  }

  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    return new CustomTaskMetric[] {ZentrunkMetrics.task("planningRequests", planningStats.requests.sum())};
  }
}
