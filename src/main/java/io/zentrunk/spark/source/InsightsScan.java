package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ClientConfig;
import java.util.Locale;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A planned read of the {@code call_insights} table: the calls' read ({@link ZentrunkScan}, planned as for the calls
 * table, its partitions read in parallel the same way), each partition's calls then asked for their Insights, one
 * request per call kept by the sample. Planning counts the window's calls (total_count) before any Insights request,
 * and refuses a read that would send more than {@code max_requests}.
 */
final class InsightsScan extends BaseZentrunkScan {

  private static final Logger LOG = LoggerFactory.getLogger(InsightsScan.class);

  private final ZentrunkScan calls;
  private final StructType schema;
  /** the calls a call_uuid predicate names, or null */
  private final CallUuidFilter only;
  private long expected = -1;

  InsightsScan(ZentrunkScan calls, StructType schema, CallUuidFilter only) {
    super(calls.conf, calls.spec);
    this.calls = calls;
    this.schema = schema;
    this.only = only;
  }

  @Override
  public StructType readSchema() {
    return schema;
  }

  @Override
  protected String describeMore() {
    return ", Table: " + ReadConf.INSIGHTS_TABLE + (conf.sample < 1 ? ", Sample: " + conf.sample : "")
        + (only == null ? "" : ", CallUuids: " + only.size())
        + ", MaxRequests: " + conf.maxRequests + (asksForInsights(schema) ? "" : ", no Insights column read");
  }

  @Override
  protected InputPartition[] plan() {
    InputPartition[] parts = calls.plan();
    long listed = calls.plannedRows();
    // a call_uuid predicate names at most that many of the listed calls
    long total = only == null ? listed : Math.min(listed, only.size());
    expected = conf.sample >= 1 ? total : (long) Math.ceil(total * conf.sample);
    if (!asksForInsights(schema)) {
      LOG.info("No Insights column read (COUNT(*), CDR columns only): {} calls, no Insights request", expected);
      return parts;
    }
    if (expected > conf.maxRequests) {
      throw new IllegalArgumentException(refusal(total, expected, conf, only != null));
    }
    LOG.info("Insights of {} calls ({} in the window after the API filters, sample {}) in {} partitions", expected,
        total, conf.sample, parts.length);
    return parts;
  }

  /**
   * Whether rows of {@code schema} need the calls' Insights: not when Spark pruned it to CDR columns (a COUNT(*), a
   * query of the calls alone), whose rows are the same with or without them.
   */
  static boolean asksForInsights(StructType schema) {
    return java.util.Arrays.stream(schema.fieldNames()).anyMatch(n -> !InsightsSchema.fromCdr(n));
  }

  /** The one line that refuses a read above max_requests: the count, the time at the budget, what to change. */
  static String refusal(long total, long expected, ReadConf conf) {
    return refusal(total, expected, conf, false);
  }

  /** As {@link #refusal(long, long, ReadConf)}; {@code named}: the calls are those a call_uuid predicate names. */
  static String refusal(long total, long expected, ReadConf conf, boolean named) {
    ClientConfig c = conf.client;
    int perWindow = c.budgetRequests() == ClientConfig.AUTO_BUDGET ? 300 : c.budgetRequests();
    double seconds = expected * (c.budgetWindowMillis() / 1000.0) / perWindow;
    return "Option '" + ReadOptions.MAX_REQUESTS.key() + "': the read of " + ReadConf.INSIGHTS_TABLE + " would send "
        + expected + " Insights requests (one per call: " + total + " calls in the window after the API filters"
        + (named ? " and call_uuid" : "")
        + (conf.sample < 1 ? ", sample " + conf.sample : "") + "), about " + duration(seconds) + " at the budget of "
        + perWindow + " requests per " + c.budgetWindowMillis() / 1000.0 + " s, above max_requests " + conf.maxRequests
        + ": narrow the window or the filters, set option '" + ReadOptions.SAMPLE.key() + "', or raise max_requests";
  }

  private static String duration(double seconds) {
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.0f s", seconds);
    }
    if (seconds < 7200) {
      return String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }

  @Override
  protected PartitionReaderFactory readerFactory(ReadConf executorConf) {
    return new InsightsReaderFactory(executorConf, calls.readSchema(), schema, only);
  }

  /** The calls planned, after the sample's expected share. */
  @Override
  protected long plannedRows() {
    return expected;
  }

  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    return calls.reportDriverMetrics();
  }

  @Override
  public org.apache.spark.sql.connector.read.streaming.MicroBatchStream toMicroBatchStream(String checkpointLocation) {
    throw new UnsupportedOperationException("table " + ReadConf.INSIGHTS_TABLE + " is read in batches only");
  }
}
