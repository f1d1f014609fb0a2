package io.zentrunk.spark.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Small text files beside the report's datasets, through Hadoop's file system (local, HDFS, S3A alike). */
final class ReportFiles {

  private ReportFiles() {}

  /** Writes {@code text} as UTF-8 to {@code path}, replacing it. */
  static void write(SparkSession spark, String path, String text) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(p, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }
}
