package io.zentrunk.spark.jobs;

import io.zentrunk.spark.alerts.AlertStore;
import io.zentrunk.spark.report.ReportFunctions;
import io.zentrunk.spark.report.ReportJob;
import io.zentrunk.spark.source.CdrSchema;
import io.zentrunk.spark.source.InsightsSchema;
import io.zentrunk.spark.source.ReadOption;
import io.zentrunk.spark.source.ReadOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;

/**
 * The reference pages of the documentation site, written from the declarations they describe: the source's options
 * ({@link ReadOptions}), the jobs' command lines (picocli's own usage text, as {@code --help} prints it) and the
 * schemas ({@link CdrSchema}, {@link InsightsSchema}, {@link AlertStore#SCHEMA}, and the report's datasets as the report's own
 * functions ({@link ReportFunctions}) make them from no CDRs). {@link ReferencePagesTest} fails when
 * a committed page differs from what this writes; {@code jobs/docs --regenerate} writes them.
 */
final class ReferencePages {
  private ReferencePages() {}

  static final String HEADER = "<!-- Generated from the code by jobs/docs --regenerate (ReferencePages.java); "
      + "ReferencePagesTest fails when this page and the code differ. Do not edit by hand. -->\n\n";

  /** Each page, by its path under docs/, in the site's order. */
  static Map<String, String> all(SparkSession spark) {
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("reference/read-options.md", readOptions());
    pages.put("reference/jobs.md", jobs());
    pages.put("reference/schemas.md", schemas());
    pages.put("reference/report-datasets.md", reportDatasets(spark));
    return pages;
  }

  static String readOptions() {
    StringBuilder sb = new StringBuilder(HEADER);
    sb.append("# Read options\n\n");
    sb.append("The options of `spark.read.format(\"zentrunk\")` and `readStream.format(\"zentrunk\")`, as declared in\n")
        .append("`ReadOptions.java`. Keys are case-insensitive. An unknown option, or a value outside the accepted ones,\n")
        .append("fails the read before any request with one line naming the option (see [Troubleshooting](../troubleshooting.md)).\n")
        .append("The jobs pass them with `--source-option KEY=VALUE`.\n\n");
    sb.append("| option | type | default | since | meaning |\n|---|---|---|---|---|\n");
    for (ReadOption<?> o : ReadOptions.ALL.values()) {
      sb.append("| `").append(o.key()).append("` | ").append(cell(o.accepts())).append(" | ").append(cell(o.defaultDoc()))
          .append(" | ").append(o.since()).append(" | ").append(cell(o.doc())).append(" |\n");
    }
    return sb.toString();
  }

  static String jobs() {
    StringBuilder sb = new StringBuilder(HEADER);
    sb.append("# Command line of the jobs\n\n");
    sb.append("Every job runs as `jobs/run JOB [options]` or `spark-submit --class io.zentrunk.spark.jobs.Main\n")
        .append("zentrunk-spark.jar JOB [options]`. Below is each job's `--help`, as it prints it. A mistake on the\n")
        .append("command line stops the job with one line naming the option and exit code 2\n")
        .append("(see [Troubleshooting](../troubleshooting.md)).\n");
    CommandLine main = Main.commandLine();
    for (Map.Entry<String, CommandLine> job : main.getSubcommands().entrySet()) {
      sb.append("\n## ").append(job.getKey()).append("\n\n```text\n")
          .append(job.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n");
    }
    return sb.toString();
  }

  static String schemas() {
    StringBuilder sb = new StringBuilder(HEADER);
    sb.append("# Schemas\n\n");
    sb.append("The columns of the tables the source reads and of the dataset the `watch` job writes, from their\n")
        .append("declarations. A column marked *API filter* is also a read option: a `WHERE` on it is sent to the API\n")
        .append("(see [Read options](read-options.md)). Timestamps are UTC.\n\n");
    sb.append("## `calls` (the default table: one row per CDR)\n\nDeclared in `CdrField.java` and `CdrSchema.java`.\n\n");
    table(sb, CdrSchema.SCHEMA, true);
    sb.append("\n## `call_insights` (one row per call: its quality metrics)\n\nDeclared in `InsightsSchema.java`; read with "
        + "option `table=call_insights`.\n\n");
    table(sb, InsightsSchema.SCHEMA, true);
    sb.append("\n## Alerts (the `watch` job's `--alerts` store: Parquet or an Iceberg table)\n\nDeclared in `Alerts.java` "
        + "and `AlertStore.java`: one row per alert and event (`trigger`, then `resolve`), only ever appended.\n\n");
    table(sb, AlertStore.SCHEMA, false);
    return sb.toString();
  }

  /**
   * The report's datasets: each one's schema as its function in {@link ReportFunctions} computes it (from empty CDRs
   * and Insights: Spark only analyses the plans), so the page is what the report writes.
   */
  static String reportDatasets(SparkSession spark) {
    Dataset<Row> cdrs = spark.createDataFrame(List.of(), CdrSchema.SCHEMA);
    Dataset<Row> insights = spark.createDataFrame(List.of(), InsightsSchema.SCHEMA);
    String start = "2026-01-01T00:00:00Z";
    String end = "2026-01-02T00:00:00Z";
    Map<String, Dataset<Row>> datasets = new LinkedHashMap<>();
    datasets.put(ReportJob.HANGUP_CAUSES, ReportFunctions.hangupCauses(cdrs));
    datasets.put(ReportJob.COUNTRIES, ReportFunctions.countries(cdrs));
    datasets.put(ReportJob.ATTESTATION, ReportFunctions.attestation(cdrs));
    datasets.put(ReportJob.KPIS, ReportFunctions.kpis(cdrs));
    datasets.put(ReportJob.CAPACITY, ReportFunctions.capacity(cdrs, start, end));
    datasets.put(ReportJob.FRAUD_SIGNALS, ReportFunctions.fraudSignals(cdrs, "2026-01-01", "2025-12-25"));
    datasets.put(ReportJob.TRUNK_HOURS, ReportFunctions.trunkHours(cdrs, start, end));
    datasets.put(ReportJob.TRUNK_SIZING, ReportFunctions.trunkSizing(cdrs, start, end, 0.01, null, null));
    datasets.put(ReportJob.WANGIRI_SIGNALS, ReportFunctions.wangiriSignals(cdrs));
    datasets.put(ReportJob.QUALITY, ReportFunctions.quality(insights, cdrs));
    datasets.put(ReportJob.QUALITY_CARRIERS, ReportFunctions.qualityCarriers(insights, 0.5));
    datasets.put(ReportJob.QUALITY_HOURS, ReportFunctions.qualityHours(insights));
    StringBuilder sb = new StringBuilder(HEADER);
    sb.append("# Report datasets\n\n");
    sb.append("What `report` writes as Parquet under `OUTPUT/`: one folder per dataset below (the `quality` ones with\n")
        .append("`--quality` only), replaced on re-run, beside `_source.json` and `report.html`. The columns are those\n")
        .append("the report's functions compute (`ReportFunctions.java`; also callable from Python).\n");
    for (Map.Entry<String, Dataset<Row>> d : datasets.entrySet()) {
      sb.append("\n## `").append(d.getKey()).append("`\n\n");
      table(sb, d.getValue().schema(), false);
    }
    return sb.toString();
  }

  private static void table(StringBuilder sb, StructType schema, boolean filters) {
    sb.append(filters ? "| column | type | nullable | API filter |\n|---|---|---|---|\n" : "| column | type | nullable |\n|---|---|---|\n");
    for (StructField f : schema.fields()) {
      sb.append("| `").append(f.name()).append("` | ").append(f.dataType().simpleString()).append(" | ")
          .append(f.nullable() ? "yes" : "no");
      if (filters) {
        sb.append(" | ").append(ReadOptions.ALL.containsKey(f.name()) ? "yes" : "no");
      }
      sb.append(" |\n");
    }
  }

  /** A table cell: a '|' would end it. */
  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
