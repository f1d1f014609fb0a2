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
 * A read-only catalog with one table, {@code calls}: {@code spark.sql.catalog.zentrunk=}this
 * class, the source's options as {@code spark.sql.catalog.zentrunk.<option>}, then
 * {@code SELECT ... FROM zentrunk.calls WHERE end_time >= ...}: the WHERE clause sets the window.
 */
public final class ZentrunkCatalog implements TableCatalog {

  public static final String TABLE = "calls";

  private String name;
  private Map<String, String> options;

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
    this.options = Map.copyOf(options.asCaseSensitiveMap());
    ReadConf.parse(this.options);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) {
    return new Identifier[] {Identifier.of(new String[0], TABLE)};
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    if (!ident.name().equalsIgnoreCase(TABLE) || ident.namespace().length > 0) {
      throw new NoSuchTableException(ident);
    }
    return new ZentrunkTable(options);
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
