package io.zentrunk.spark.lake;

import static io.zentrunk.spark.source.CdrColumns.END_TIME;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/** How {@link IcebergLake} creates its table, changes its schema and commits metadata (branches, properties). */
final class IcebergTables {

  private IcebergTables() {}

  /**
   * Creates the lake's table in {@code catalog} (and its namespace), recording {@code source}, partitioned by
   * account too when {@code byAccount} (a lake of several accounts); if another run created it meanwhile, checks
   * that one's source instead.
   */
  static Table create(Catalog catalog, TableIdentifier ident, String name, Provenance source, boolean byAccount) {
    if (catalog instanceof SupportsNamespaces ns && !ident.namespace().isEmpty()
        && !ns.namespaceExists(ident.namespace())) {
      try {
        ns.createNamespace(ident.namespace());
      } catch (AlreadyExistsException raced) {
        // created meanwhile by another run
      }
    }
    Schema schema = IcebergLake.schema();
    try {
      return catalog.buildTable(ident, schema)
          .withPartitionSpec(byAccount ? IcebergLake.specByAccount(schema) : IcebergLake.spec(schema))
          .withSortOrder(SortOrder.builderFor(schema).asc(END_TIME).build())
          .withProperties(properties(source))
          .create();
    } catch (AlreadyExistsException raced) {
      Table t = catalog.loadTable(ident);
      Provenance.check(name, IcebergLake.provenance(t), source, false);
      return t;
    }
  }

  /** The properties of a table ingest creates (cdrs, call_insights): format, files, metadata kept, the source. */
  static Map<String, String> properties(Provenance source) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put(TableProperties.FORMAT_VERSION, String.valueOf(IcebergLake.FORMAT_VERSION));
    props.put(TableProperties.PARQUET_COMPRESSION, "zstd");
    // cluster each write by day partition, then sort by the table's sort order (end_time) within each file
    props.put(TableProperties.WRITE_DISTRIBUTION_MODE, TableProperties.WRITE_DISTRIBUTION_MODE_HASH);
    // old metadata files go once they are no longer needed, as expired snapshots do
    props.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
    props.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20");
    props.put(IcebergLake.AUTH_ID, source.authId());
    props.put(IcebergLake.API_HOST, source.apiHost());
    return props;
  }

  /**
   * Runs a metadata commit (a branch created, moved or removed) on the freshly loaded table, again after a
   * {@link CommitFailedException}: another writer changed the metadata meanwhile (say, created its own branch),
   * which the catalog's compare-and-swap rejects and Iceberg's own retry cannot redo inside a transaction.
   * What must not be redone blindly is not: the fast-forward re-checks that {@code main} is an ancestor.
   */
  static void metadataCommit(Table table, Consumer<Table> commit) {
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      try {
        commit.accept(table);
        return;
      } catch (CommitFailedException e) {
        if (attempt >= 10) {
          throw e;
        }
        try {
          Thread.sleep(50L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Adds the columns that the source has and the table lacks (a later connector version may add some). */
  static void evolve(Table table, Dataset<Row> cdrs, Consumer<String> progress) {
    List<String> added = new ArrayList<>();
    UpdateSchema update = table.updateSchema();
    for (StructField f : cdrs.schema().fields()) {
      if (table.schema().findField(f.name()) == null) {
        update.addColumn(f.name(), SparkSchemaUtil.convert(f.dataType()));
        added.add(f.name());
      }
    }
    if (!added.isEmpty()) {
      update.commit();
      table.refresh();
      progress.accept("schema: added column" + (added.size() > 1 ? "s " : " ") + String.join(", ", added));
    }
  }
}
