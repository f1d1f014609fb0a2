package io.zentrunk.spark.jobs;

import java.time.Instant;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
        "Hangup causes, countries (ASR, ACD) and the attestation mix of the CDRs with START <= end_time < END,",
        "written as Parquet under OUTPUT/hangup_causes, OUTPUT/countries and OUTPUT/attestation (replaced on",
        "re-run); a short summary goes to stdout. Times are UTC: YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' or ISO-8601."})
public final class ReportCommand extends JobCommand {

  @Option(names = "--start", paramLabel = "TS", description = "first end_time included (UTC), required")
  String start;

  @Option(names = "--end", paramLabel = "TS", description = "end_time upper bound, excluded (UTC), required")
  String end;

  @Option(names = "--output", paramLabel = "PATH", description = "output folder (local, hdfs://, s3a://), required")
  String output;

  @Option(names = "--source", paramLabel = "api|lake", defaultValue = "api",
      description = "read the API (last 90 days) or a lake made by ingest (default: ${DEFAULT-VALUE})")
  String source;

  @Option(names = "--lake", paramLabel = "PATH", description = "the lake, with --source lake")
  String lake;

  @Option(names = "--api-url", paramLabel = "URL", description = "API base URL (default: the real service)")
  String apiUrl;

  @Override
  void execute() {
    Instant s = time(required(start, "--start"), "--start");
    Instant e = time(required(end, "--end"), "--end");
    required(output, "--output");
    if (!e.isAfter(s)) {
      throw new UsageException("--end " + e + " must be after --start " + s);
    }
    String src = source.toLowerCase(Locale.ROOT);
    if (!src.equals("api") && !src.equals("lake")) {
      throw new UsageException("--source must be api or lake, not '" + source + "'");
    }
    if (src.equals("lake")) {
      required(lake, "--lake (with --source lake)");
    } else if (lake != null) {
      throw new UsageException("--lake is only read with --source lake");
    }
    if (src.equals("lake")) {
      SparkSession spark = session("zentrunk report");
      writable(spark, output, "--output");
      Lake l = Lake.open(spark, lake);
      l.state().map(LakeState::completeUntil).filter(c -> c.isBefore(e)).ifPresent(c -> System.err.println(
          "report: note: the lake is complete only up to " + c + "; later days may be partial or missing"));
      ReportJob.run(spark, l.read(s, e), output);
      return;
    }
    SparkSession spark = session("zentrunk report");
    writable(spark, output, "--output");
    try (ApiEndpoint api = endpoint(apiUrl)) {
      Dataset<Row> cdrs = CdrSources.api(spark, sourceOptions(api), s, e);
      try (ReadProgress progress = new ReadProgress(spark, Progress.stderr("report"), 10)) {
        ReportJob.run(spark, cdrs, output);
      }
    }
  }
}
