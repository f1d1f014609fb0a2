package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CallInsights;
import io.zentrunk.spark.client.ZentrunkClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Creates the readers of the {@code call_insights} table: each reads its partition's calls as the calls table does,
 * keeps those in the sample, and asks for each one's Insights ({@link ZentrunkClient#insights}), up to
 * {@code concurrency} requests in flight, under the read's budget. One row per call kept, in the calls' order:
 * every selected call has its row, with its status when it has no Insights.
 */
final class InsightsReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  private final ReadConf conf;
  private final StructType callSchema;
  private final StructType schema;
  private final CallUuidFilter only;

  InsightsReaderFactory(ReadConf conf, StructType callSchema, StructType schema, CallUuidFilter only) {
    this.conf = conf;
    this.callSchema = callSchema;
    this.schema = schema;
    this.only = only;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    return new InsightsReader(conf, (ZentrunkInputPartition) partition, callSchema, schema, only);
  }

  /** One partition's calls and their Insights. */
  static final class InsightsReader implements PartitionReader<InternalRow> {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InsightsReader.class);
    /** Warnings of rejected values one reader logs at most (then one line with how many more). */
    private static final int WARNINGS = 20;
    private int rejectedCalls;

    private final ZentrunkReaderFactory.RowReader calls;
    private final ZentrunkClient client;
    private final int concurrency;
    private final double sample;
    private final CallUuidFilter only;
    private final StructType schema;
    /** False when the rows hold CDR columns only (see {@link InsightsScan#asksForInsights}): no request is sent. */
    private final boolean asks;
    /** Per output column: the index in the call row, or -1 for an Insights column. */
    private final int[] fromCall;
    private final int uuidIndex;
    private final ArrayDeque<Object[]> ready = new ArrayDeque<>();
    private ExecutorService pool;
    private InternalRow row;
    private boolean closed;

    InsightsReader(ReadConf conf, ZentrunkInputPartition p, StructType callSchema, StructType schema,
        CallUuidFilter only) {
      this.only = only;
      this.calls = new ZentrunkReaderFactory.RowReader(conf, p, callSchema, null);
      // the same counters as the calls' reader: the task's metrics show pages and Insights requests together
      this.client = conf.newClient(calls.stats, p.account);
      this.concurrency = conf.concurrency;
      this.sample = conf.sample;
      this.schema = schema;
      this.asks = InsightsScan.asksForInsights(schema);
      this.fromCall = new int[schema.fields().length];
      for (int i = 0; i < fromCall.length; i++) {
        String name = schema.fields()[i].name();
        fromCall[i] = InsightsSchema.fromCdr(name) ? callSchema.fieldIndex(name) : -1;
      }
      this.uuidIndex = callSchema.fieldIndex("call_uuid");
    }

    @Override
    public boolean next() throws java.io.IOException {
      if (closed) {
        throw new IllegalStateException("the reader is closed");
      }
      if (ready.isEmpty()) {
        fill();
      }
      Object[] r = ready.poll();
      if (r == null) {
        return false;
      }
      row = toRow((InternalRow) r[0], (CallInsights) r[1]);
      return true;
    }

    /** The next calls of the sample (up to concurrency of them) with their Insights, asked for at once. */
    private void fill() throws java.io.IOException {
      List<InternalRow> batch = new ArrayList<>();
      while (batch.size() < concurrency && calls.next()) {
        InternalRow c = calls.get().copy();
        String uuid = c.getUTF8String(uuidIndex).toString();
        if ((only == null || only.keeps(uuid)) && InsightsSample.keeps(uuid, sample)) {
          batch.add(c);
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      if (!asks) {
        batch.forEach(c -> ready.add(new Object[] {c, null}));
        return;
      }
      if (batch.size() == 1 || concurrency == 1) {
        for (InternalRow c : batch) {
          ready.add(new Object[] {c, client.insights(c.getUTF8String(uuidIndex).toString())});
        }
        return;
      }
      if (pool == null) {
        pool = Executors.newFixedThreadPool(concurrency, r -> {
          Thread t = new Thread(r, "zentrunk-insights-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
      }
      List<Future<CallInsights>> asked = new ArrayList<>();
      for (InternalRow c : batch) {
        String uuid = c.getUTF8String(uuidIndex).toString();
        asked.add(pool.submit(() -> client.insights(uuid)));
      }
      for (int i = 0; i < batch.size(); i++) {
        try {
          ready.add(new Object[] {batch.get(i), asked.get(i).get()});
        } catch (ExecutionException e) {
          asked.forEach(f -> f.cancel(true));
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          asked.forEach(f -> f.cancel(true));
          throw new java.io.InterruptedIOException("interrupted while asking for Insights");
        }
      }
    }

    private InternalRow toRow(InternalRow call, CallInsights in) {
      if (in != null && !in.rejected().isEmpty() && ++rejectedCalls <= WARNINGS) {
        LOG.warn("call_uuid {}: Insights values read as NULL (not a number or out of range): {}{}", in.callUuid(),
            in.rejected(), rejectedCalls == WARNINGS ? " (further calls of this partition not logged)" : "");
      }
      Object[] values = new Object[fromCall.length];
      for (int i = 0; i < values.length; i++) {
        if (fromCall[i] >= 0) {
          values[i] = call.get(fromCall[i], schema.fields()[i].dataType());
          continue;
        }
        values[i] = switch (schema.fields()[i].name()) {
          case InsightsSchema.FROM_CARRIER -> str(in.fromCarrier());
          case InsightsSchema.FROM_REGION -> str(in.fromRegion());
          case InsightsSchema.TO_CARRIER -> str(in.toCarrier());
          case InsightsSchema.TO_REGION -> str(in.toRegion());
          case InsightsSchema.RTT_MS -> in.rttMs();
          case InsightsSchema.JITTER_MS -> in.jitterMs();
          case InsightsSchema.PACKET_LOSS_PCT -> in.packetLossPct();
          case InsightsSchema.POST_DIAL_DELAY_MS -> in.postDialDelayMs();
          case InsightsSchema.QUALITY_SCORE -> in.qualityScore();
          case InsightsSchema.STATUS -> str(in.status());
          default -> throw new IllegalStateException("no column " + schema.fields()[i].name());
        };
      }
      return new GenericInternalRow(values);
    }

    private static UTF8String str(String s) {
      return s == null ? null : UTF8String.fromString(s);
    }

    @Override
    public InternalRow get() {
      return row;
    }

    @Override
    public CustomTaskMetric[] currentMetricsValues() {
      return ZentrunkMetrics.values(calls.stats);
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (pool != null) {
        pool.shutdownNow();
      }
      calls.close();
    }
  }
}
