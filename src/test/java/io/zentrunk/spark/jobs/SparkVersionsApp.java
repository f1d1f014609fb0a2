package io.zentrunk.spark.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The application that {@link SparkVersionsIT} submits to each Spark version (packaged into its own
 * jar by the test, next to the project's jar on {@code --jars}): the report job exactly as
 * {@code spark-submit --class io.zentrunk.spark.jobs.Main} runs it, then, in the same application, a
 * read with pushdown and (where the Spark version has an Iceberg runtime) an Iceberg table.
 * Writes what it saw under a local folder for the test to compare with the emulator's ground truth.
 *
 * <p>Arguments: api-url start end now report-output check-dir iceberg-warehouse|none.
 */
public final class SparkVersionsApp {

  private SparkVersionsApp() {}

  public static void main(String[] args) throws Exception {
    String api = args[0];
    String start = args[1];
    String end = args[2];
    String now = args[3];
    String report = args[4];
    Path check = Path.of(args[5]);
    String warehouse = args[6];
    int code = Main.run("report", "--start", start, "--end", end, "--now", now, "--output", report, "--api-url", api);
    if (code != 0) {
      System.exit(code);
    }
    SparkSession spark = SparkSession.builder().getOrCreate();
    Files.writeString(check.resolve("spark-version.txt"), spark.version());
    Files.write(check.resolve("hangup_causes.txt"), spark.read().parquet(report + "/hangup_causes")
        .select("end_date", "call_direction", "hangup_source", "hangup_cause_code", "calls", "amount")
        .collectAsList().stream()
        .map(r -> String.join("|", r.get(0).toString(), r.getString(1), r.getString(2), String.valueOf(r.get(3)))
            + "=" + r.getLong(4) + "|" + r.getDecimal(5).stripTrailingZeros().toPlainString())
        .sorted().toList());

    Dataset<Row> outboundBilled = spark.read().format("zentrunk")
        .option("api_url", api).option("start", start).option("end", end).option("now", now).load()
        .filter("call_direction = 'outbound' AND bill_duration > 60")
        .select("call_uuid", "bill_duration");
    Files.writeString(check.resolve("plan.txt"), outboundBilled.queryExecution().executedPlan().toString());
    List<String> uuids = outboundBilled.collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    Files.write(check.resolve("pushdown.txt"), uuids);

    if (!warehouse.equals("none")) {
      // an Iceberg table in a Hadoop catalog (no metastore): write the read, read it back
      spark.conf().set("spark.sql.catalog.versions", "org.apache.iceberg.spark.SparkCatalog");
      spark.conf().set("spark.sql.catalog.versions.type", "hadoop");
      spark.conf().set("spark.sql.catalog.versions.warehouse", warehouse);
      outboundBilled.writeTo("versions.cdrs.outbound_billed").create();
      Files.write(check.resolve("iceberg.txt"), spark.table("versions.cdrs.outbound_billed").collectAsList().stream()
          .map(r -> r.getString(0)).sorted().collect(Collectors.toList()));
    }
    spark.stop();
  }
}
