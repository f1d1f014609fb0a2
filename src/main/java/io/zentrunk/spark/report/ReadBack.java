package io.zentrunk.spark.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.zentrunk.spark.storage.SessionConf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The written datasets read back for the summary and the page in one Spark job: each folder's rows exactly as
 * {@code spark.read().schema(s).parquet(folder).collectAsList()} gives them (the same values, in the same order, with
 * the same row schema), for all folders with one action.
 *
 * <p>Why: each dataset read back by its own {@code collectAsList} is a job of its own, and on the quick start's rows a
 * small job's time is Spark's scheduling, planning and task start-up, not the rows (jobs/bench compute: nine such
 * jobs of one task after the writes). Here the folders are one union of scans, each scan's columns at their own
 * place in one wide row (the other datasets' columns NULL) with the dataset's number first; the union keeps each
 * scan's partitions in order, so that each dataset's rows come back in the order its own collect gives.
 */
final class ReadBack {

  private ReadBack() {}

  /**
   * The rows of each folder {@code base/NAME} of {@code schemas} (its dataset's schema, as written), read in one job.
   */
  static Map<String, List<Row>> rows(SparkSession spark, String base, Map<String, StructType> schemas) {
    List<String> names = new ArrayList<>(schemas.keySet());
    List<Dataset<Row>> reads = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    List<StructField> wide = new ArrayList<>();
    int offset = 1;
    for (String name : names) {
      Dataset<Row> read = spark.read().schema(schemas.get(name)).parquet(base + "/" + name);
      reads.add(read);
      offsets.add(offset);
      for (StructField f : read.schema().fields()) {
        wide.add(DataTypes.createStructField("c" + wide.size(), f.dataType(), true));
      }
      offset += read.schema().size();
    }
    Map<String, List<Row>> out = new LinkedHashMap<>();
    names.forEach(n -> out.put(n, new ArrayList<>()));
    if (names.isEmpty()) {
      return out;
    }
    Dataset<Row> all = null;
    for (int i = 0; i < names.size(); i++) {
      Dataset<Row> read = reads.get(i);
      List<Column> cols = new ArrayList<>();
      cols.add(lit(i).as("dataset"));
      for (int j = 0; j < wide.size(); j++) {
        int own = j + 1 - offsets.get(i);
        StructField w = wide.get(j);
        cols.add((own >= 0 && own < read.schema().size() ? col("`" + read.schema().fields()[own].name() + "`")
            : lit(null).cast(w.dataType())).as(w.name()));
      }
      Dataset<Row> one = read.select(cols.toArray(new Column[0]));
      all = all == null ? one : all.union(one);
    }
    for (Row r : collect(spark, all, 1 + wide.size())) {
      int i = r.getInt(0);
      StructType schema = reads.get(i).schema();
      Object[] values = new Object[schema.size()];
      for (int j = 0; j < values.length; j++) {
        values[j] = r.get(offsets.get(i) + j);
      }
      out.get(names.get(i)).add(new GenericRowWithSchema(values, schema));
    }
    return out;
  }

  /** Spark's setting of how many fields a plan's string shows (beyond it, Spark truncates and warns once). */
  static final String MAX_TO_STRING_FIELDS = "spark.sql.debug.maxToStringFields";

  /**
   * The rows of {@code all}, its plan shown whole: the union's wide row has every dataset's columns, more than the
   * fields a plan's string shows by default, and Spark would print "Truncated the string representation of a plan"
   * into the job's output. The setting is raised (never lowered) for this one action and put back after it.
   */
  private static List<Row> collect(SparkSession spark, Dataset<Row> all, int fields) {
    String before = spark.conf().contains(MAX_TO_STRING_FIELDS) ? spark.conf().get(MAX_TO_STRING_FIELDS) : null;
    int shown = before == null ? 25 : Integer.parseInt(before.trim());
    Map<String, String> raised = shown >= fields ? Map.of() : Map.of(MAX_TO_STRING_FIELDS, String.valueOf(fields));
    try (SessionConf ignored = SessionConf.set(spark, raised)) {
      return all.collectAsList();
    }
  }
}
