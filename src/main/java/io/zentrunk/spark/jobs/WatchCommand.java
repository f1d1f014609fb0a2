package io.zentrunk.spark.jobs;

import io.zentrunk.spark.alerts.AlertRules;
import io.zentrunk.spark.alerts.WatchBatch;
import io.zentrunk.spark.alerts.Webhook;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.lake.CdrLake;
import io.zentrunk.spark.lake.Lakes;
import io.zentrunk.spark.lake.StageMarkers;
import io.zentrunk.spark.source.CdrColumns;
import io.zentrunk.spark.source.Cdrs;
import io.zentrunk.spark.source.ReadOptions;
import io.zentrunk.spark.source.ZentrunkDataSource;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
        "Watch the account live: a Structured Streaming query over readStream.format(\"zentrunk\") that judges, at",
        "every minute its batches cover, IRSF bursts (the report's fraud rule over the hour to that minute against the",
        "destination's average hour of the baseline days), trunk-limit failures (5180/5190 in the 5 minutes to it) and",
        "NER drops (the hour to it); appends each new alert once to ALERTS, and its resolve once its rule no longer",
        "holds; prints one line for each and POSTs it to --webhook. Runs until stopped; SIGTERM stops it between",
        "batches. A restart continues from --checkpoint. Times are UTC."})
public final class WatchCommand extends JobCommand {

  /** Marked once the query is stopped after a SIGTERM (see the lake's StageMarkers). */
  static final String STAGE_STOPPED = "watch-stopped";
  static final String STOP_TIMEOUT = "spark.sql.streaming.stopTimeout";

  @Option(names = "--checkpoint", paramLabel = "PATH", description = "the query's checkpoint folder (local, hdfs://, s3a://), required")
  String checkpoint;

  @Option(names = "--alerts", paramLabel = "PATH", description = "the alert store, required: a folder (Parquet, local, hdfs://, s3a://) or an Iceberg table "
          + "CATALOG.NAMESPACE.TABLE of a configured catalog; rows are only ever added (keyed by alert id and event)")
  String alerts;

  @Option(names = "--every", paramLabel = "DURATION", defaultValue = "1 minute",
      description = "the trigger: a batch every DURATION ('30 seconds', 'PT1M'; default: ${DEFAULT-VALUE})")
  String every;

  @Option(names = "--lag", paramLabel = "DURATION",
      description = "how far behind the API's clock the stream reads (the source's option lag; default: its 10 minutes)")
  String lag;

  @Option(names = "--start", paramLabel = "TS",
      description = "where a new query begins (default: the source's, the last 24 hours); ignored on a restart")
  String start;

  @Option(names = "--webhook", paramLabel = "URL", description = "POST each alert as JSON to URL (Slack incoming webhook, PagerDuty-style fields)")
  String webhook;

  @Option(names = "--api-url", paramLabel = "URL", description = "API base URL (default: the real service)")
  String apiUrl;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  LakeOptions where = new LakeOptions();

  @Mixin
  FraudRuleOptions fraud = new FraudRuleOptions();

  @Option(names = "--limit-failures", paramLabel = "N", defaultValue = "" + AlertRules.DEFAULT_LIMIT_FAILURES,
      description = "trunk limits: alert from N calls ended 5180/5190 on a trunk in the last 5 minutes (default: ${DEFAULT-VALUE})")
  long limitFailures;

  @Option(names = "--ner-below", paramLabel = "X", defaultValue = "" + AlertRules.DEFAULT_NER_BELOW,
      description = "NER drops: alert when a destination's NER over the last hour is below X (default: ${DEFAULT-VALUE})")
  double nerBelow;

  @Option(names = "--ner-min-calls", paramLabel = "N", defaultValue = "" + AlertRules.DEFAULT_NER_MIN_CALLS,
      description = "NER drops: ... with at least N outbound calls in that hour (default: ${DEFAULT-VALUE})")
  long nerMinCalls;

  AlertRules rules() {
    if (limitFailures < 1) {
      throw new UsageException("--limit-failures must be at least 1, not " + limitFailures);
    }
    if (!(nerBelow > 0 && nerBelow <= 1)) {
      throw new UsageException("--ner-below must be in (0,1], not " + nerBelow);
    }
    if (nerMinCalls < 1) {
      throw new UsageException("--ner-min-calls must be at least 1, not " + nerMinCalls);
    }
    return new AlertRules(fraud.rule(), limitFailures, nerBelow, nerMinCalls);
  }

  long everyMillis() {
    try {
      return ApiTime.parseDuration("--every", every, 1_000_000) / 1000;
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  @Override
  void execute() throws Exception {
    required(checkpoint, "--checkpoint");
    required(alerts, "--alerts");
    AlertRules rules = rules();
    long everyMs = everyMillis();
    Webhook hook;
    try {
      hook = webhook == null ? null : Webhook.of(webhook);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--webhook: " + e.getMessage());
    }
    if (lag != null) {
      sourceOption.put(ReadOptions.LAG.key(), lag);
    }
    SparkSession spark = session("zentrunk watch");
    if (!spark.conf().contains(STOP_TIMEOUT)) {
      // a stop waits at most this long for the query's thread (Spark's default waits forever)
      spark.conf().set(STOP_TIMEOUT, "60s");
    }
    writable(spark, checkpoint, "--checkpoint");
    writable(spark, alerts, "--alerts");
    try (ApiEndpoint api = endpoint(apiUrl)) {
      Map<String, String> options = sourceOptions(api);
      if (start != null) {
        options.put(ReadOptions.START.key(), time(start, "--start").toString());
      }
      WatchBatch.History history = history(spark, api);
      WatchBatch batch = new WatchBatch(spark, checkpoint, alerts, rules, history, hook,
          java.time.Duration.ofMillis(everyMs), System.out, StageMarkers::reach);
      StreamingQuery q = spark.readStream().format(ZentrunkDataSource.SHORT_NAME).options(options).load()
          .select(WatchBatch.columns())
          .writeStream().queryName("zentrunk-watch").option("checkpointLocation", checkpoint)
          .trigger(Trigger.ProcessingTime(everyMs, TimeUnit.MILLISECONDS))
          .foreachBatch(batch).start();
      System.err.println("watch: watching " + (api.emulated() ? "the built-in emulator" : "the API") + ", a batch every "
          + every + "; alerts go to " + alerts + (hook == null ? "" : " and " + hook.host()));
      runUntilStopped(q, batch);
    }
  }

  /**
   * Waits for the query; a SIGTERM (or Ctrl-C) stops it between batches. The stop runs in a Hadoop shutdown hook
   * of higher priority than Spark's own, so the SparkContext is still up while the last batch finishes.
   */
  private static void runUntilStopped(StreamingQuery q, WatchBatch batch) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(() -> {
      batch.stopBetweenBatches(() -> {
        try {
          q.stop();
        } catch (Exception e) {
          System.err.println("watch: stopping: " + e);
        }
      });
      StageMarkers.reach(STAGE_STOPPED);
      System.err.println("watch: stopped between batches; last batch " + (q.lastProgress() == null ? "none"
          : q.lastProgress().batchId()) + "; " + batch.stats().minutesJudged()
          + " minutes judged since the job started; restart with the same --checkpoint to continue");
      System.err.flush();
      stopped.countDown();
    }, 100, 120, TimeUnit.SECONDS);
    q.awaitTermination();
    if (stopped.getCount() > 0 && q.exception().isDefined()) {
      throw q.exception().get();
    }
  }

  /** The baseline's CDRs: from the lake with --lake/--table, else a batch read of the API (outbound only). */
  private WatchBatch.History history(SparkSession spark, ApiEndpoint api) {
    if (where.lake != null || where.table != null) {
      if (where.table == null && Lakes.detect(spark, where.lake) == null) {
        throw new UsageException("--lake " + where.lake + " has no CDRs yet: run ingest first");
      }
      CdrLake lake = Lakes.open(spark, where.lake, where.table, null);
      return (from, to) -> lake.read(from, to).filter(org.apache.spark.sql.functions.col(CdrColumns.CALL_DIRECTION).equalTo("outbound"));
    }
    Map<String, String> o = sourceOptions(api);
    o.remove(ReadOptions.START.key());
    o.remove(ReadOptions.LAG.key());
    o.remove(ReadOptions.MAX_REQUESTS_PER_TRIGGER.key());
    return (from, to) -> Cdrs.window(spark, o, from, to)
        .filter(org.apache.spark.sql.functions.col(CdrColumns.CALL_DIRECTION).equalTo("outbound"));
  }
}
