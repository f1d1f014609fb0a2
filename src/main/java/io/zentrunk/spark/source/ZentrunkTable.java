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
  /** The table's options, parsed once here: bad options fail when the DataFrame is made, before any request. */
  private final ReadConf tableConf;

  ZentrunkTable(Map<String, String> tableOptions) {
    this.tableOptions = Map.copyOf(tableOptions);
    this.tableConf = ReadConf.parse(this.tableOptions);
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
    // spark.read passes the same options to the table and the scan: parse again only when the
    // scan adds or changes one (a catalog table read with per-query options).
    return new ZentrunkScanBuilder(merged.equals(tableOptions) ? tableConf : ReadConf.parse(merged));
  }

  @Override
  public String toString() {
    return "ZentrunkTable";
  }
}
