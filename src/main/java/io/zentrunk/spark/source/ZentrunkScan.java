package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.window.WindowPlanner;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A planned read. Planning is shared so that pages flow while it goes on: on the driver, when
 * Spark first asks for partitions (or statistics), each chunk of at most 90 days is counted (the
 * statistics' row count) and so are the parts it is first cut into, which size the partitions
 * ({@link WindowPlanner#planCoarse}); a part that still holds too many records is cut by time
 * into partitions whose tasks count and split them as they read ({@link WindowPlanner#planLeaves},
 * under the same budget). {@code explain()} asks for the partitions too, so it sends the driver's
 * probes; it never reads a page of CDRs.
 */
final class ZentrunkScan extends BaseZentrunkScan {

  private static final Logger LOG = LoggerFactory.getLogger(ZentrunkScan.class);

  private final StructType schema;
  /** Records the planned partitions hold (the driver's count of each chunk); -1 when not counted (COUNT(*), LIMIT). */
  private long plannedRows = -1;

  ZentrunkScan(ReadConf conf, ScanSpec spec, StructType schema) {
    super(conf, spec);
    this.schema = schema;
  }

  @Override
  public StructType readSchema() {
    return schema;
  }

  @Override
  protected String describeMore() {
    return "";
  }

  @Override
  protected InputPartition[] plan() {
    List<InputPartition> out = new ArrayList<>();
    if (spec.countOnly() || spec.limit().isPresent()) {
      // A count needs one request per window of at most 90 days; a LIMIT reads the newest
      // pages of the first chunk. Neither needs planning requests.
      // Several accounts: each query once per account, the accounts interleaved.
      for (CdrQuery q : spec.queries()) {
        for (int a = 0; a < conf.accounts.size(); a++) {
          out.add(new ZentrunkInputPartition(q, null, null).ofAccount(a));
        }
      }
      return out.toArray(new InputPartition[0]);
    }
    long began = System.nanoTime();
    long total = 0;
    int inTasks = 0;
    List<List<InputPartition>> perAccount = new ArrayList<>();
    for (int a = 0; a < conf.accounts.size(); a++) {
      List<InputPartition> mine = new ArrayList<>();
      WindowPlanner planner = new WindowPlanner(conf.newClient(planningStats, a), conf.partitionRecords,
          conf.planningConcurrency);
      for (CdrQuery chunk : spec.queries()) {
        WindowPlanner.Coarse coarse = planner.planCoarse(chunk);
        for (WindowPlanner.Slice s : coarse.slices()) {
          if (s.plannedCount() == WindowPlanner.UNCOUNTED) {
            mine.add(ZentrunkInputPartition.plannedInTask(s.query()).ofAccount(a));
            inTasks++;
          } else {
            mine.add(new ZentrunkInputPartition(s.query(), s.plannedCount(), s.inlinePage()).ofAccount(a));
          }
        }
        total += coarse.totalCount();
      }
      perAccount.add(mine);
    }
    out.addAll(combine(perAccount, conf, !conf.insights()));
    plannedRows = total;
    LOG.info("Planned {} partitions ({} of them counted and split as needed by their tasks) holding {} CDRs in {} ms"
        + " with {} requests", out.size(), inTasks, total, (System.nanoTime() - began) / 1_000_000, planningStats.requests.sum());
    return out.toArray(new InputPartition[0]);
  }

  /**
   * The partitions of several accounts' slices. The slices of the accounts of one budget take turns (a1, b1, a2, b2,
   * ...): Spark starts tasks in partition order, so such accounts read at once rather than one after the other. With
   * {@code together}, when there are several budgets, the i-th partition holds the i-th slice of each budget
   * ({@link AccountsPartition}), read at once by one task: every budget stays busy whatever the number of task
   * slots. Without it (the Insights table: a task spends its time on one request per call, not on pages), or with one
   * budget, every partition is one slice.
   */
  static List<InputPartition> combine(List<List<InputPartition>> perAccount, ReadConf conf, boolean together) {
    java.util.Map<String, List<List<InputPartition>>> byBudget = new java.util.LinkedHashMap<>();
    for (int a = 0; a < perAccount.size(); a++) {
      byBudget.computeIfAbsent(together ? conf.accounts.get(a).budgetAccount() : "", k -> new ArrayList<>())
          .add(new ArrayList<>(perAccount.get(a)));
    }
    List<List<InputPartition>> turns = new ArrayList<>();
    for (List<List<InputPartition>> accounts : byBudget.values()) {
      List<InputPartition> t = new ArrayList<>();
      while (accounts.stream().anyMatch(l -> !l.isEmpty())) {
        for (List<InputPartition> l : accounts) {
          if (!l.isEmpty()) {
            t.add(l.remove(0));
          }
        }
      }
      turns.add(t);
    }
    if (turns.size() == 1) {
      return turns.get(0);
    }
    List<InputPartition> out = new ArrayList<>();
    for (int i = 0; ; i++) {
      List<ZentrunkInputPartition> slices = new ArrayList<>();
      for (List<InputPartition> t : turns) {
        if (i < t.size()) {
          slices.add((ZentrunkInputPartition) t.get(i));
        }
      }
      if (slices.isEmpty()) {
        return out;
      }
      out.add(slices.size() == 1 ? slices.get(0) : new AccountsPartition(slices));
    }
  }

  @Override
  protected PartitionReaderFactory readerFactory(ReadConf executorConf) {
    return new ZentrunkReaderFactory(executorConf, schema, spec.countOnly(), spec.limit(), spec.topNewest());
  }

  /** COUNT(*) yields one row per query; LIMIT n and top-N at most n per query; else what planning counted. */
  @Override
  protected long plannedRows() {
    if (spec.countOnly()) {
      return partitionCount();
    }
    if (spec.limit().isPresent()) {
      return spec.limit().getAsLong() * partitionCount();
    }
    return plannedRows;
  }

  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    return new CustomTaskMetric[] {ZentrunkMetrics.task("planningRequests", planningStats.requests.sum())};
  }

  /** A stream whose batches are scans like this one, over the windows between its offsets. */
  @Override
  public org.apache.spark.sql.connector.read.streaming.MicroBatchStream toMicroBatchStream(String checkpointLocation) {
    if (conf.accounts.size() > 1) {
      throw new IllegalArgumentException("Option '" + ReadOptions.AUTH_IDS.key() + "': a stream reads one account; "
          + "start one stream per account (each with its own checkpoint)");
    }
    return new ZentrunkMicroBatchStream(conf, schema, checkpointLocation);
  }

  /** Requests the planning sent. */
  long planningRequests() {
    return planningStats.requests.sum();
  }
}
