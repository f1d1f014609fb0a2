package io.zentrunk.spark.jobs;

import io.zentrunk.spark.source.Cdrs;
import io.zentrunk.spark.report.FraudRule;
import io.zentrunk.spark.client.ApiRules;
import io.zentrunk.spark.client.UtcDays;
import io.zentrunk.spark.lake.CdrLake;
import io.zentrunk.spark.lake.Lakes;
import io.zentrunk.spark.lake.Provenance;
import io.zentrunk.spark.report.ReportJob;
import io.zentrunk.spark.report.Quality;
import io.zentrunk.spark.report.ReportSettings;
import io.zentrunk.spark.report.ReportSource;
import io.zentrunk.spark.report.TrunkSizing;
import io.zentrunk.spark.report.Wangiri;
import io.zentrunk.spark.source.CdrColumns;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
        "Hangup causes, countries (ASR, ACD), the attestation mix, KPIs (NER, short calls, cost per minute), hourly "
            + "trunk capacity, fraud signals, per-trunk hourly traffic and sizing (Erlang B) and Wangiri signals of the "
            + "CDRs with START <= end_time < END, written as Parquet under OUTPUT/hangup_causes, countries, attestation, "
            + "kpis, capacity, fraud_signals, trunk_hours, trunk_sizing and wangiri_signals (replaced on re-run), with "
            + "OUTPUT/_source.json (where the data came from) and OUTPUT/report.html (a self-contained page); a short "
            + "summary goes to stdout.",
        "",
        "Fraud signals compare each day with the --fraud-baseline-days days before it, read in addition (outbound "
            + "calls only; from the API no further back than its 90 days) unless --no-fraud-baseline-read.",
        "",
        "Times are UTC: YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' or ISO-8601.",
        ""})
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

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  LakeOptions where = new LakeOptions();

  @Option(names = "--api-url", paramLabel = "URL", description = "API base URL (default: the real service)")
  String apiUrl;

  @picocli.CommandLine.Mixin
  FraudRuleOptions fraud = new FraudRuleOptions();

  @picocli.CommandLine.Mixin
  ReportSizingOptions sizing = new ReportSizingOptions();

  @picocli.CommandLine.Mixin
  QualityOptions quality = new QualityOptions();

  @Option(names = "--no-fraud-baseline-read",
      description = "fraud signals: read nothing before --start; judge each day against the window's own earlier days")
  boolean noFraudBaselineRead;

  @Override
  void checkOptions() {
    time(start, "--start");
    time(end, "--end");
    fraud.rule();
    sizing.limits();
    sizing.wangiri();
    quality.rule();
  }

  @Override
  void execute() {
    checkOptions();
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
    String lake = where.lake;
    String table = where.table;
    if (src.equals("lake")) {
      if (table == null) {
        required(lake, "--lake (or --table, with --source lake)");
      }
    } else if (lake != null || table != null) {
      throw new UsageException((lake != null ? "--lake" : "--table") + " is only read with --source lake");
    }
    FraudRule rule = fraud.rule();
    TrunkSizing.Limits limits = sizing.limits();
    Wangiri.Rule wangiri = sizing.wangiri();
    Instant baselineFrom = noFraudBaselineRead ? s : ReportJob.baselineStart(s, rule.baselineDays());
    Quality.Rule qualityRule = quality.rule();
    if (src.equals("lake") && qualityRule != null) {
      throw new UsageException("--quality reads the Call Insights from the API: not with --source lake");
    }
    if (src.equals("lake")) {
      fromLake(lake, table, s, e, baselineFrom, rule, new ReportSettings(limits, wangiri,
          ReportSource.lake(table != null ? table : lake, s, e)));
      return;
    }
    SparkSession spark = session("zentrunk report");
    writable(spark, output, "--output");
    try (ApiEndpoint api = endpoint(apiUrl)) {
      Dataset<Row> cdrs = Cdrs.window(spark, sourceOptions(api), s, e);
      // the API keeps 90 days: the baseline starts no earlier than the first whole day it still holds
      // (a minute of margin: the source takes its own "now" a moment later)
      Instant from = baselineFrom;
      Instant retained = UtcDays.start(UtcDays.ceilDay(now().minus(ApiRules.RETENTION).plus(Duration.ofMinutes(1))));
      if (from.isBefore(retained)) {
        from = retained;
        if (from.isBefore(s)) {
          System.err.println("report: note: the API keeps 90 days; the fraud baseline starts at " + from);
        }
      }
      System.err.println("report: fraud signals: the baseline is read from " + (from.isBefore(s) ? UtcDays.day(from)
          : UtcDays.ceilDay(s)) + "; " + rule.heldDaysNote());
      ReportJob.Input in0 = from.isBefore(s)
          ? new ReportJob.Input(cdrs, outbound(Cdrs.window(spark, sourceOptions(api), from, s)), s, e,
              UtcDays.day(from), rule)
          : ReportJob.Input.windowOnly(cdrs, s, e, rule);
      ReportJob.Input in = in0;
      if (qualityRule != null) {
        Map<String, String> o = new java.util.HashMap<>(sourceOptions(api));
        o.put("table", "call_insights");
        if (quality.sample != null) {
          o.put("sample", quality.sample.trim());
        }
        in = in.withInsights(Cdrs.window(spark, o, s, e));
      }
      try (ReadProgressListener progress = new ReadProgressListener(spark, ProgressLines.stderr("report"), 10)) {
        Provenance p = Provenance.of(sourceOptions(api), System.getenv(), api.emulated());
        ReportSource where = api.emulated() ? ReportSource.builtInEmulator(s, e) : ReportSource.api(p.authId(), p.apiHost(), s, e);
        ReportJob.run(spark, in, new ReportSettings(limits, wangiri, where, qualityRule).withAccounts(
            Provenance.accounts(sourceOptions(api))), output, System.out);
      }
    }
  }

  /** Fraud signals look at outbound calls only; the filter goes to the API as call_direction=outbound. */
  private static Dataset<Row> outbound(Dataset<Row> cdrs) {
    return cdrs.filter(org.apache.spark.sql.functions.col(CdrColumns.CALL_DIRECTION).equalTo("outbound"));
  }

  /**
   * The report of a lake made by ingest. Ingest loads whole UTC days, so the lake holds every day from the day of its
   * first CDR: the days before it are not held (the fraud baseline averages only the days held, see FraudRule), never
   * days without calls.
   */
  private void fromLake(String lake, String table, Instant s, Instant e, Instant baselineFrom, FraudRule rule,
      ReportSettings settings) {
    SparkSession spark = session("zentrunk report");
    writable(spark, output, "--output");
    if (table == null && Lakes.detect(spark, lake) == null) {
      throw new UsageException("--lake " + lake + " has no CDRs yet: run ingest first");
    }
    CdrLake l = Lakes.open(spark, lake, table, null);
    l.state().filter(c -> c.isBefore(e)).ifPresent(c -> System.err.println(
        "report: note: the lake is complete only up to " + c + "; later days may be partial or missing"));
    // the first day the lake holds of the baseline and the window (its first end_time)
    java.time.LocalDate held = l.firstEndTime(baselineFrom, e).map(UtcDays::day).orElse(UtcDays.ceilDay(s));
    java.time.LocalDate coveredFrom = held.isAfter(UtcDays.day(baselineFrom)) ? held : UtcDays.day(baselineFrom);
    System.err.println("report: fraud signals: the lake holds CDRs from " + held + "; " + rule.heldDaysNote());
    ReportJob.run(spark, baselineFrom.isBefore(s)
        ? new ReportJob.Input(l.read(s, e), outbound(l.read(baselineFrom, s)), s, e, coveredFrom, rule)
        : new ReportJob.Input(l.read(s, e), null, s, e, coveredFrom.isAfter(UtcDays.ceilDay(s)) ? coveredFrom
            : UtcDays.ceilDay(s), rule),
        settings.withAccounts(l.accounts()), output, System.out);
  }
}
