package io.zentrunk.spark.source;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The account's CDRs, or with option {@code table=call_insights} their Insights ({@link InsightsSchema}), as a
 * read-only table. Options of the table and of the scan are merged, the scan's winning.
 */
final class ZentrunkTable implements SupportsRead {

  /** Table properties that OpenLineage's Spark integration reads to name a DSv2 table's dataset. */
  static final String LINEAGE_NAMESPACE = "openlineage.dataset.namespace";
  static final String LINEAGE_NAME = "openlineage.dataset.name";

  private final Map<String, String> tableOptions;
  /** The table's options, parsed once here: bad options fail when the DataFrame is made, before any request. */
  private final ReadConf tableConf;
  private final Map<String, String> properties;

  ZentrunkTable(Map<String, String> tableOptions) {
    this.tableOptions = Map.copyOf(tableOptions);
    this.tableConf = ReadConf.parse(this.tableOptions);
    Map<String, String> p = lineage(tableConf.client.apiUrl(), tableConf.client.authId());
    if (tableConf.insights()) {
      p = Map.of(LINEAGE_NAMESPACE, p.get(LINEAGE_NAMESPACE), LINEAGE_NAME, p.get(LINEAGE_NAME) + "/Insights");
    }
    this.properties = p;
  }

  /**
   * The account's CDR dataset as lineage tools name it: the namespace is the API's host (scheme
   * {@code plivo}, so https://api.plivo.com gives {@code plivo://api.plivo.com}; an emulator keeps its
   * port), the name the API's resource path of the account's Zentrunk calls,
   * {@code Account/<auth_id>/Zentrunk/Call}. The auth id names the account (it is in every request's
   * URL); the token is never a property.
   */
  static Map<String, String> lineage(String apiUrl, String authId) {
    URI uri = URI.create(apiUrl);
    String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    return Map.of(LINEAGE_NAMESPACE, "plivo://" + authority, LINEAGE_NAME, "Account/" + authId + "/Zentrunk/Call");
  }

  @Override
  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public String name() {
    return tableConf.insights() ? "zentrunk." + ReadConf.INSIGHTS_TABLE : "zentrunk.calls";
  }

  @Override
  public StructType schema() {
    return tableConf.insights() ? InsightsSchema.SCHEMA : CdrSchema.SCHEMA;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return tableConf.insights() ? Set.of(TableCapability.BATCH_READ)
        : Set.of(TableCapability.BATCH_READ, TableCapability.MICRO_BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    Map<String, String> merged = new HashMap<>(tableOptions);
    merged.putAll(options.asCaseSensitiveMap());
    // spark.read passes the same options to the table and the scan: parse again only when the
    // scan adds or changes one (a catalog table read with per-query options).
    ReadConf conf = merged.equals(tableOptions) ? tableConf : ReadConf.parse(merged);
    if (conf.insights() != tableConf.insights()) {
      throw new IllegalArgumentException("Option '" + ReadOptions.TABLE.key() + "' cannot change in a read of table "
          + tableConf.table);
    }
    return conf.insights() ? new InsightsScanBuilder(conf) : new ZentrunkScanBuilder(conf);
  }

  @Override
  public String toString() {
    return "ZentrunkTable";
  }
}
