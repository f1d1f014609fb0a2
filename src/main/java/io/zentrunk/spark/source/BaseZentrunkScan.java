package io.zentrunk.spark.source;

import io.zentrunk.spark.budget.PermitEndpoint;
import io.zentrunk.spark.client.ReadStats;
import java.util.OptionalLong;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.Statistics;
import org.apache.spark.sql.connector.read.SupportsReportStatistics;

/**
 * What the row scan ({@link ZentrunkScan}) and the grouped-count scan ({@link ZentrunkGroupScan})
 * share, as Iceberg's {@code SparkScan} does for its scans: planning once on the driver (when Spark
 * first asks for partitions or statistics), the description's common part, the permit wiring of
 * the executors, statistics from what planning found, and the metrics.
 */
abstract class BaseZentrunkScan implements Scan, Batch, SupportsReportStatistics {

  protected final ReadConf conf;
  protected final ScanSpec spec;
  protected final ReadStats planningStats = new ReadStats();
  private InputPartition[] partitions;

  BaseZentrunkScan(ReadConf conf, ScanSpec spec) {
    this.conf = conf;
    this.spec = spec;
  }

  /** Plans the partitions (driver only; may send planning requests). */
  protected abstract InputPartition[] plan();

  /** The reader factory for executors whose requests run under {@code executorConf}'s budget. */
  protected abstract PartitionReaderFactory readerFactory(ReadConf executorConf);

  /** Rows the scan yields, known once planned. */
  protected abstract long plannedRows();

  /** This scan's own part of {@link #description()}, after the pushed filters ("" for none). */
  protected abstract String describeMore();

  @Override
  public final synchronized String description() {
    return getClass().getSimpleName() + " " + conf.client.apiUrl() + " [" + (conf.accounts.size() > 1
        ? "Accounts: " + conf.accounts.stream().map(c -> c.authId()).toList() + ", " : "") + spec.describe()
        + describeMore() + "]";
  }

  @Override
  public final Batch toBatch() {
    return this;
  }

  @Override
  public final synchronized InputPartition[] planInputPartitions() {
    if (partitions == null) {
      if (!spec.empty() && conf.accounts.size() > 1) {
        AccountCheck.run(conf, spec.queries().get(0), planningStats);
      }
      partitions = spec.empty() ? new InputPartition[0] : plan();
    }
    return partitions;
  }

  @Override
  public final PartitionReaderFactory createReaderFactory() {
    // On a cluster the executors lease their permits from the driver, out of the very budget
    // the driver planned with: one budget for the application, whatever the executors do.
    PermitEndpoint permits = PermitServices.forActiveApplication();
    return readerFactory(permits == null ? conf : conf.withPermits(permits));
  }

  /**
   * The rows the scan yields, as planning found them (planning runs here if Spark asks for
   * statistics first: the same requests the read needs anyway), and their size at Spark's
   * default size of the output schema's types.
   */
  @Override
  public final Statistics estimateStatistics() {
    InputPartition[] planned = planInputPartitions();
    long rows = planned.length == 0 ? 0 : plannedRows();
    long size = rows * Math.max(1, readSchema().defaultSize());
    return new Statistics() {
      @Override
      public OptionalLong sizeInBytes() {
        return OptionalLong.of(size);
      }

      @Override
      public OptionalLong numRows() {
        return OptionalLong.of(rows);
      }
    };
  }

  /** The number of partitions planned (plans if needed). */
  protected final int partitionCount() {
    return planInputPartitions().length;
  }

  @Override
  public final CustomMetric[] supportedCustomMetrics() {
    return ZentrunkMetrics.supported();
  }
}
