package io.zentrunk.spark.source;

import io.zentrunk.spark.budget.PermitEndpoint;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.ZentrunkClient;
import io.zentrunk.spark.window.WindowPlanner;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.Statistics;
import org.apache.spark.sql.connector.read.SupportsReportStatistics;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A planned read. Planning (counting windows to size the partitions) happens once, on the
 * driver, when Spark first asks for partitions. {@code explain()} asks for them too (to print
 * the partitions), so it sends the planning requests; it never reads a page of CDRs.
 */
final class ZentrunkScan implements Scan, Batch, SupportsReportStatistics {

  private static final Logger LOG = LoggerFactory.getLogger(ZentrunkScan.class);

  private final ReadConf conf;
  private final ScanSpec spec;
  private final StructType schema;
  private final ReadStats planningStats = new ReadStats();
  private InputPartition[] partitions;
  /** Records the planned partitions hold (counted while planning); -1 when not counted (COUNT(*), LIMIT). */
  private long plannedRows = -1;

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
    if (spec.countOnly() || spec.limit().isPresent()) {
      // A count needs one request per window of at most 90 days; a LIMIT reads the newest
      // pages of the first chunk. Neither needs planning requests.
      for (CdrQuery q : spec.queries()) {
        out.add(new ZentrunkInputPartition(q, null, null));
      }
      return out.toArray(new InputPartition[0]);
    }
    long began = System.nanoTime();
    WindowPlanner planner = new WindowPlanner(new ZentrunkClient(conf.client, planningStats), conf.partitionRecords,
        conf.planningConcurrency);
    long total = 0;
    for (CdrQuery chunk : spec.queries()) {
      for (WindowPlanner.Slice s : planner.plan(chunk)) {
        out.add(new ZentrunkInputPartition(s.query(), s.plannedCount(), s.inlinePage()));
        total += s.plannedCount();
      }
    }
    plannedRows = total;
    LOG.info("Planned {} partitions holding {} CDRs in {} ms with {} requests", out.size(), total,
        (System.nanoTime() - began) / 1_000_000, planningStats.requests.sum());
    return out.toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    // On a cluster the executors lease their permits from the driver, out of the very budget
    // the driver planned with: one budget for the application, whatever the executors do.
    PermitEndpoint permits = PermitServices.forActiveApplication();
    ReadConf executorConf = permits == null ? conf : conf.withPermits(permits);
    return new ZentrunkReaderFactory(executorConf, schema, spec.countOnly(), spec.limit(), spec.topNewest());
  }

  /**
   * The rows the scan yields, as planning counted them (planning runs here if Spark asks for
   * statistics first: the same requests the read needs anyway), and their size at Spark's
   * default size of the pruned schema's types. COUNT(*) yields one row per query; LIMIT n and
   * top-N at most n per query; an empty scan none.
   */
  @Override
  public Statistics estimateStatistics() {
    planInputPartitions();
    long rows;
    if (spec.empty()) {
      rows = 0;
    } else if (spec.countOnly()) {
      rows = partitions.length;
    } else if (spec.limit().isPresent()) {
      rows = spec.limit().getAsLong() * partitions.length;
    } else {
      rows = plannedRows;
    }
    long size = rows * Math.max(1, schema.defaultSize());
    return new Statistics() {
      @Override
      public java.util.OptionalLong sizeInBytes() {
        return java.util.OptionalLong.of(size);
      }

      @Override
      public java.util.OptionalLong numRows() {
        return java.util.OptionalLong.of(rows);
      }
    };
  }

  /** A stream whose batches are scans like this one, over the windows between its offsets. */
  @Override
  public org.apache.spark.sql.connector.read.streaming.MicroBatchStream toMicroBatchStream(String checkpointLocation) {
    return new ZentrunkMicroBatchStream(conf, schema, checkpointLocation);
  }

  /** Records the planned partitions hold (planning counts them); -1 before planning or when not counted. */
  synchronized long plannedRows() {
    return plannedRows;
  }

  /** Requests the planning sent. */
  long planningRequests() {
    return planningStats.requests.sum();
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
