package io.zentrunk.spark.storage;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * How the jobs write Parquet to {@code s3a://}. Endpoint, credentials and the like stay the user's
 * ({@code spark.hadoop.fs.s3a.*}); this class only chooses the committers.
 *
 * <ul>
 *   <li>Session: Spark's cloud commit protocol and the Parquet committer binding (spark-hadoop-cloud), set
 *       for the duration of the write only, so that a session writing to a local path is unaffected.
 *   <li>Lake: the S3A {@code partitioned} staging committer with {@code conflict-mode=replace} and
 *       {@code mode(append)}: it replaces exactly the partitions the job wrote. Spark's dynamic partition
 *       overwrite is not an option here: the cloud committers refuse it.
 *   <li>Reports: the {@code directory} staging committer with {@code replace}: an unpartitioned overwrite.
 * </ul>
 */
public final class S3aSettings {

  public static final Map<String, String> SESSION = Map.of(
      "spark.sql.sources.commitProtocolClass", "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
      "spark.sql.parquet.output.committer.class",
      "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter");

  /** Hadoop options of the lake write (DataFrameWriter options reach the job's Hadoop conf). */
  public static final Map<String, String> LAKE_WRITE = Map.of(
      "fs.s3a.committer.name", "partitioned",
      "fs.s3a.committer.staging.conflict-mode", "replace");

  public static final Map<String, String> REPORT_WRITE = Map.of(
      "fs.s3a.committer.name", "directory",
      "fs.s3a.committer.staging.conflict-mode", "replace");

  private S3aSettings() {}

  public static boolean isS3a(String path) {
    String scheme = URI.create(path.replace(" ", "%20")).getScheme();
    return scheme != null && scheme.toLowerCase(Locale.ROOT).equals("s3a");
  }
}
