package io.zentrunk.spark.jobs;

import java.time.Instant;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
        "Loads CDRs from the API into a lake: LAKE/cdrs/ (Parquet, partitioned by end_date, the UTC day) and",
        "LAKE/_zentrunk_state.json (complete up to which UTC midnight). Without --start it continues from the",
        "state, re-reading --lookback-days days before it, up to today. Each day loaded is replaced as a whole;",
        "re-running is always safe. The API keeps 90 days: a lake that falls further behind loses data."})
public final class IngestCommand extends JobCommand {

  @Option(names = "--lake", paramLabel = "PATH", description = "the lake folder (local, hdfs://, s3a://), required")
  String lake;

  @Option(names = "--start", paramLabel = "TS", description = "first day to load (UTC); default: the state")
  String start;

  @Option(names = "--end", paramLabel = "TS", description = "end of the last day to load (UTC); default: today")
  String end;

  @Option(names = "--lookback-days", paramLabel = "N", defaultValue = "1",
      description = "days before the state to re-read for late CDRs (default: ${DEFAULT-VALUE})")
  int lookbackDays;

  @Option(names = "--accept-data-loss", description = "skip days past the API's 90-day retention instead of failing")
  boolean acceptDataLoss;

  @Option(names = "--api-url", paramLabel = "URL", description = "API base URL (default: the real service)")
  String apiUrl;

  @Override
  void execute() {
    required(lake, "--lake");
    Instant s = time(start, "--start");
    Instant e = time(end, "--end");
    if (lookbackDays < 0) {
      throw new UsageException("--lookback-days must be 0 or more, not " + lookbackDays);
    }
    IngestJob.Args args = new IngestJob.Args(lake, s, e, lookbackDays, acceptDataLoss);
    try (ApiEndpoint api = endpoint(apiUrl)) {
      SparkSession spark = session("zentrunk ingest");
      Lake.Result r;
      try (ReadProgress progress = new ReadProgress(spark, Progress.stderr("ingest"), 10)) {
        r = IngestJob.run(spark, args, now(), (from, to) -> CdrSources.api(spark, sourceOptions(api), from, to),
            Progress.stderr("ingest"));
      }
      System.out.println(String.format(Locale.ROOT, "ingested %,d CDRs in %d days into %s; complete until %s",
          r.records(), r.recordsByDay().size(), lake, r.state().map(Instant::toString).orElse("(no state)")));
    }
  }
}
