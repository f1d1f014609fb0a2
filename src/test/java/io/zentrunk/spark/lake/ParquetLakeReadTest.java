package io.zentrunk.spark.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.to_date;
import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.testing.TestSpark;
import java.nio.file.Files;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a Parquet lake of many days: its files are listed on the driver, only the window's days, and its row groups
 * are not filtered by their dictionaries.
 */
class ParquetLakeReadTest {

  @TempDir java.nio.file.Path tmp;

  /** A day of the lake's first CDR: 2026-09-01. */
  private static final Instant FIRST = Instant.parse("2026-09-01T00:00:00Z");

  @Test
  void aReadOfManyDaysListsOnTheDriverWithoutAJobAndKeepsTheWindowsRows() throws Exception {
    SparkSession spark = TestSpark.session();
    // 60 day partitions: above Spark's default of 32 folders listed in parallel
    ParquetLake parquet = lake(spark, "lake", 60);

    java.util.List<Dataset<Row>> reads = new java.util.ArrayList<>();
    // Spark's parallel listing of 60 folders is a job; the driver's listing is none
    assertThat(jobsOf(spark, () -> {
      reads.add(parquet.read(FIRST.plusSeconds(10 * 86_400 + 3_600), FIRST.plusSeconds(50 * 86_400)));
      reads.add(parquet.read(FIRST.minusSeconds(7 * 86_400), FIRST.plusSeconds(60 * 86_400)));
    })).as("jobs run to make the reads").isZero();
    Dataset<Row> window = reads.get(0);
    Dataset<Row> all = reads.get(1);
    // the window's rows: 2026-09-11 from 01:00 (its 12:00 CDR) to the end of day 50 (not included)
    assertThat(window.count()).isEqualTo(1 + 2 * 39);
    assertThat(all.count()).isEqualTo(120);
    // the window's end_time filter is not checked against the row groups' dictionaries (their min and max only)
    for (var leaf : scala.jdk.javaapi.CollectionConverters.asJava(window.queryExecution().optimizedPlan().collectLeaves())) {
      HadoopFsRelation files = (HadoopFsRelation) ((LogicalRelation) leaf).relation();
      assertThat(files.options().get(ParquetLake.DICTIONARY_FILTER).getOrElse(() -> "unset")).isEqualTo("false");
    }
    assertThat(window.inputFiles()).hasSize(40).allMatch(f -> !f.contains("end_date=2026-09-10/")
        && !f.contains("end_date=2026-10-21/"));
  }

  @Test
  void theFirstEndTimeComesFromTheFootersWithoutAJobAndFromTheRowsWhereTheyCannotTell() throws Exception {
    SparkSession spark = TestSpark.session();
    // one row group a day
    ParquetLake parquet = lake(spark, "probe", 5);
    Instant day2 = FIRST.plusSeconds(2 * 86_400);

    // from a day's start: the day's row group starts in the range, its minimum is the answer
    assertThat(jobsOf(spark, () -> assertThat(parquet.firstEndTime(FIRST.minusSeconds(86_400), FIRST.plusSeconds(5 * 86_400)))
        .contains(FIRST.plusSeconds(60)))).isZero();
    // after a day's last CDR: that day's row group is skipped, the next day's minimum is the answer
    assertThat(jobsOf(spark, () -> assertThat(parquet.firstEndTime(day2.plusSeconds(13 * 3_600), FIRST.plusSeconds(5 * 86_400)))
        .contains(day2.plusSeconds(86_400 + 60)))).isZero();
    // nothing in the range
    assertThat(jobsOf(spark, () -> assertThat(parquet.firstEndTime(day2.plusSeconds(13 * 3_600), day2.plusSeconds(14 * 3_600)))
        .isEmpty())).isZero();
    // a row group that begins before the range and reaches into it: its earliest in the range is read from the rows
    assertThat(jobsOf(spark, () -> assertThat(parquet.firstEndTime(day2.plusSeconds(3_600), FIRST.plusSeconds(5 * 86_400)))
        .contains(day2.plusSeconds(43_200)))).isPositive();
  }

  /**
   * A lake of {@code days} day partitions from {@link #FIRST}, two CDRs a day (00:01 and 12:00) in one file, its
   * timestamps written as the lake writes them.
   */
  private ParquetLake lake(SparkSession spark, String name, int days) throws java.io.IOException {
    java.nio.file.Path lake = Files.createDirectories(tmp.resolve(name));
    spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    try {
      spark.range(2L * days)
          .select(col("id").cast("string").as("call_uuid"),
              timestamp_seconds(lit(FIRST.getEpochSecond()).plus(col("id").divide(2).cast("long").multiply(86_400))
                  .plus(col("id").mod(2).multiply(43_140)).plus(60)).as("end_time"))
          .withColumn("end_date", to_date(col("end_time")))
          .coalesce(1).write().option("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
          .partitionBy("end_date").parquet(lake.resolve("cdrs").toString());
    } finally {
      spark.conf().unset("spark.sql.parquet.outputTimestampType");
    }
    return ParquetLake.open(spark, lake.toString());
  }

  /** How many Spark jobs {@code r} ran. */
  private static int jobsOf(SparkSession spark, Runnable r) throws java.util.concurrent.TimeoutException {
    // the jobs before it (the lake's writing) are not counted
    spark.sparkContext().listenerBus().waitUntilEmpty();
    AtomicInteger jobs = new AtomicInteger();
    SparkListener counting = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.incrementAndGet();
      }
    };
    spark.sparkContext().addSparkListener(counting);
    try {
      r.run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(counting);
    }
    return jobs.get();
  }
}
