package io.zentrunk.spark.alerts;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The watch job's figures, as Prometheus scrapes them ({@link #exposition}, the text exposition format 0.0.4):
 * the source's (how far the stream's offset is behind the API's clock, requests and 429 answers, late CDRs) and the
 * job's (minutes judged, alerts raised by kind, webhook deliveries failed, batches and the last batch's duration).
 * Thread-safe: the batch, Spark's listener bus and the endpoint's thread use it at once. The names are the ones the
 * shipped Grafana dashboard uses ({@code grafana/zentrunk-watch.json}); a test scrapes them all.
 */
public final class WatchMetrics {

  public static final String BEHIND = "zentrunk_watch_behind_api_clock_seconds";
  public static final String REQUESTS = "zentrunk_watch_api_requests_total";
  public static final String THROTTLED = "zentrunk_watch_api_throttled_total";
  public static final String LATE_CDRS = "zentrunk_watch_late_cdrs_total";
  public static final String MINUTES_JUDGED = "zentrunk_watch_minutes_judged_total";
  public static final String ALERTS = "zentrunk_watch_alerts_raised_total";
  public static final String RESOLVED = "zentrunk_watch_alerts_resolved_total";
  public static final String WEBHOOK_FAILED = "zentrunk_watch_webhook_deliveries_failed_total";
  public static final String WEBHOOK_DELIVERED = "zentrunk_watch_webhook_deliveries_total";
  public static final String BATCHES = "zentrunk_watch_batches_total";
  public static final String LAST_BATCH_SECONDS = "zentrunk_watch_last_batch_duration_seconds";

  private final AtomicLong behindSeconds = new AtomicLong(-1);
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong throttled = new AtomicLong();
  private final AtomicLong lateCdrs = new AtomicLong();
  private volatile WatchStats stats = new WatchStats();
  private volatile Webhook webhook;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong lastBatchMillis = new AtomicLong(-1);

  /** The kinds that have a series from the start, so that a dashboard's rate() has one before the first alert. */
  static final String[] KINDS = {AlertRules.IRSF, AlertRules.TRUNK_LIMIT, AlertRules.NER_DROP, AlertRules.QUALITY_DROP};

  /** The job's own counters: the batch's (minutes judged, alerts raised and resolved) and the webhook's (may be null). */
  public void watch(WatchStats batchStats, Webhook hook) {
    this.stats = batchStats;
    this.webhook = hook;
  }

  /** The stream's offset is {@code seconds} behind the API's clock (from its last progress). */
  public void behind(long seconds) {
    behindSeconds.set(seconds);
  }

  /** API requests made and 429 answers received, since the last call (both at least 0). */
  public void requests(long made, long answered429) {
    requests.addAndGet(Math.max(0, made));
    throttled.addAndGet(Math.max(0, answered429));
  }

  /** The stream's count of late CDRs, cumulative since it started: the counter follows it. */
  public void lateCdrsSeen(long cumulative) {
    lateCdrs.accumulateAndGet(cumulative, Math::max);
  }

  /** A micro-batch ended after {@code millis} (its trigger's whole execution). */
  public void batchDone(long millis) {
    batches.incrementAndGet();
    lastBatchMillis.set(millis);
  }

  /** The text exposition format: HELP and TYPE, then the samples; gauges with no value yet are left out. */
  public String exposition() {
    StringBuilder out = new StringBuilder();
    if (behindSeconds.get() >= 0) {
      family(out, BEHIND, "gauge", "how far the stream's offset is behind the API's clock (its lag plus any backlog)",
          Map.of("", (double) behindSeconds.get()));
    }
    family(out, REQUESTS, "counter", "requests sent to the API (the stream's reads, probes and the IRSF baseline)",
        Map.of("", (double) requests.get()));
    family(out, THROTTLED, "counter", "429 answers from the API (each was retried)", Map.of("", (double) throttled.get()));
    family(out, LATE_CDRS, "counter", "CDRs that became visible after their window was read (counted, warned)",
        Map.of("", (double) lateCdrs.get()));
    WatchStats s = stats;
    family(out, MINUTES_JUDGED, "counter", "minute boundaries at which every rule was judged",
        Map.of("", (double) s.minutesJudged()));
    family(out, ALERTS, "counter", "alerts raised, by kind", byKind(s.raised()));
    family(out, RESOLVED, "counter", "alerts resolved (their rule no longer held), by kind", byKind(s.resolved()));
    Webhook w = webhook;
    family(out, WEBHOOK_FAILED, "counter", "alert events (triggers, resolves) the webhook did not accept after every try",
        Map.of("", w == null ? 0.0 : w.failedDeliveries()));
    family(out, WEBHOOK_DELIVERED, "counter", "alert events the webhook accepted",
        Map.of("", w == null ? 0.0 : w.deliveries()));
    family(out, BATCHES, "counter", "micro-batches done", Map.of("", (double) batches.get()));
    if (lastBatchMillis.get() >= 0) {
      family(out, LAST_BATCH_SECONDS, "gauge", "how long the last micro-batch took",
          Map.of("", lastBatchMillis.get() / 1000.0));
    }
    return out.toString();
  }

  private static Map<String, Double> byKind(Map<String, Long> counts) {
    Map<String, Long> all = new java.util.TreeMap<>();
    for (String k : KINDS) {
      all.put(k, 0L);
    }
    all.putAll(counts);
    Map<String, Double> out = new LinkedHashMap<>();
    all.forEach((k, v) -> out.put("kind=\"" + escape(k) + "\"", (double) v));
    return out;
  }

  private static void family(StringBuilder out, String name, String type, String help, Map<String, Double> samples) {
    out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    samples.forEach((labels, v) -> out.append(name).append(labels.isEmpty() ? "" : "{" + labels + "}").append(' ')
        .append(number(v)).append('\n'));
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
  }

  private static String escape(String labelValue) {
    return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
