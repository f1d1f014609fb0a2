package io.zentrunk.spark.alerts;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The watch job's alert history, keyed by ({@link Alerts#ALERT_ID}, {@link #EVENT}): a row is appended only when
 * its key is not there yet, and nothing is ever replaced or deleted, so a replayed batch, a restart or a new
 * checkpoint over the same store leaves every earlier row as it was. Either a Parquet folder (local, hdfs://,
 * s3a://) or an Iceberg table {@code CATALOG.NAMESPACE.TABLE} whose catalog is configured
 * ({@code spark.sql.catalog.CATALOG}). One watch job writes a store at a time.
 */
public final class AlertStore {

  /** {@code trigger} when raised, {@code resolve} at the first judged minute after its window where its rule no longer holds. */
  public static final String EVENT = "event";
  public static final String TRIGGER = "trigger";
  public static final String RESOLVE = "resolve";
  /** The judged minute at which a resolve found the rule no longer holding; NULL in a trigger. */
  public static final String RESOLVED_AT = "resolved_at";
  /** The checkpoint's run and the batch that wrote the row. */
  public static final String RUN = "run";
  public static final String BATCH = "batch";

  public static final StructType SCHEMA = Alerts.SCHEMA
      .add(EVENT, DataTypes.StringType, false)
      .add(RESOLVED_AT, DataTypes.TimestampType, true)
      .add(RUN, DataTypes.StringType, false)
      .add(BATCH, DataTypes.LongType, false);

  private final SparkSession spark;
  private final String location;
  private final boolean table;

  public AlertStore(SparkSession spark, String location) {
    this.spark = spark;
    this.location = location;
    this.table = isTable(spark, location);
  }

  /** A name {@code CATALOG.NAMESPACE.TABLE} whose catalog is configured in the session; anything else is a path. */
  static boolean isTable(SparkSession spark, String location) {
    if (!location.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){2,}")) {
      return false;
    }
    return spark.conf().contains("spark.sql.catalog." + location.substring(0, location.indexOf('.')));
  }

  public boolean isTable() {
    return table;
  }

  /** Every row of the store, empty when there is none yet. */
  public Dataset<Row> read() {
    if (table) {
      return spark.catalog().tableExists(location) ? spark.table(location).select(columns())
          : spark.createDataFrame(List.of(), SCHEMA);
    }
    try {
      Path p = new Path(location);
      if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
        return spark.createDataFrame(List.of(), SCHEMA);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return spark.read().schema(SCHEMA).parquet(location);
  }

  private static org.apache.spark.sql.Column[] columns() {
    return java.util.Arrays.stream(SCHEMA.fieldNames()).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
  }

  /** Appends the rows (in {@link #SCHEMA}) whose key is not in the store yet; returns those appended. */
  public List<Row> appendNew(List<Row> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    Dataset<Row> fresh = spark.createDataFrame(rows, SCHEMA)
        .join(read().select(col(Alerts.ALERT_ID), col(EVENT)),
            scala.jdk.javaapi.CollectionConverters.asScala(List.of(Alerts.ALERT_ID, EVENT)).toSeq(), "left_anti")
        .select(columns());
    List<Row> toWrite = fresh.collectAsList();
    if (toWrite.isEmpty()) {
      return List.of();
    }
    Dataset<Row> df = spark.createDataFrame(toWrite, SCHEMA).coalesce(1);
    if (!table) {
      df.write().mode(SaveMode.Append).parquet(location);
    } else {
      try {
        if (spark.catalog().tableExists(location)) {
          df.writeTo(location).append();
        } else {
          df.writeTo(location).using("iceberg").create();
        }
      } catch (org.apache.spark.sql.AnalysisException e) {
        throw new IllegalStateException("cannot write the alerts table " + location + ": " + e.getMessage(), e);
      }
    }
    return toWrite;
  }
}
