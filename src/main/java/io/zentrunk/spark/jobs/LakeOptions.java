package io.zentrunk.spark.jobs;

import picocli.CommandLine.Option;

/**
 * Where a lake is, for the commands that read or write one: {@code --lake PATH} or {@code --table NAME}. Used as
 * an exclusive {@code @ArgGroup}, so picocli itself refuses both at once, in one line naming them (exit code 2);
 * whether one is required is up to the command.
 */
final class LakeOptions {

  @Option(names = "--lake", paramLabel = "PATH",
      description = "the lake folder (local, hdfs://, s3a://), Iceberg or Parquet; or --table")
  String lake;

  @Option(names = "--table", paramLabel = "CATALOG.NAMESPACE.TABLE",
      description = "the lake as an Iceberg table in a catalog configured with spark.sql.catalog.CATALOG.* (REST, JDBC, Glue, Hive, Nessie...); or --lake")
  String table;

  /** The lake as the user named it, for messages: the path or the table. */
  String named() {
    return lake != null ? lake : table;
  }
}
