package io.zentrunk.spark.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.testing.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadBack}: the written datasets read back in one Spark job hold each folder's rows exactly as its own
 * collect gives them: the same values, types, order and row schema.
 */
class ReadBackTest {

  @TempDir
  Path dir;

  @Test
  void everyFolderComesBackAsItsOwnCollectGivesItInOneJob() throws Exception {
    SparkSession spark = TestSpark.session();
    StructType days = new StructType().add("end_date", DataTypes.DateType, false).add("calls", DataTypes.LongType, false)
        .add("amount", DataTypes.createDecimalType(28, 5), true).add("asr", DataTypes.DoubleType, true);
    StructType hours = new StructType().add("trunk_id", DataTypes.StringType, true)
        .add("hour_start", DataTypes.TimestampType, false).add("flagged", DataTypes.BooleanType, true);
    StructType none = new StructType().add("x", DataTypes.IntegerType, true);
    List<Row> dayRows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      dayRows.add(RowFactory.create(LocalDate.parse("2026-10-01").plusDays(i), (long) (50 - i),
          i % 7 == 0 ? null : new BigDecimal("1.00000").multiply(BigDecimal.valueOf(i)).setScale(5), i % 5 == 0 ? null : i / 3.0));
    }
    List<Row> hourRows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      hourRows.add(RowFactory.create(i % 4 == 0 ? null : "trunk-" + (i % 3),
          Instant.parse("2026-10-01T00:00:00Z").plusSeconds(3600L * (29 - i)), i % 2 == 0 ? null : i % 3 == 0));
    }
    String base = dir.toUri().toString();
    // several files per folder, so that the order of files and of rows within them counts
    spark.createDataFrame(dayRows, days).repartition(3).write().parquet(base + "/days");
    spark.createDataFrame(hourRows, hours).repartition(2).write().parquet(base + "/hours");
    spark.createDataFrame(List.of(), none).write().parquet(base + "/none");
    Map<String, StructType> schemas = new LinkedHashMap<>();
    schemas.put("hours", hours);
    schemas.put("none", none);
    schemas.put("days", days);

    Map<String, List<Row>> alone = new LinkedHashMap<>();
    schemas.forEach((name, s) -> alone.put(name, spark.read().schema(s).parquet(base + "/" + name).collectAsList()));
    AtomicInteger jobs = new AtomicInteger();
    SparkListener count = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        jobs.incrementAndGet();
      }
    };
    Map<String, List<Row>> together = listening(spark, count, () -> ReadBack.rows(spark, base, schemas));
    assertThat(jobs.get()).as("Spark jobs").isEqualTo(1);
    assertThat(together.keySet()).containsExactly("hours", "none", "days");
    assertThat(alone.get("days")).hasSize(50);
    assertThat(alone.get("hours")).hasSize(30);
    assertThat(alone.get("none")).isEmpty();
    for (String name : schemas.keySet()) {
      List<Row> a = alone.get(name);
      List<Row> t = together.get(name);
      assertThat(t).as(name).containsExactlyElementsOf(a);
      for (int i = 0; i < a.size(); i++) {
        assertThat(t.get(i).schema()).as(name + " row schema").isEqualTo(a.get(i).schema());
        for (int j = 0; j < a.get(i).size(); j++) {
          Object v = a.get(i).get(j);
          assertThat(t.get(i).get(j)).as(name + " " + i + "," + j).isEqualTo(v);
          if (v != null) {
            assertThat(t.get(i).get(j)).isExactlyInstanceOf(v.getClass());
          }
        }
      }
    }
    // not sorted by accident: the days' rows come back in their files' order, which is not the rows' order
    Dataset<Row> sorted = spark.read().schema(days).parquet(base + "/days").orderBy("end_date");
    assertThat(together.get("days")).isNotEqualTo(sorted.collectAsList());
  }

  @Test
  void theWideRowsPlanIsShownWholeAndTheSettingIsPutBack() throws Exception {
    SparkSession spark = TestSpark.session();
    spark.conf().set(ReadBack.MAX_TO_STRING_FIELDS, "25"); // Spark's default, whatever another test set
    // two datasets of 20 columns: 41 fields in the union's row, more than a plan's string shows by default
    StructType wide = new StructType();
    for (int i = 0; i < 20; i++) {
      wide = wide.add("c" + i, DataTypes.IntegerType, true);
    }
    Object[] values = new Object[20];
    java.util.Arrays.fill(values, 7);
    String base = dir.toUri().toString();
    Map<String, StructType> schemas = new LinkedHashMap<>();
    for (String name : List.of("a", "b")) {
      spark.createDataFrame(List.of(RowFactory.create(values)), wide).write().parquet(base + "/" + name);
      schemas.put(name, wide);
    }
    List<String> plans = new java.util.concurrent.CopyOnWriteArrayList<>();
    SparkListener listen = new SparkListener() {
      @Override
      public void onOtherEvent(org.apache.spark.scheduler.SparkListenerEvent e) {
        if (e instanceof org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart start) {
          plans.add(start.physicalPlanDescription());
          addNodes(start.sparkPlanInfo(), plans);
        }
      }
    };
    Map<String, List<Row>> rows = listening(spark, listen, () -> ReadBack.rows(spark, base, schemas));
    assertThat(rows.get("a")).hasSize(1);
    assertThat(rows.get("b")).hasSize(1);
    assertThat(plans).as("the read-back's plan").isNotEmpty();
    // Spark's truncated string ends with "... N more fields" (and warns "Truncated the string representation")
    assertThat(plans).noneMatch(plan -> plan.contains("more fields"));
    assertThat(spark.conf().get(ReadBack.MAX_TO_STRING_FIELDS)).as("the setting put back").isEqualTo("25");
  }

  /** {@code action}'s result, with {@code listener} on Spark's bus while it runs and until its events are delivered. */
  private static <T> T listening(SparkSession spark, SparkListener listener, java.util.function.Supplier<T> action)
      throws java.util.concurrent.TimeoutException {
    spark.sparkContext().addSparkListener(listener);
    try {
      T result = action.get();
      spark.sparkContext().listenerBus().waitUntilEmpty();
      return result;
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  /** Each node's one-line string, as the SQL tab, the event log and the plan's own printing show it. */
  private static void addNodes(org.apache.spark.sql.execution.SparkPlanInfo node, List<String> out) {
    out.add(node.simpleString());
    scala.jdk.javaapi.CollectionConverters.asJava(node.children()).forEach(c -> addNodes(c, out));
  }
}
