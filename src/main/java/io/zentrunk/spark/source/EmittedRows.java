package io.zentrunk.spark.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The rows a stream's tasks actually emitted, window by window, for the late-arrival checks. Each task that reads a
 * partition of a batch to its end writes, into the source's checkpoint folder, the {@code call_uuid} and
 * {@code end_time} of every row it emitted ({@code zentrunk-emitted/FROM-TO/part-N}, one file per partition, replaced by one atomic rename). The file is
 * written before the task ends, so before Spark commits the batch: what a re-count compares with survives a crash
 * at any point, and a re-run task (or a re-planned batch after a restart) replaces it instead of adding to it. A CDR
 * that became visible between the batch's planning and the task's read is therefore counted as emitted, not as late.
 */
final class EmittedRows {

  static final String DIR = "zentrunk-emitted";

  private EmittedRows() {}

  static Path windowDir(String checkpoint, long from, long to) {
    return new Path(new Path(checkpoint, DIR), from + "-" + to);
  }

  /**
   * What the tasks of one window emitted: the number of rows and, when the schema held it, their call_uuids, each with
   * its end_time in microseconds ({@link Long#MIN_VALUE} when the schema did not hold it).
   */
  record Window(long rows, Map<String, Long> uuids) {
    /** True when every emitted row's end_time is known: the window can be narrowed by time. */
    boolean timed() {
      return uuids != null && !uuids.containsValue(Long.MIN_VALUE);
    }

    /** The emitted rows that ended in {@code [from, to)} (needs {@link #timed()}). */
    long rows(long from, long to) {
      return uuids.values().stream().filter(e -> e >= from && e < to).count();
    }
  }

  /**
   * The rows emitted for {@code [from, to)} by its {@code partitions} tasks, or null when a partition's file is missing
   * (the window was not read to its end, e.g. under a LIMIT).
   */
  static Window read(String checkpoint, long from, long to, int partitions, Configuration conf) {
    Path dir = windowDir(checkpoint, from, to);
    long rows = 0;
    Map<String, Long> uuids = new HashMap<>();
    boolean named = true;
    try {
      FileSystem fs = dir.getFileSystem(conf);
      for (int i = 0; i < partitions; i++) {
        Path p = new Path(dir, "part-" + i);
        if (!fs.exists(p)) {
          return null;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
          String head = in.readLine();
          rows += Long.parseLong(head.substring(head.indexOf(' ') + 1));
          named &= head.startsWith("uuids ");
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            int sp = line.indexOf(' ');
            uuids.put(sp < 0 ? line : line.substring(0, sp), sp < 0 ? Long.MIN_VALUE : Long.parseLong(line.substring(sp + 1)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the rows a stream emitted in " + dir, e);
    }
    return new Window(rows, named ? uuids : null);
  }

  /** Forgets what was emitted for a window (before it is planned again, or once its checks are over). */
  static void clear(String checkpoint, long from, long to, Configuration conf) {
    Path dir = windowDir(checkpoint, from, to);
    try {
      dir.getFileSystem(conf).delete(dir, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the rows a stream emitted in " + dir, e);
    }
  }

  /** The partitions of a batch's window, each told where its task reports what it emitted. */
  static InputPartition[] wrap(InputPartition[] parts, String checkpoint, long from, long to) {
    InputPartition[] out = new InputPartition[parts.length];
    String dir = windowDir(checkpoint, from, to).toString();
    for (int i = 0; i < parts.length; i++) {
      out[i] = new Part(parts[i], dir, i);
    }
    return out;
  }

  /** One partition of a stream's batch: the batch read's partition, and where its task writes what it emitted. */
  static final class Part implements InputPartition {
    private static final long serialVersionUID = 1L;
    final InputPartition inner;
    final String dir;
    final int index;

    Part(InputPartition inner, String dir, int index) {
      this.inner = inner;
      this.dir = dir;
      this.index = index;
    }

    @Override
    public String[] preferredLocations() {
      return inner.preferredLocations();
    }
  }

  /** The batch read's reader factory, whose readers of a {@link Part} also record what they emit. */
  static final class Factory implements PartitionReaderFactory {
    private static final long serialVersionUID = 1L;
    private final PartitionReaderFactory inner;
    private final SerializableConfiguration hadoop;
    private final int uuidField;
    private final int endField;

    Factory(PartitionReaderFactory inner, StructType schema, Supplier<Configuration> hadoopConf) {
      this.inner = inner;
      this.hadoop = new SerializableConfiguration(hadoopConf.get());
      this.uuidField = Arrays.asList(schema.fieldNames()).indexOf(CdrColumns.CALL_UUID);
      this.endField = Arrays.asList(schema.fieldNames()).indexOf(CdrColumns.END_TIME);
    }

    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      if (partition instanceof Part p) {
        return new Reader(inner.createReader(p.inner), new Path(p.dir, "part-" + p.index), uuidField, endField,
            hadoop.value());
      }
      return inner.createReader(partition);
    }
  }

  /** Passes the rows on, keeps their call_uuids, and writes them when the partition is read to its end. */
  static final class Reader implements PartitionReader<InternalRow> {
    private final PartitionReader<InternalRow> inner;
    private final Path file;
    private final int uuidField;
    private final int endField;
    private final Configuration conf;
    private final StringBuilder uuids = new StringBuilder();
    private long rows;
    private boolean written;

    Reader(PartitionReader<InternalRow> inner, Path file, int uuidField, int endField, Configuration conf) {
      this.inner = inner;
      this.file = file;
      this.uuidField = uuidField;
      this.endField = endField;
      this.conf = conf;
    }

    @Override
    public boolean next() throws IOException {
      if (inner.next()) {
        rows++;
        if (uuidField >= 0) {
          InternalRow r = inner.get();
          uuids.append(r.getUTF8String(uuidField).toString());
          if (endField >= 0) {
            uuids.append(' ').append(r.getLong(endField));
          }
          uuids.append('\n');
        }
        return true;
      }
      if (!written) {
        write();
        written = true;
      }
      return false;
    }

    private void write() throws IOException {
      StringBuilder s = new StringBuilder(uuidField >= 0 ? "uuids " : "rows ").append(rows).append('\n').append(uuids);
      FileSystem fs = file.getFileSystem(conf);
      Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(s.toString().getBytes(StandardCharsets.UTF_8));
      }
      FileContext.getFileContext(fs.getUri(), conf).rename(tmp, file, Options.Rename.OVERWRITE);
    }

    @Override
    public InternalRow get() {
      return inner.get();
    }

    @Override
    public CustomTaskMetric[] currentMetricsValues() {
      return inner.currentMetricsValues();
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }
}
