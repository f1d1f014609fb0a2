package io.zentrunk.spark.jobs;

import io.zentrunk.spark.source.Cdrs;
import io.zentrunk.spark.source.ReadOptions;
import io.zentrunk.spark.lake.CdrLake;
import io.zentrunk.spark.lake.IngestJob;
import io.zentrunk.spark.lake.LakeFormat;
import io.zentrunk.spark.lake.Provenance;
import java.time.Instant;
import java.util.Map;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
        "Loads CDRs from the API into a lake: an Apache Iceberg table at LAKE/cdrs (or --table in a catalog), or with "
            + "--format parquet LAKE/cdrs/ partitioned by end_date plus LAKE/_zentrunk_state.json.",
        "",
        "Without --start it continues from the lake's state, re-reading those of the --lookback-days days before it "
            + "whose count in the API changed (--verify-days), up to today. Each day loaded is replaced as a whole (on "
            + "Iceberg in one atomic commit with the state); re-running is always safe.",
        "",
        "Reads the account of PLIVO_AUTH_ID/PLIVO_AUTH_TOKEN, never the built-in emulator unless --emulator is given. "
            + "With --source-option auth_ids=A,B,... it reads several accounts into one Iceberg lake partitioned by "
            + "account, one state per account, all committed together.",
        "",
        "With --with-insights it also adds the Call Insights of the run's new calls to the Iceberg table "
            + "call_insights beside cdrs, in the same commit (one request per new call).",
        "",
        "The API keeps 90 days: a lake that falls further behind loses data.",
        ""})
public final class IngestCommand extends JobCommand {

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  LakeOptions where = new LakeOptions();

  @Option(names = "--format", paramLabel = "iceberg|parquet",
      description = "format of a new --lake (default: iceberg); an existing lake keeps its own")
  String format;

  @Option(names = "--start", paramLabel = "TS", description = "first day to load (UTC); default: the state")
  String start;

  @Option(names = "--end", paramLabel = "TS", description = "end of the last day to load (UTC); default: today")
  String end;

  @Option(names = "--lookback-days", paramLabel = "N", defaultValue = "1",
      description = "days before the state to re-read for late CDRs (default: ${DEFAULT-VALUE})")
  int lookbackDays;

  @Option(names = "--verify-days", paramLabel = "counts|full", defaultValue = "counts",
      description = {"counts: re-read a lookback day only if the API's count for it (one request) differs from the "
          + "lake's; full: re-read every lookback day whole (default: ${DEFAULT-VALUE})"})
  String verifyDays;

  @Option(names = "--keep-snapshots-days", paramLabel = "N", defaultValue = "7",
      description = "Iceberg: expire snapshots older than N days and delete the files only they used (default: ${DEFAULT-VALUE})")
  int keepSnapshotsDays;

  @Option(names = "--accept-data-loss", description = "skip days past the API's 90-day retention instead of failing")
  boolean acceptDataLoss;

  @Option(names = "--api-url", paramLabel = "URL", description = "API base URL (default: the real service)")
  String apiUrl;

  @Option(names = "--emulator", description = "read the built-in emulator (synthetic CDRs, for a demo lake) instead of an account")
  boolean emulator;

  @Option(names = "--change-source", description = "accept an account or API host other than the one the lake holds, and record it")
  boolean changeSource;

  @Option(names = "--with-insights",
      description = "also fill the Iceberg table call_insights beside cdrs (LAKE/call_insights, or TABLE_call_insights) "
          + "with the Call Insights of the run's new calls only: one request per new call, from the same budget "
          + "(--source-option max_requests=N raises the source's refusal), committed with cdrs as one")
  boolean withInsights;

  @Option(names = "--insights-sample", paramLabel = "FRACTION",
      description = "with --with-insights: the Insights of this share of the new calls only, chosen by call_uuid "
          + "(the same calls on every run; 0 < F <= 1)")
  String insightsSample;

  @Override
  void execute() {
    if (where.lake == null && where.table == null) {
      throw new UsageException("missing required option --lake (or --table)");
    }
    if (where.lake != null) {
      required(where.lake, "--lake");
    }
    LakeFormat f = format == null ? null : LakeFormat.parse(format);
    Instant s = time(start, "--start");
    Instant e = time(end, "--end");
    if (lookbackDays < 0) {
      throw new UsageException("--lookback-days must be 0 or more, not " + lookbackDays);
    }
    IngestJob.VerifyDays verify = IngestJob.VerifyDays.parse(verifyDays);
    if (keepSnapshotsDays < 0) {
      throw new UsageException("--keep-snapshots-days must be 0 or more, not " + keepSnapshotsDays);
    }
    boolean several = !Provenance.accounts(sourceOption).isEmpty();
    if (insightsSample != null && !withInsights) {
      throw new UsageException("--insights-sample needs --with-insights");
    }
    if (insightsSample != null) {
      QualityOptions.fraction(insightsSample, "--insights-sample");
    }
    if (withInsights && several) {
      throw new UsageException("--with-insights reads one account's Call Insights: not with several accounts (auth_ids)");
    }
    if (withInsights && f == LakeFormat.PARQUET) {
      throw new UsageException("--with-insights needs an Iceberg lake: not with --format parquet");
    }
    if (!several) { // the tokens of auth_ids are the source's to check, in one line naming the account
      checkCredentials(emulator, apiUrl, System.getenv());
    } else if (emulator) {
      throw new UsageException("--emulator serves one account: --source-option auth_ids needs --api-url");
    }
    // nothing exists yet: no lake folder, no Spark session, no request
    try (ApiEndpoint api = emulator ? ApiEndpoint.startBuiltIn(System.err) : ApiEndpoint.remote(apiUrl)) {
      Map<String, String> all = sourceOptions(api);
      // the call_insights table's own options go to the Insights read only: the CDRs' table refuses them
      Map<String, String> options = new java.util.HashMap<>(all);
      Map<String, String> insightsOptions = new java.util.HashMap<>(all);
      if (withInsights) {
        options.keySet().removeIf(k -> k.equalsIgnoreCase(ReadOptions.MAX_REQUESTS.key())
            || k.equalsIgnoreCase(ReadOptions.SAMPLE.key()));
        insightsOptions.put(ReadOptions.TABLE.key(), "call_insights");
        if (insightsSample != null) {
          insightsOptions.put(ReadOptions.SAMPLE.key(), insightsSample.trim());
        }
      }
      IngestJob.Args args = new IngestJob.Args(where.lake, where.table, f, s, e, lookbackDays, acceptDataLoss, keepSnapshotsDays,
          Provenance.of(options, System.getenv(), emulator), changeSource, verify)
          .withAccounts(Provenance.accounts(options));
      SparkSession spark = session("zentrunk ingest");
      if (several) {
        Map<String, CdrLake.Result> byAccount;
        try (ReadProgressListener progress = new ReadProgressListener(spark, ProgressLines.stderr("ingest"), 10)) {
          byAccount = IngestJob.runAccounts(spark, args, now(), (from, to) -> Cdrs.window(spark, options, from, to),
              ProgressLines.stderr("ingest")::line, () -> {});
        }
        byAccount.forEach((account, r) -> System.out.println(String.format(Locale.ROOT,
            "ingested %,d CDRs of account %s in %d days into %s; complete until %s", r.records(), account,
            r.recordsByDay().size(), where.named(), r.state().map(Instant::toString).orElse("(no state)"))));
        return;
      }
      CdrLake.Result r;
      try (ReadProgressListener progress = new ReadProgressListener(spark, ProgressLines.stderr("ingest"), 10)) {
        r = IngestJob.run(spark, args, now(), (from, to) -> Cdrs.window(spark, options, from, to),
            withInsights ? (from, to) -> Cdrs.window(spark, insightsOptions, from, to) : null,
            ProgressLines.stderr("ingest")::line, () -> {});
      }
      System.out.println(String.format(Locale.ROOT, "ingested %,d CDRs in %d days into %s; complete until %s",
          r.records(), r.recordsByDay().size(), where.named(),
          r.state().map(Instant::toString).orElse("(no state)")));
    }
  }

  /**
   * Ingest reads a real account or, only when asked with {@code --emulator}, the built-in emulator: a cron job
   * that lost its environment must not land synthetic CDRs in a real lake and move its state past real days.
   *
   * @throws UsageException in one line naming the variables, before anything is created
   */
  static void checkCredentials(boolean emulator, String apiUrl, Map<String, String> env) {
    if (emulator) {
      if (apiUrl != null) {
        throw new UsageException("--emulator and --api-url exclude each other: the built-in emulator has its own URL");
      }
      return;
    }
    boolean id = env.get("PLIVO_AUTH_ID") != null && !env.get("PLIVO_AUTH_ID").isBlank();
    boolean token = env.get("PLIVO_AUTH_TOKEN") != null && !env.get("PLIVO_AUTH_TOKEN").isBlank();
    if (!id || !token) {
      String missing = !id && !token ? "PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN are" : !id ? "PLIVO_AUTH_ID is" : "PLIVO_AUTH_TOKEN is";
      throw new UsageException(missing + " not set: ingest reads the account they name, never synthetic data "
          + "(pass --emulator for a demo lake from the built-in emulator)");
    }
  }
}
