package io.zentrunk.spark.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a stream started, kept in the source's checkpoint folder as Spark's Kafka source keeps its initial
 * offsets: Spark writes only end offsets to its offset log, and asks {@code initialOffset} again when it runs
 * (or re-runs after a crash) the first batch. Without this file a query killed before its first batch committed
 * would start again from a default start computed from a later clock ("the last 24 hours" moves), and the window
 * between the two starts would be read by neither run. Written once, never replaced.
 */
final class StartOffsetLog {

  static final String FILE = "zentrunk-start-offset.json";

  private final String checkpoint;
  private final Supplier<Configuration> hadoopConf;

  StartOffsetLog(String checkpoint, Supplier<Configuration> hadoopConf) {
    this.checkpoint = checkpoint;
    this.hadoopConf = hadoopConf;
  }

  /** The start this query logged before, or {@code compute}'s, logged now (no checkpoint folder: not logged). */
  String startOffset(Supplier<String> compute) {
    if (checkpoint == null) {
      return compute.get();
    }
    Path p = new Path(checkpoint, FILE);
    try {
      FileSystem fs = p.getFileSystem(hadoopConf.get());
      if (fs.exists(p)) {
        return read(fs, p);
      }
      String json = compute.get();
      fs.mkdirs(p.getParent());
      try (OutputStream out = fs.create(p, false)) {
        out.write(json.getBytes(StandardCharsets.UTF_8));
      } catch (FileAlreadyExistsException e) {
        return read(fs, p); // another attempt logged it first: its start wins
      }
      return json;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the stream's start offset in " + checkpoint, e);
    }
  }

  private static String read(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
