package io.zentrunk.spark.lake;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.zentrunk.spark.source.CdrSchema;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code account_id} column in lakes written before the source had it. An Iceberg lake gains the column on its
 * next ingest ({@link IcebergTables#evolve}), a Parquet lake in the files of the days it rewrites; the older rows
 * have none. They are all of the one account the lake records ({@link Provenance}), so a read of the lake gives them
 * that account's id: every row of every lake carries its account, as every row the source reads does.
 */
final class AccountColumn {
  private AccountColumn() {}

  /** {@code lake}'s rows with account_id (added if the table lacks it), NULLs filled with {@code recorded} if known. */
  static Dataset<Row> fill(Dataset<Row> lake, String recorded) {
    boolean has = Arrays.asList(lake.columns()).contains(CdrSchema.ACCOUNT_ID);
    if (!has) {
      return lake.withColumn(CdrSchema.ACCOUNT_ID, lit(recorded).cast(DataTypes.StringType));
    }
    return recorded == null ? lake
        : lake.withColumn(CdrSchema.ACCOUNT_ID, coalesce(col(CdrSchema.ACCOUNT_ID), lit(recorded)));
  }

  /**
   * The schema a Parquet lake is read with (every column nullable, and {@code partition} a date), so that files
   * written before account_id and after it read alike, whichever file Spark would have taken the schema from.
   */
  static StructType parquetSchema(String partition) {
    StructType s = new StructType();
    for (StructField f : CdrSchema.SCHEMA.fields()) {
      s = s.add(f.name(), f.dataType(), true);
    }
    return s.add(partition, DataTypes.DateType, true);
  }
}
