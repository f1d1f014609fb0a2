package io.zentrunk.spark.source;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** The account's CDRs as a read-only table. Options of the table and of the scan are merged, the scan's winning. */
final class ZentrunkTable implements SupportsRead {

  private final Map<String, String> tableOptions;

  ZentrunkTable(Map<String, String> tableOptions) {
    this.tableOptions = Map.copyOf(tableOptions);
    ReadConf.parse(this.tableOptions); // fail fast on bad options, before any request
  }

  @Override
  public String name() {
    return "zentrunk.calls";
  }

  @Override
  public StructType schema() {
    return CdrSchema.SCHEMA;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    Map<String, String> merged = new HashMap<>(tableOptions);
    merged.putAll(options.asCaseSensitiveMap());
    return new ZentrunkScanBuilder(ReadConf.parse(merged));
  }

  @Override
  public String toString() {
    return "ZentrunkTable";
  }
}
