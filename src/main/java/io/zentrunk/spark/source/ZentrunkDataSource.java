package io.zentrunk.spark.source;

import java.util.Map;
import org.apache.spark.sql.connector.catalog.SessionConfigSupport;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read.format("zentrunk")}: Plivo Zentrunk CDRs as a typed DataFrame. Options:
 * {@link ReadOptions}. Any option can also be set for the whole session as
 * {@code spark.datasource.zentrunk.<option>} (Spark's {@link SessionConfigSupport}; an option of
 * the read wins): a Spark Connect server or a site's {@code spark-defaults.conf} can point every
 * read at an endpoint without the client code naming it.
 */
public final class ZentrunkDataSource implements TableProvider, DataSourceRegister, SessionConfigSupport {

  public static final String SHORT_NAME = "zentrunk";

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  /** Session configs {@code spark.datasource.zentrunk.*} are options of every read. */
  @Override
  public String keyPrefix() {
    return SHORT_NAME;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    // The schema is fixed per table; the options are parsed (and bad ones refused) once, by the table.
    return schemaOf(options.get(ReadOptions.TABLE.key()));
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    String table = properties.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(ReadOptions.TABLE.key()))
        .map(Map.Entry::getValue).findFirst().orElse(null);
    if (schema != null && !schema.equals(schemaOf(table))) {
      throw new IllegalArgumentException("The zentrunk source has a fixed schema; do not pass one with .schema(...)");
    }
    return new ZentrunkTable(properties);
  }

  /** The schema of option {@code table}'s value (an unknown value is refused by the table, naming the option). */
  private static StructType schemaOf(String table) {
    return table != null && (table.equals(ReadConf.INSIGHTS_TABLE) || table.equals("insights")) ? InsightsSchema.SCHEMA
        : CdrSchema.SCHEMA;
  }

  @Override
  public boolean supportsExternalMetadata() {
    return false;
  }
}
