package io.zentrunk.spark.lake;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Opens a lake by {@code --lake PATH} or {@code --table NAME}, in the format it already has. */
public final class Lakes {

  private Lakes() {}

  /**
   * @param requested {@code --format}, or null: a new lake is Iceberg unless Parquet is asked for; an existing
   *     lake keeps its format and asking for the other one is an error
   */
  public static CdrLake open(SparkSession spark, String lake, String table, LakeFormat requested) {
    if (table != null) {
      if (requested == LakeFormat.PARQUET) {
        throw new LakeUsageException("--format parquet is for --lake folders; --table is an Iceberg table");
      }
      return IcebergLake.inCatalog(spark, table);
    }
    LakeFormat found = detect(spark, lake);
    if (found != null && requested != null && found != requested) {
      throw new LakeUsageException("--lake " + lake + " is a " + found.label() + " lake; it cannot be written as "
          + requested.label() + " (a lake keeps its format: drop --format or use a new folder)");
    }
    LakeFormat format = found != null ? found : requested != null ? requested : LakeFormat.ICEBERG;
    return format == LakeFormat.PARQUET ? ParquetLake.open(spark, lake) : IcebergLake.atPath(spark, lake);
  }

  /** The format of the lake at {@code location}, or null when there is no lake there yet. */
  public static LakeFormat detect(SparkSession spark, String location) {
    try {
      Path root = new Path(location);
      return detect(root.getFileSystem(spark.sparkContext().hadoopConfiguration()), root);
    } catch (IOException e) {
      throw new LakeUsageException("--lake " + location + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * The format at {@code root}. An Iceberg lake is {@code cdrs/metadata/}; a Parquet lake is the state file or
   * {@code cdrs/} without it. The Parquet signs are looked at first and the Iceberg one last: while another run
   * creates a new Iceberg lake, {@code cdrs/} appears with {@code cdrs/metadata/}, so a lake seen without its
   * metadata and then with {@code cdrs/} would be taken for a Parquet one (and refused as "holds something else");
   * in this order, whatever appears between the checks, an Iceberg lake in the making is seen as Iceberg or as
   * no lake yet.
   */
  static LakeFormat detect(FileSystem fs, Path root) throws IOException {
    Path cdrs = new Path(root, CdrLake.CDRS);
    boolean parquetSigns = fs.exists(new Path(root, ParquetLake.STATE_FILE)) || fs.exists(cdrs);
    if (fs.exists(new Path(cdrs, "metadata"))) {
      return LakeFormat.ICEBERG;
    }
    return parquetSigns ? LakeFormat.PARQUET : null;
  }
}
