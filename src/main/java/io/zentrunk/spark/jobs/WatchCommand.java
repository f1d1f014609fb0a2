package io.zentrunk.spark.jobs;

import io.zentrunk.spark.alerts.AlertRules;
import io.zentrunk.spark.alerts.MetricsEndpoint;
import io.zentrunk.spark.alerts.WatchMetrics;
import io.zentrunk.spark.alerts.WatchMetricsListener;
import io.zentrunk.spark.alerts.WatchBatch;
import io.zentrunk.spark.alerts.Webhook;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.lake.CdrLake;
import io.zentrunk.spark.lake.Lakes;
import io.zentrunk.spark.lake.StageMarkers;
import io.zentrunk.spark.report.Quality;
import io.zentrunk.spark.source.CdrColumns;
import io.zentrunk.spark.source.Cdrs;
import io.zentrunk.spark.source.ReadOptions;
import io.zentrunk.spark.source.ZentrunkDataSource;
import java.time.Instant;
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
        "Watch the account live: a Structured Streaming query over readStream.format(\"zentrunk\") that judges, at "
            + "every minute its batches cover, IRSF bursts (the report's fraud rule over the hour to that minute against "
            + "the destination's average hour of the baseline days), trunk-limit failures (5180/5190 in the 5 minutes "
            + "to it), NER drops (the hour to it) and, with --quality, the terminating carriers' quality drops; appends "
            + "each new alert once to ALERTS, and its resolve once its rule no longer holds; prints one line for each "
            + "and POSTs it to --webhook.",
        "",
        "Runs until stopped; SIGTERM stops it between batches. A restart continues from --checkpoint. Times are UTC.",
        ""})
public final class WatchCommand extends JobCommand {

  /** Marked once the query is stopped after a SIGTERM (see the lake's StageMarkers). */
  static final String STAGE_STOPPED = "watch-stopped";
  static final String STOP_TIMEOUT = "spark.sql.streaming.stopTimeout";

  @Option(names = "--checkpoint", paramLabel = "PATH", description = "the query's checkpoint folder (local, hdfs://, s3a://), required")
  String checkpoint;

  @Option(names = "--alerts", paramLabel = "PATH", description = "the alert store, required: a folder (Parquet, local, hdfs://, s3a://) or an Iceberg table "
          + "CATALOG.NAMESPACE.TABLE of a configured catalog; rows are only ever added (keyed by alert id and event)")
  String alerts;

  @Option(names = "--every", paramLabel = "DURATION", defaultValue = "1m",
      description = "the trigger: a batch every DURATION ('30s', '5m', '2 minutes', 'PT1M'; default: ${DEFAULT-VALUE})")
  String every;

  @Option(names = "--lag", paramLabel = "DURATION",
      description = "how far behind the API's clock the stream reads ('2m', '10 minutes'; the source's option lag; default: its 10 minutes)")
  String lag;

  @Option(names = "--late-check-horizon", paramLabel = "DURATION",
      description = "how long each window read is counted again (hourly) for CDRs that became visible later than --lag, "
          + "which are named in a warning and counted ('24h', '2d'; the source's option late_check_horizon; default: its 24 hours)")
  String lateCheckHorizon;

  @Option(names = "--start", paramLabel = "TS",
      description = "where a new query begins (default: the source's, the last 24 hours); ignored on a restart")
  String start;

  @Option(names = "--webhook", paramLabel = "URL",
      description = "POST each alert as JSON to URL, in the format of --webhook-format; only its scheme and host are ever printed")
  String webhook;

  @Option(names = "--webhook-format", paramLabel = "slack|pagerduty|alertmanager",
      description = "the webhook's body: Slack's text, PagerDuty's Events API v2 (trigger and resolve, the routing key from "
          + "the environment variable " + Webhook.ENV_PAGERDUTY_ROUTING_KEY + ") or Alertmanager's webhook body (version 4); "
          + "default: from the URL's host (*.slack.com, *.pagerduty.com, a host naming alertmanager; else slack)")
  String webhookFormat;

  @Option(names = "--api-url", paramLabel = "URL", description = "API base URL (default: the real service)")
  String apiUrl;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "serve Prometheus metrics at http://HOST:PORT/metrics while the job runs (0: a free port, printed; "
          + "default: no endpoint)")
  Integer metricsPort;

  @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
      description = "the address the metrics endpoint listens on (default: ${DEFAULT-VALUE}, every interface, for a "
          + "Prometheus elsewhere; 127.0.0.1 for this machine only)")
  String metricsHost;

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

  @Mixin
  QualityOptions quality = new QualityOptions();

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
    return duration(every, "--every", ApiTime.MICROS_PER_SECOND) / 1000;
  }

  @Override
  void checkOptions() {
    required(checkpoint, "--checkpoint");
    required(alerts, "--alerts");
    rules();
    quality.rule();
    everyMillis();
    if (lag != null) {
      duration(lag, "--lag", 0);
    }
    if (lateCheckHorizon != null) {
      try {
        ReadOptions.LATE_CHECK_HORIZON.parse("--late-check-horizon", lateCheckHorizon);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    format();
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
      throw new UsageException("--metrics-port must be a port from 0 to 65535, not " + metricsPort);
    }
  }

  /** --webhook-format, or null to detect it from the URL. */
  Webhook.Format format() {
    if (webhookFormat == null) {
      return null;
    }
    if (webhook == null) {
      throw new UsageException("--webhook-format needs --webhook");
    }
    try {
      return Webhook.Format.of(webhookFormat);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--webhook-format " + e.getMessage());
    }
  }

  /** The webhook of --webhook and --webhook-format, PagerDuty's routing key from {@code env}; null without --webhook. */
  Webhook hook(Map<String, String> env) {
    if (webhook == null) {
      return null;
    }
    try {
      return Webhook.of(webhook, format(), env.get(Webhook.ENV_PAGERDUTY_ROUTING_KEY));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--webhook: " + e.getMessage());
    }
  }

  @Override
  void execute() throws Exception {
    checkOptions();
    AlertRules rules = rules();
    long everyMs = everyMillis();
    Webhook hook = hook(System.getenv());
    if (lag != null) {
      sourceOption.put(ReadOptions.LAG.key(), lag);
    }
    if (lateCheckHorizon != null) {
      sourceOption.put(ReadOptions.LATE_CHECK_HORIZON.key(), lateCheckHorizon);
    }
    SparkSession spark = session("zentrunk watch");
    if (!spark.conf().contains(STOP_TIMEOUT)) {
      // a stop waits at most this long for the query's thread (Spark's default waits forever)
      spark.conf().set(STOP_TIMEOUT, "60s");
    }
    writable(spark, checkpoint, "--checkpoint");
    writable(spark, alerts, "--alerts");
    WatchMetrics metrics = new WatchMetrics();
    WatchMetricsListener listener = new WatchMetricsListener(metrics);
    spark.listenerManager().register(listener);
    spark.streams().addListener(listener);
    try (ApiEndpoint api = endpoint(apiUrl); MetricsEndpoint served = serveMetrics(metrics)) {
      Map<String, String> options = sourceOptions(api);
      if (start != null) {
        options.put(ReadOptions.START.key(), time(start, "--start").toString());
      }
      WatchBatch.History history = history(spark, api);
      WatchBatch batch = new WatchBatch(spark, checkpoint, alerts, rules, history, hook,
          java.time.Duration.ofMillis(everyMs), System.out, StageMarkers::reach);
      Quality.Rule qualityRule = quality.rule();
      if (qualityRule != null) {
        batch.withQuality(insights(spark, api), qualityRule);
      }
      metrics.watch(batch.stats(), hook);
      StreamingQuery q = spark.readStream().format(ZentrunkDataSource.SHORT_NAME).options(options).load()
          .select(WatchBatch.columns())
          .writeStream().queryName("zentrunk-watch").option("checkpointLocation", checkpoint)
          .trigger(Trigger.ProcessingTime(everyMs, TimeUnit.MILLISECONDS))
          .foreachBatch(batch).start();
      System.err.println("watch: watching " + (api.emulated() ? "the built-in emulator" : "the API") + ", a batch every "
          + every + "; alerts go to " + alerts + (hook == null ? "" : " and the " + hook));
      runUntilStopped(q, batch);
    }
  }

  /** The metrics endpoint of --metrics-port, or null. */
  private MetricsEndpoint serveMetrics(WatchMetrics metrics) {
    if (metricsPort == null) {
      return null;
    }
    try {
      MetricsEndpoint e = MetricsEndpoint.start(metricsHost, metricsPort, metrics::exposition);
      System.err.println("watch: metrics at http://" + metricsHost + ":" + e.port() + "/metrics");
      return e;
    } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
      throw new UsageException("--metrics-port " + metricsPort + " (--metrics-host " + metricsHost + "): "
          + e.getMessage());
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

  /** The Insights of a batch's answered calls (see {@link WatchBatch.Insights#of}), sampled with --quality-sample. */
  private WatchBatch.Insights insights(SparkSession spark, ApiEndpoint api) {
    Map<String, String> o = sourceOptions(api);
    o.remove(ReadOptions.START.key());
    o.remove(ReadOptions.LAG.key());
    o.remove(ReadOptions.MAX_REQUESTS_PER_TRIGGER.key());
    if (quality.sample != null) {
      o.put(ReadOptions.SAMPLE.key(), quality.sample.trim());
    }
    return WatchBatch.Insights.of(spark, o);
  }

  /** The baseline's CDRs: from the lake with --lake/--table, else a batch read of the API (outbound only). */
  private WatchBatch.History history(SparkSession spark, ApiEndpoint api) {
    if (where.lake != null || where.table != null) {
      if (where.table == null && Lakes.detect(spark, where.lake) == null) {
        throw new UsageException("--lake " + where.lake + " has no CDRs yet: run ingest first");
      }
      CdrLake lake = Lakes.open(spark, where.lake, where.table, null);
      // ingest loads whole UTC days: the lake holds every day from its first CDR's (the last 400 days are looked at)
      Instant until = now().plus(java.time.Duration.ofDays(1));
      org.apache.spark.sql.Row first = lake.read(until.minus(java.time.Duration.ofDays(401)), until)
          .agg(org.apache.spark.sql.functions.min(CdrColumns.END_TIME)).first();
      java.time.LocalDate heldFrom = first.isNullAt(0) ? null : java.time.LocalDate.ofInstant(first.get(0) instanceof Instant i
          ? i : ((java.sql.Timestamp) first.get(0)).toInstant(), java.time.ZoneOffset.UTC);
      System.err.println("watch: the IRSF baseline comes from " + lake.name() + ", which holds CDRs from "
          + (heldFrom == null ? "no day yet" : heldFrom) + "; " + fraud.rule().heldDaysNote());
      return new WatchBatch.History() {
        @Override
        public org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> outbound(Instant from, Instant to) {
          return lake.read(from, to).filter(org.apache.spark.sql.functions.col(CdrColumns.CALL_DIRECTION).equalTo("outbound"));
        }

        @Override
        public java.time.LocalDate heldFrom(Instant end) {
          return heldFrom == null ? java.time.LocalDate.ofInstant(end, java.time.ZoneOffset.UTC).plusDays(1) : heldFrom;
        }
      };
    }
    Map<String, String> o = sourceOptions(api);
    o.remove(ReadOptions.START.key());
    o.remove(ReadOptions.LAG.key());
    o.remove(ReadOptions.MAX_REQUESTS_PER_TRIGGER.key());
    return (from, to) -> Cdrs.window(spark, o, from, to)
        .filter(org.apache.spark.sql.functions.col(CdrColumns.CALL_DIRECTION).equalTo("outbound"));
  }
}
