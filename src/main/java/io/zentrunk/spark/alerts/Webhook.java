package io.zentrunk.spark.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;

/**
 * One JSON POST per alert to a webhook, retried with backoff (Failsafe) on a connection error, 429 or 5xx; any other
 * answer is final. The body is made from the alert row alone, so no credential can be in it. A webhook that keeps
 * failing costs at most {@code attempts} tries per alert and never fails the batch: the alert rows are written
 * before, and the caller prints what was not delivered.
 */
public final class Webhook {

  /** What became of one POST. */
  public record Delivery(boolean delivered, int attempts, String error) {}

  static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final HttpClient http;
  private final int attempts;
  private final Duration firstBackoff;
  private final Duration timeout;

  public Webhook(URI url, int attempts, Duration firstBackoff, Duration timeout) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
      throw new IllegalArgumentException("the webhook must be an http:// or https:// URL with a host, not '" + url + "'");
    }
    this.url = url;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** Four tries, 1 s, 2 s, 4 s apart, 10 s each at most. */
  public static Webhook of(String url) {
    return new Webhook(URI.create(url), 4, Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  /** The webhook's address without its path and query (which may hold a secret, as Slack's do), for messages. */
  public String host() {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
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
      return status / 100 == 2 ? new Delivery(true, tries.get(), null)
          : new Delivery(false, tries.get(), "HTTP " + status);
    } catch (FailsafeException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      return new Delivery(false, tries.get(), c.getClass().getSimpleName() + ": " + c.getMessage());
    }
  }

  /**
   * The body of an alert: a top-level {@code text} (what Slack's incoming webhooks show) and the fields of
   * PagerDuty's Events API v2 ({@code event_action}, {@code dedup_key} = the alert id, {@code payload} with
   * {@code summary}, {@code source}, {@code severity}, {@code timestamp}, {@code component}, {@code class},
   * {@code custom_details}); PagerDuty's {@code routing_key} is not added.
   */
  public static String body(Row alert) {
    ObjectNode o = JSON.createObjectNode();
    String line = line(alert);
    o.put("text", line);
    o.put("event_action", "trigger");
    o.put("dedup_key", alert.<String>getAs(Alerts.ALERT_ID));
    ObjectNode p = o.putObject("payload");
    p.put("summary", line.length() > 1024 ? line.substring(0, 1024) : line);
    p.put("source", "zentrunk-spark watch");
    String kind = alert.getAs(Alerts.KIND);
    p.put("severity", kind.equals(AlertRules.IRSF) ? "critical" : kind.equals(AlertRules.TRUNK_LIMIT) ? "error" : "warning");
    p.put("timestamp", instant(alert.getAs(Alerts.WINDOW_END)));
    p.put("component", String.valueOf(alert.<String>getAs(Alerts.DESTINATION)));
    p.put("class", kind);
    ObjectNode d = p.putObject("custom_details");
    for (String f : Alerts.SCHEMA.fieldNames()) {
      Object v = alert.getAs(f);
      d.put(f, v == null ? null : v instanceof java.sql.Timestamp || v instanceof java.time.Instant ? instant(v) : v.toString());
    }
    try {
      return JSON.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the webhook body", e);
    }
  }

  /**
   * The body of an alert's resolve: {@link #body} with {@code event_action} {@code resolve} (the same
   * {@code dedup_key}) and the text saying so.
   */
  public static String resolveBody(Row alert) {
    try {
      ObjectNode o = (ObjectNode) JSON.readTree(body(alert));
      o.put("event_action", "resolve");
      o.put("text", "RESOLVED " + o.get("text").asText().substring("ALERT ".length()));
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

  static String instant(Object t) {
    return t instanceof java.sql.Timestamp s ? s.toInstant().toString() : String.valueOf(t);
  }
}
