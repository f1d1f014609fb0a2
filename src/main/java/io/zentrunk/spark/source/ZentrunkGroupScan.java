package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.window.GroupCounter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GROUP BY ... COUNT(*)} answered from {@code total_count} probes ({@link GroupCounter}),
 * planned once on the driver when Spark first asks for partitions or statistics. Its output is
 * partial: probed groups with their counts and, for windows whose probes did not add up or
 * cost more than their pages, one row per record with a count of 1. Spark's final aggregation
 * adds them up, so the answer is exact on either path.
 */
final class ZentrunkGroupScan extends BaseZentrunkScan {

  private static final Logger LOG = LoggerFactory.getLogger(ZentrunkGroupScan.class);

  private final GroupPushdown grouping;
  private GroupCounter.Result result;

  ZentrunkGroupScan(ReadConf conf, ScanSpec spec, GroupPushdown grouping) {
    super(conf, spec);
    this.grouping = grouping;
  }

  @Override
  public StructType readSchema() {
    return grouping.schema();
  }

  @Override
  protected String describeMore() {
    return ", PushedAggregates: [COUNT(*)], PushedGroupBy: " + grouping.describe() + ", Path: " + path();
  }

  private String path() {
    if (spec.empty()) {
      return "none (no request)";
    }
    if (result == null) {
      return "count probes where cheaper than rows (decided when planned)";
    }
    String cost = result.probes() + " count probes + " + result.rowRequests() + " row requests; reading all rows: "
        + result.readAllPages() + " requests";
    if (result.rows().isEmpty()) {
      return "count probes (" + result.groups().size() + " groups; " + cost + ")";
    }
    if (result.groups().isEmpty()) {
      return "rows (" + result.rows().size() + " windows, " + result.rowRecords() + " CDRs, " + result.unexplained()
          + " did not add up; " + cost + ")";
    }
    return "count probes + rows (" + result.groups().size() + " probed groups, " + result.rows().size() + " windows read as "
        + result.rowRecords() + " CDRs, " + result.unexplained() + " did not add up; " + cost + ")";
  }

  @Override
  protected InputPartition[] plan() {
    long began = System.nanoTime();
    List<CdrQuery> roots = spec.queries();
    List<InputPartition> out = new ArrayList<>();
    // Several accounts: each counted on its own, under its own budget; Spark adds the accounts' partial counts.
    for (int a = 0; a < conf.accounts.size(); a++) {
      GroupCounter counter = new GroupCounter(conf.newClient(planningStats, a), conf.planningConcurrency,
          grouping.wanted());
      GroupCounter.Result r = counter.count(roots, grouping.dims);
      result = result == null ? r : sum(result, r);
      List<Object[]> probed = new ArrayList<>();
      for (GroupCounter.Group g : r.groups()) {
        probed.add(grouping.fromProbe(g.key(), g.count()));
      }
      List<GroupCounter.RowWindow> batch = new ArrayList<>();
      long inBatch = 0;
      boolean first = true;
      for (GroupCounter.RowWindow w : r.rows()) {
        if (!batch.isEmpty() && inBatch + w.count() > conf.partitionRecords) {
          out.add(new GroupPartition(first ? probed : List.of(), batch, a));
          first = false;
          batch = new ArrayList<>();
          inBatch = 0;
        }
        batch.add(w);
        inBatch += w.count();
      }
      out.add(new GroupPartition(first ? probed : List.of(), batch, a));
    }
    LOG.info("Grouped count of {} CDRs: {} groups from {} probes, {} windows ({} CDRs) read as rows, {} did not add up; "
        + "{} ms, {} requests", result.total(), result.groups().size(), result.probes(), result.rows().size(),
        result.rowRecords(), result.unexplained(), (System.nanoTime() - began) / 1_000_000, planningStats.requests.sum());
    return out.toArray(new InputPartition[0]);
  }

  /** Two accounts' results as one, for the description and the statistics (their groups are not merged by key). */
  private static GroupCounter.Result sum(GroupCounter.Result x, GroupCounter.Result y) {
    List<GroupCounter.Group> groups = new ArrayList<>(x.groups());
    groups.addAll(y.groups());
    List<GroupCounter.RowWindow> rows = new ArrayList<>(x.rows());
    rows.addAll(y.rows());
    return new GroupCounter.Result(groups, rows, x.total() + y.total(), x.readAllPages() + y.readAllPages(),
        x.probes() + y.probes(), x.unexplained() + y.unexplained());
  }

  @Override
  protected PartitionReaderFactory readerFactory(ReadConf executorConf) {
    return new GroupReaderFactory(executorConf, grouping);
  }

  /** The probed groups plus the records read as rows. */
  @Override
  protected long plannedRows() {
    return result == null ? 0 : result.groups().size() + result.rowRecords();
  }

  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    return new CustomTaskMetric[] {
      ZentrunkMetrics.task("planningRequests", planningStats.requests.sum()),
      ZentrunkMetrics.task("countProbes", result == null ? 0 : result.probes())
    };
  }
}
