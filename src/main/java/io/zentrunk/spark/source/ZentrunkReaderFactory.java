package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.window.MergingReader;
import io.zentrunk.spark.window.SplittingReader;
import io.zentrunk.spark.window.TopReader;
import io.zentrunk.spark.window.WindowPlanner;
import io.zentrunk.spark.window.WindowReader;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** Creates the executors' readers. Carries the conf (with the token, which it never prints). */
final class ZentrunkReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  private final ReadConf conf;
  private final StructType schema;
  private final boolean countOnly;
  /** A pushed LIMIT; null for none (OptionalLong is not serializable). */
  private final Long limit;

  private final Boolean topNewest;

  ZentrunkReaderFactory(ReadConf conf, StructType schema, boolean countOnly, OptionalLong limit, Boolean topNewest) {
    this.topNewest = topNewest;
    this.conf = conf;
    this.schema = schema;
    this.countOnly = countOnly;
    this.limit = limit.isPresent() ? limit.getAsLong() : null;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    if (partition instanceof AccountsPartition several) {
      return new AccountsReader(conf, several, schema);
    }
    ZentrunkInputPartition p = (ZentrunkInputPartition) partition;
    if (countOnly) {
      return new CountReader(conf, p);
    }
    return topNewest != null ? new TopNReader(conf, p, schema, limit.intValue(), topNewest) : new RowReader(conf, p, schema, limit);
  }

  /** The newest or oldest n records of one query ({@link io.zentrunk.spark.window.TopReader}). */
  static final class TopNReader extends MeteredReader {
    private final ReadConf conf;
    private final ZentrunkInputPartition partition;
    private final RowConverter converter;
    private final int n;
    private final boolean newest;
    private java.util.Iterator<Object[]> records;

    TopNReader(ReadConf conf, ZentrunkInputPartition partition, StructType schema, int n, boolean newest) {
      this.conf = conf;
      this.partition = partition;
      this.converter = new RowConverter(schema, conf.accountId(partition.account));
      this.n = n;
      this.newest = newest;
    }

    @Override
    public boolean next() {
      if (records == null) {
        records = TopReader.read(conf.newClient(stats, partition.account),
            partition.query, n, newest, converter.wanted(), conf.maxRereads).iterator();
      }
      if (!records.hasNext()) {
        return false;
      }
      stats.rows.increment();
      row = converter.convert(records.next());
      return true;
    }
  }

  /** Answers COUNT(*) for one window from total_count: one request of one record. */
  static final class CountReader extends MeteredReader {
    private final ReadConf conf;
    private final ZentrunkInputPartition partition;
    private boolean done;

    CountReader(ReadConf conf, ZentrunkInputPartition partition) {
      this.conf = conf;
      this.partition = partition;
    }

    @Override
    public boolean next() {
      if (done) {
        return false;
      }
      row = new GenericInternalRow(new Object[] {conf.newClient(stats, partition.account).count(partition.query)});
      done = true;
      return true;
    }
  }

  /** Streams one partition's CDRs as rows of the pruned schema. */
  static final class RowReader extends MeteredReader {
    private final RowConverter converter;
    private final MergingReader.Source reader;

    RowReader(ReadConf conf, ZentrunkInputPartition p, StructType schema, Long limit) {
      converter = new RowConverter(schema, conf.accountId(p.account));
      reader = open(conf, p, converter.wanted(), stats, limit);
    }

    @Override
    public boolean next() {
      if (!reader.hasNext()) {
        return false;
      }
      row = converter.convert(reader.next());
      return true;
    }

    @Override
    public void close() {
      reader.close();
    }
  }

  /** Streams the slices of several budgets' accounts at once ({@link AccountsPartition}), each row with its account. */
  static final class AccountsReader extends MeteredReader {
    private final RowConverter[] converters;
    private final MergingReader reader;

    AccountsReader(ReadConf conf, AccountsPartition p, StructType schema) {
      converters = new RowConverter[p.slices.length];
      List<MergingReader.Source> slices = new ArrayList<>();
      for (int i = 0; i < converters.length; i++) {
        converters[i] = new RowConverter(schema, conf.accountId(p.slices[i].account));
        slices.add(open(conf, p.slices[i], converters[i].wanted(), stats, null));
      }
      reader = new MergingReader(slices);
    }

    @Override
    public boolean next() {
      if (!reader.hasNext()) {
        return false;
      }
      Object[] record = reader.next();
      row = converters[reader.source()].convert(record);
      return true;
    }

    @Override
    public void close() {
      reader.close();
    }
  }

  /** The reader of one slice's records (lazily opened: the first request goes out on the first hasNext()). */
  private static MergingReader.Source open(ReadConf conf, ZentrunkInputPartition p, boolean[] wanted, ReadStats stats,
      Long limit) {
    if (p.planInTask) {
      // This task counts and splits its part (under the read's budget), then reads each slice.
      WindowPlanner planner = new WindowPlanner(conf.newClient(stats, p.account), conf.partitionRecords,
          conf.planningConcurrency);
      return new SplittingReader(planner, p.query,
          s -> conf.windowReader(s.query(), wanted, stats, p.account).firstPage(s.inlinePage()).build());
    }
    WindowReader.Builder b = conf.windowReader(p.query, wanted, stats, p.account).firstPage(p.inlinePage);
    if (limit != null) {
      b.limit(limit);
    }
    return b.build();
  }
}
