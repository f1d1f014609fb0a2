package io.zentrunk.spark.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;

/**
 * One JSON POST per alert event (a trigger when an alert is raised, a resolve when its rule no longer holds) to a
 * webhook, in the {@link Format} of the service behind it, retried with backoff (Failsafe) on a connection error, 429
 * or 5xx; any other answer is final. The bodies are made from the alert row alone, plus PagerDuty's routing key
 * (taken from the environment by the job, never from a command line); the webhook's address is never printed past
 * its scheme and host. A webhook that keeps failing costs at most {@code attempts} tries per event and never fails
 * the batch: the alert rows are written before, and the caller prints what was not delivered.
 */
public final class Webhook {

  /** What became of one POST. */
  public record Delivery(boolean delivered, int attempts, String error) {}

  /** The environment variable PagerDuty's routing key is read from (an integration key is a secret). */
  public static final String ENV_PAGERDUTY_ROUTING_KEY = "PAGERDUTY_ROUTING_KEY";

  /** The services whose webhook bodies the job writes. */
  public enum Format {
    /** Slack's incoming webhooks: {@code text}, one line. */
    SLACK,
    /** PagerDuty's Events API v2: trigger and resolve events with the alert id as {@code dedup_key}. */
    PAGERDUTY,
    /** The body Prometheus Alertmanager sends to its webhook receivers (version 4), one alert per body. */
    ALERTMANAGER;

    /** The name on the command line. */
    public String flag() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The format of {@code name} ({@code slack}, {@code pagerduty} or {@code alertmanager}, any case).
     *
     * @throws IllegalArgumentException one line listing the formats
     */
    public static Format of(String name) {
      for (Format f : values()) {
        if (f.flag().equalsIgnoreCase(name == null ? "" : name.trim())) {
          return f;
        }
      }
      throw new IllegalArgumentException("must be slack, pagerduty or alertmanager, not '" + name + "'");
    }

    /**
     * The format a webhook's host says: Slack's and PagerDuty's services by their hosts, an Alertmanager-style
     * receiver by {@code alertmanager} in its host; anything else is taken as Slack's (a text line), which a
     * generic receiver can show too.
     */
    public static Format detect(URI url) {
      String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
      if (host.equals("hooks.slack.com") || host.endsWith(".slack.com")) {
        return SLACK;
      }
      if (host.equals("events.pagerduty.com") || host.endsWith(".pagerduty.com")) {
        return PAGERDUTY;
      }
      if (host.contains("alertmanager")) {
        return ALERTMANAGER;
      }
      return SLACK;
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();
  /** Alertmanager's "not resolved yet" end (Go's zero time), as Alertmanager itself sends it. */
  static final String NOT_ENDED = "0001-01-01T00:00:00Z";
  static final String SOURCE = "zentrunk-spark watch";

  private final URI url;
  private final Format format;
  private final String routingKey;
  private final HttpClient http;
  private final int attempts;
  private final Duration firstBackoff;
  private final Duration timeout;
  private final java.util.concurrent.atomic.AtomicLong deliveries = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong failedDeliveries = new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param routingKey PagerDuty's routing key (required for {@link Format#PAGERDUTY}, ignored otherwise)
   * @throws IllegalArgumentException one line that names the webhook by its scheme and host only
   */
  public Webhook(URI url, Format format, String routingKey, int attempts, Duration firstBackoff, Duration timeout) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
      throw new IllegalArgumentException("the webhook must be an http:// or https:// URL with a host, not "
          + safe(url.toString()));
    }
    if (format == Format.PAGERDUTY && (routingKey == null || routingKey.isBlank())) {
      throw new IllegalArgumentException("PagerDuty needs its routing key in the environment variable "
          + ENV_PAGERDUTY_ROUTING_KEY + " (never on the command line)");
    }
    this.url = url;
    this.format = format;
    this.routingKey = format == Format.PAGERDUTY ? routingKey.trim() : null;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * The job's webhook: {@code format} null detects it from the URL ({@link Format#detect}); four tries, 1 s, 2 s,
   * 4 s apart, 10 s each at most.
   *
   * @throws IllegalArgumentException one line that shows the URL no further than its scheme and host
   */
  public static Webhook of(String url, Format format, String routingKey) {
    URI u;
    try {
      u = new URI(url == null ? "" : url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the webhook must be an http:// or https:// URL with a host, not "
          + safe(url) + " (" + e.getReason() + ")");
    }
    return new Webhook(u, format == null ? Format.detect(u) : format, routingKey, 4, Duration.ofSeconds(1),
        Duration.ofSeconds(10));
  }

  private static final Pattern AUTHORITY = Pattern.compile("^\\s*([A-Za-z][A-Za-z0-9+.-]*)://(?:[^/?#@]*@)?([^/?#:@\\s]*)");

  /**
   * What of a URL may be printed: its scheme and host ({@code https://hooks.slack.com/...}), never its user
   * information, path or query (a Slack webhook's path is its secret), however malformed the text is.
   */
  public static String safe(String url) {
    Matcher m = AUTHORITY.matcher(url == null ? "" : url);
    if (m.find() && !m.group(2).isEmpty()) {
      return "'" + m.group(1) + "://" + m.group(2) + "/...'";
    }
    return "a text that has no scheme:// and host";
  }

  /** POSTs the webhook accepted (2xx), since it was made. */
  public long deliveries() {
    return deliveries.get();
  }

  /** POSTs given up (an answer other than 2xx after the tries, or no answer), since it was made. */
  public long failedDeliveries() {
    return failedDeliveries.get();
  }

  public Format format() {
    return format;
  }

  /** The webhook's address without its path and query (which may hold a secret, as Slack's do), for messages. */
  public String host() {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
  }

  @Override
  public String toString() {
    return format.flag() + " webhook " + host();
  }

  /** POSTs the trigger body of {@code alert}; {@code retry} false tries once. */
  public Delivery trigger(Row alert, boolean retry) {
    return post(triggerBody(alert), retry);
  }

  /** POSTs the resolve body of {@code alert}, its rule no longer holding at {@code resolvedAt}. */
  public Delivery resolve(Row alert, Instant resolvedAt, boolean retry) {
    return post(resolveBody(alert, resolvedAt), retry);
  }

  /** POSTs {@code body}; {@code retry} false tries once (after an earlier alert of the batch was not delivered). */
  public Delivery post(String body, boolean retry) {
    AtomicInteger tries = new AtomicInteger();
    RetryPolicy<Integer> policy = RetryPolicy.<Integer>builder()
        .handle(IOException.class)
        .handleResultIf(status -> status == 429 || status >= 500)
        .withBackoff(firstBackoff, firstBackoff.multipliedBy(8))
        .withMaxAttempts(retry ? attempts : 1)
        .build();
    try {
      int status = Failsafe.with(policy).get(() -> {
        tries.incrementAndGet();
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      });
      (status / 100 == 2 ? deliveries : failedDeliveries).incrementAndGet();
      return status / 100 == 2 ? new Delivery(true, tries.get(), null)
          : new Delivery(false, tries.get(), "HTTP " + status);
    } catch (FailsafeException e) {
      failedDeliveries.incrementAndGet();
      Throwable c = e.getCause() == null ? e : e.getCause();
      return new Delivery(false, tries.get(), c.getClass().getSimpleName() + ": " + withoutUrl(String.valueOf(c.getMessage())));
    }
  }

  /** An exception's message with the webhook's address cut to its host (some I/O errors quote the URI). */
  private String withoutUrl(String message) {
    String s = message.replace(url.toString(), host() + "/...");
    String path = url.getRawPath();
    return path == null || path.length() < 2 ? s : s.replace(path, "/...");
  }

  /** The body announcing {@code alert}, in this webhook's format. */
  public String triggerBody(Row alert) {
    return write(switch (format) {
      case SLACK -> slack(line(alert));
      case PAGERDUTY -> pagerDutyTrigger(alert);
      case ALERTMANAGER -> alertmanager(alert, null);
    });
  }

  /** The body saying that {@code alert}'s rule no longer holds at {@code resolvedAt}, in this webhook's format. */
  public String resolveBody(Row alert, Instant resolvedAt) {
    return write(switch (format) {
      case SLACK -> slack(resolvedLine(alert, resolvedAt));
      case PAGERDUTY -> pagerDutyEvent(alert, "resolve");
      case ALERTMANAGER -> alertmanager(alert, resolvedAt);
    });
  }

  private static ObjectNode slack(String text) {
    ObjectNode o = JSON.createObjectNode();
    o.put("text", text);
    return o;
  }

  /** An Events API v2 event without a payload (a resolve), keyed by the alert id. */
  private ObjectNode pagerDutyEvent(Row alert, String action) {
    ObjectNode o = JSON.createObjectNode();
    o.put("routing_key", routingKey);
    o.put("event_action", action);
    o.put("dedup_key", alert.<String>getAs(Alerts.ALERT_ID));
    return o;
  }

  /**
   * A trigger: {@code payload} with {@code summary} (the line, at most 1024 characters), {@code source},
   * {@code severity} (irsf critical, trunk_limit error, others warning), {@code timestamp} (the window's end),
   * {@code component} (the destination), {@code class} (the kind) and {@code custom_details} (every column).
   */
  private ObjectNode pagerDutyTrigger(Row alert) {
    ObjectNode o = pagerDutyEvent(alert, "trigger");
    String line = line(alert);
    ObjectNode p = o.putObject("payload");
    p.put("summary", line.length() > 1024 ? line.substring(0, 1024) : line);
    p.put("source", SOURCE);
    p.put("severity", severity(alert));
    p.put("timestamp", instant(alert.getAs(Alerts.WINDOW_END)));
    p.put("component", destination(alert));
    p.put("class", alert.<String>getAs(Alerts.KIND));
    ObjectNode d = p.putObject("custom_details");
    columns(alert, d);
    return o;
  }

  /**
   * Alertmanager's webhook body (version 4) of one alert: labels {@code alertname} (the kind), {@code destination}
   * and {@code severity}; annotations {@code summary} (the line), {@code description} (the reason) and
   * {@code alert_id}; {@code startsAt} the window's start, {@code endsAt} the resolve time or Go's zero time while
   * firing (as Alertmanager sends it), {@code fingerprint} the alert id; the group is the alert's own labels.
   */
  private static ObjectNode alertmanager(Row alert, Instant resolvedAt) {
    String status = resolvedAt == null ? "firing" : "resolved";
    ObjectNode labels = JSON.createObjectNode();
    labels.put("alertname", alert.<String>getAs(Alerts.KIND));
    labels.put("destination", destination(alert));
    labels.put("severity", severity(alert));
    ObjectNode annotations = JSON.createObjectNode();
    annotations.put("summary", line(alert));
    annotations.put("description", alert.<String>getAs(Alerts.REASON));
    annotations.put("alert_id", alert.<String>getAs(Alerts.ALERT_ID));
    ObjectNode o = JSON.createObjectNode();
    o.put("version", "4");
    o.put("groupKey", "{}:{alertname=\"" + alert.getAs(Alerts.KIND) + "\", destination=\"" + destination(alert) + "\"}");
    o.put("truncatedAlerts", 0);
    o.put("status", status);
    o.put("receiver", SOURCE);
    ObjectNode group = o.putObject("groupLabels");
    group.put("alertname", alert.<String>getAs(Alerts.KIND));
    group.put("destination", destination(alert));
    o.set("commonLabels", labels.deepCopy());
    o.set("commonAnnotations", annotations.deepCopy());
    o.put("externalURL", "");
    ArrayNode alerts = o.putArray("alerts");
    ObjectNode a = alerts.addObject();
    a.put("status", status);
    a.set("labels", labels);
    a.set("annotations", annotations);
    a.put("startsAt", instant(alert.getAs(Alerts.WINDOW_START)));
    a.put("endsAt", resolvedAt == null ? NOT_ENDED : resolvedAt.toString());
    a.put("generatorURL", "");
    a.put("fingerprint", alert.<String>getAs(Alerts.ALERT_ID));
    return o;
  }

  private static void columns(Row alert, ObjectNode d) {
    for (String f : alert.schema().fieldNames()) {
      Object v = alert.getAs(f);
      d.put(f, v == null ? null : v instanceof java.sql.Timestamp || v instanceof Instant ? instant(v) : v.toString());
    }
  }

  private static String severity(Row alert) {
    String kind = alert.getAs(Alerts.KIND);
    return kind.equals(AlertRules.IRSF) ? "critical" : kind.equals(AlertRules.TRUNK_LIMIT) ? "error" : "warning";
  }

  private static String destination(Row alert) {
    return String.valueOf(alert.<String>getAs(Alerts.DESTINATION));
  }

  private static String write(ObjectNode o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the webhook body", e);
    }
  }

  /** The one line of an alert, for the console and the webhook's text. */
  public static String line(Row alert) {
    return "ALERT " + alert.getAs(Alerts.KIND) + " " + alert.getAs(Alerts.DESTINATION) + " [" + instant(alert.getAs(Alerts.WINDOW_START))
        + ", " + instant(alert.getAs(Alerts.WINDOW_END)) + "): " + alert.getAs(Alerts.REASON) + " (alert " + alert.getAs(Alerts.ALERT_ID) + ")";
  }

  /** The one line of a resolve, for the console and the webhook's text. */
  public static String resolvedLine(Row alert, Instant resolvedAt) {
    return "RESOLVED " + alert.getAs(Alerts.KIND) + " " + alert.getAs(Alerts.DESTINATION) + ": its rule no longer holds at "
        + resolvedAt + " (alert " + alert.getAs(Alerts.ALERT_ID) + ", window [" + instant(alert.getAs(Alerts.WINDOW_START))
        + ", " + instant(alert.getAs(Alerts.WINDOW_END)) + "))";
  }

  static String instant(Object t) {
    return t instanceof java.sql.Timestamp s ? s.toInstant().toString() : String.valueOf(t);
  }
}
