package io.zentrunk.spark.source;

import java.util.Map;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A read-only catalog with two tables, {@code calls} and {@code call_insights} (the calls' Insights, one request per
 * call, see {@link InsightsSchema}): {@code spark.sql.catalog.zentrunk=}this
 * class, the source's options as {@code spark.sql.catalog.zentrunk.<option>}, then
 * {@code SELECT ... FROM zentrunk.calls WHERE end_time >= ...}: the WHERE clause sets the window.
 */
public final class ZentrunkCatalog implements TableCatalog {

  public static final String TABLE = "calls";
  /** The Insights table. */
  public static final String INSIGHTS = ReadConf.INSIGHTS_TABLE;

  private String name;
  private Map<String, String> options;

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
    this.options = Map.copyOf(options.asCaseSensitiveMap());
    ReadConf.parse(insightsOptions()); // every option checked, those of call_insights too
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) {
    return new Identifier[] {Identifier.of(new String[0], TABLE), Identifier.of(new String[0], INSIGHTS)};
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    if (ident.namespace().length > 0) {
      throw new NoSuchTableException(ident);
    }
    if (ident.name().equalsIgnoreCase(INSIGHTS)) {
      return new ZentrunkTable(insightsOptions());
    }
    if (!ident.name().equalsIgnoreCase(TABLE)) {
      throw new NoSuchTableException(ident);
    }
    // the catalog's options of call_insights (max_requests, sample) are not the calls table's
    Map<String, String> o = new java.util.HashMap<>(options);
    o.keySet().removeIf(k -> k.equalsIgnoreCase(ReadOptions.MAX_REQUESTS.key())
        || k.equalsIgnoreCase(ReadOptions.SAMPLE.key()) || k.equalsIgnoreCase(ReadOptions.TABLE.key()));
    return new ZentrunkTable(o);
  }

  /** The catalog's options with {@code table=call_insights}. */
  private Map<String, String> insightsOptions() {
    Map<String, String> o = new java.util.HashMap<>(options);
    o.keySet().removeIf(k -> k.equalsIgnoreCase(ReadOptions.TABLE.key()));
    o.put(ReadOptions.TABLE.key(), INSIGHTS);
    return o;
  }

  @Override
  public Table createTable(Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties) {
    throw new UnsupportedOperationException("the zentrunk catalog is read-only");
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw new UnsupportedOperationException("the zentrunk catalog is read-only");
  }

  @Override
  public boolean dropTable(Identifier ident) {
    throw new UnsupportedOperationException("the zentrunk catalog is read-only");
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw new UnsupportedOperationException("the zentrunk catalog is read-only");
  }
}
