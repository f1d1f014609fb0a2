package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ReadStats;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;

/** What every partition reader of the source shares: its counters against the API, shown as task metrics, and the current row. */
abstract class MeteredReader implements PartitionReader<InternalRow> {
  protected final ReadStats stats = new ReadStats();
  protected InternalRow row;

  @Override
  public final InternalRow get() {
    return row;
  }

  @Override
  public final CustomTaskMetric[] currentMetricsValues() {
    return ZentrunkMetrics.values(stats);
  }

  @Override
  public void close() {}
}
