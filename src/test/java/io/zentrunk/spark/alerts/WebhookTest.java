package io.zentrunk.spark.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook against a loopback receiver: the body, retries with backoff on 5xx, no retry on 4xx, a bounded give-up. */
class WebhookTest {

  HttpServer server;
  final List<String> bodies = new CopyOnWriteArrayList<>();

  /** A receiver answering the n-th request (from 1) with {@code status.applyAsInt(n)}. */
  URI receiver(IntUnaryOperator status) throws Exception {
    AtomicInteger n = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook/T0KEN-PATH", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(status.applyAsInt(n.incrementAndGet()), -1);
      ex.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook/T0KEN-PATH");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  static Row alert() {
    return new GenericRowWithSchema(new Object[] {"0123456789abcdef", "irsf", "CU",
        Timestamp.from(Instant.parse("2026-11-01T12:00:00Z")), Timestamp.from(Instant.parse("2026-11-01T13:00:00Z")), 12L,
        new BigDecimal("130.50000"), new BigDecimal("0.00000"), null, "USD 130.50000 to CU", false,
        Timestamp.from(Instant.parse("2026-11-01T13:01:00Z"))}, Alerts.SCHEMA);
  }

  static Webhook fast(URI url) {
    return fast(url, Webhook.Format.SLACK, null);
  }

  static Webhook fast(URI url, Webhook.Format format, String routingKey) {
    return new Webhook(url, format, routingKey, 4, Duration.ofMillis(20), Duration.ofSeconds(5));
  }

  static final String LINE =
      "ALERT irsf CU [2026-11-01T12:00:00Z, 2026-11-01T13:00:00Z): USD 130.50000 to CU (alert 0123456789abcdef)";
  static final Instant RESOLVED = Instant.parse("2026-11-01T13:07:00Z");

  @Test
  void slackGetsTheAlertsLineAsTextAndAResolveLine() throws Exception {
    Webhook w = fast(URI.create("https://hooks.slack.com/services/T0/B0/S3CRET"));
    JsonNode b = new ObjectMapper().readTree(w.triggerBody(alert()));
    assertThat(b.get("text").asText()).isEqualTo(LINE);
    assertThat(b.size()).isEqualTo(1);
    JsonNode r = new ObjectMapper().readTree(w.resolveBody(alert(), RESOLVED));
    assertThat(r.get("text").asText()).isEqualTo("RESOLVED irsf CU: its rule no longer holds at 2026-11-01T13:07:00Z "
        + "(alert 0123456789abcdef, window [2026-11-01T12:00:00Z, 2026-11-01T13:00:00Z))");
  }

  @Test
  void pagerDutyGetsATriggerThenAResolveWithOneDedupKeyAndTheRoutingKey() throws Exception {
    URI url = receiver(n -> 202);
    Webhook w = fast(url, Webhook.Format.PAGERDUTY, "R0UTING-KEY");
    assertThat(w.trigger(alert(), true)).isEqualTo(new Webhook.Delivery(true, 1, null));
    assertThat(w.resolve(alert(), RESOLVED, true)).isEqualTo(new Webhook.Delivery(true, 1, null));
    assertThat(bodies).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode t = json.readTree(bodies.get(0));
    assertThat(t.get("routing_key").asText()).isEqualTo("R0UTING-KEY");
    assertThat(t.get("event_action").asText()).isEqualTo("trigger");
    assertThat(t.get("dedup_key").asText()).isEqualTo("0123456789abcdef");
    JsonNode p = t.get("payload");
    assertThat(p.get("summary").asText()).isEqualTo(LINE);
    assertThat(p.get("severity").asText()).isEqualTo("critical");
    assertThat(p.get("source").asText()).isEqualTo("zentrunk-spark watch");
    assertThat(p.get("timestamp").asText()).isEqualTo("2026-11-01T13:00:00Z");
    assertThat(p.get("component").asText()).isEqualTo("CU");
    assertThat(p.get("class").asText()).isEqualTo("irsf");
    assertThat(p.get("custom_details").get("amount").asText()).isEqualTo("130.50000");
    assertThat(p.get("custom_details").get("ner").isNull()).isTrue();
    JsonNode r = json.readTree(bodies.get(1));
    // a resolve is the three fields of Events v2: the key, the action and the incident's dedup_key
    assertThat(r.size()).isEqualTo(3);
    assertThat(r.get("routing_key").asText()).isEqualTo("R0UTING-KEY");
    assertThat(r.get("event_action").asText()).isEqualTo("resolve");
    assertThat(r.get("dedup_key").asText()).isEqualTo(t.get("dedup_key").asText());
    assertThat(w.toString()).doesNotContain("R0UTING-KEY", "T0KEN");
  }

  @Test
  void pagerDutyWithoutARoutingKeyIsRefused() {
    assertThatThrownBy(() -> Webhook.of("https://events.pagerduty.com/v2/enqueue", null, null))
        .hasMessage("PagerDuty needs its routing key in the environment variable PAGERDUTY_ROUTING_KEY (never on the command line)");
    assertThatThrownBy(() -> Webhook.of("https://relay.example/x", Webhook.Format.PAGERDUTY, " "))
        .hasMessageContaining("PAGERDUTY_ROUTING_KEY");
  }

  @Test
  void alertmanagerGetsItsWebhookBodyOfVersion4FieldByField() throws Exception {
    Webhook w = fast(URI.create("http://127.0.0.1:9/alertmanager/S3CRET"), Webhook.Format.ALERTMANAGER, null);
    ObjectMapper json = new ObjectMapper();
    JsonNode b = json.readTree(w.triggerBody(alert()));
    assertThat(fieldNames(b)).containsExactly("version", "groupKey", "truncatedAlerts", "status", "receiver",
        "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts");
    assertThat(b.get("version").asText()).isEqualTo("4");
    assertThat(b.get("groupKey").asText()).isEqualTo("{}:{alertname=\"irsf\", destination=\"CU\"}");
    assertThat(b.get("truncatedAlerts").asInt()).isZero();
    assertThat(b.get("status").asText()).isEqualTo("firing");
    assertThat(b.get("receiver").asText()).isEqualTo("zentrunk-spark watch");
    assertThat(b.get("groupLabels")).isEqualTo(json.readTree("{\"alertname\":\"irsf\",\"destination\":\"CU\"}"));
    JsonNode labels = json.readTree("{\"alertname\":\"irsf\",\"destination\":\"CU\",\"severity\":\"critical\"}");
    JsonNode annotations = json.readTree("{\"summary\":" + json.writeValueAsString(LINE)
        + ",\"description\":\"USD 130.50000 to CU\",\"alert_id\":\"0123456789abcdef\"}");
    assertThat(b.get("commonLabels")).isEqualTo(labels);
    assertThat(b.get("commonAnnotations")).isEqualTo(annotations);
    assertThat(b.get("externalURL").asText()).isEmpty();
    assertThat(b.get("alerts")).hasSize(1);
    JsonNode a = b.get("alerts").get(0);
    assertThat(fieldNames(a)).containsExactly("status", "labels", "annotations", "startsAt", "endsAt", "generatorURL",
        "fingerprint");
    assertThat(a.get("status").asText()).isEqualTo("firing");
    assertThat(a.get("labels")).isEqualTo(labels);
    assertThat(a.get("annotations")).isEqualTo(annotations);
    assertThat(a.get("startsAt").asText()).isEqualTo("2026-11-01T12:00:00Z");
    assertThat(a.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(a.get("generatorURL").asText()).isEmpty();
    assertThat(a.get("fingerprint").asText()).isEqualTo("0123456789abcdef");
    JsonNode r = json.readTree(w.resolveBody(alert(), RESOLVED));
    assertThat(r.get("status").asText()).isEqualTo("resolved");
    assertThat(r.get("alerts").get(0).get("status").asText()).isEqualTo("resolved");
    assertThat(r.get("alerts").get(0).get("endsAt").asText()).isEqualTo("2026-11-01T13:07:00Z");
    assertThat(r.get("alerts").get(0).get("fingerprint").asText()).isEqualTo("0123456789abcdef");
  }

  @Test
  void theFormatIsDetectedFromTheHostAndTheFlagOverridesIt() {
    assertThat(Webhook.of("https://hooks.slack.com/services/T0/B0/X", null, null).format()).isEqualTo(Webhook.Format.SLACK);
    assertThat(Webhook.of("https://events.pagerduty.com/v2/enqueue", null, "k").format()).isEqualTo(Webhook.Format.PAGERDUTY);
    assertThat(Webhook.of("https://events.eu.pagerduty.com/v2/enqueue", null, "k").format()).isEqualTo(Webhook.Format.PAGERDUTY);
    assertThat(Webhook.of("http://alertmanager-relay.internal:9095/hook", null, null).format())
        .isEqualTo(Webhook.Format.ALERTMANAGER);
    assertThat(Webhook.of("http://127.0.0.1:9/hook", null, null).format()).isEqualTo(Webhook.Format.SLACK);
    assertThat(Webhook.of("https://hooks.slack.com/services/T0/B0/X", Webhook.Format.ALERTMANAGER, null).format())
        .isEqualTo(Webhook.Format.ALERTMANAGER);
    assertThat(Webhook.Format.of("PagerDuty")).isEqualTo(Webhook.Format.PAGERDUTY);
    assertThatThrownBy(() -> Webhook.Format.of("teams")).hasMessage("must be slack, pagerduty or alertmanager, not 'teams'");
  }

  @Test
  void aMalformedUrlIsNeverPrintedPastItsSchemeAndHost() {
    String[] bad = {"hooks.slack.com/services/T0/B0/S3CRET", "https://hooks.slack.com/services/T0/B0/S3CRET with space",
        "ftp://files.example/S3CRET", "http:///S3CRET", "S3CRET",
        "https://hooks.slack.com/services/%zz/S3CRET", "http://[::1/S3CRET"};
    for (String url : bad) {
      assertThatThrownBy(() -> Webhook.of(url, null, null))
          .as(url).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("the webhook must be an http:// or https:// URL with a host, not ")
          .hasMessageNotContaining("S3CRET").hasMessageNotContaining("services");
    }
    assertThat(Webhook.safe("https://user:S3CRET@hooks.slack.com/services/x")).isEqualTo("'https://hooks.slack.com/...'");
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void aReceiverThatFailsFirstGetsRetriesUntilItAnswers() throws Exception {
    Webhook w = fast(receiver(n -> n <= 2 ? 503 : 200));
    Webhook.Delivery d = w.trigger(alert(), true);
    assertThat(d).isEqualTo(new Webhook.Delivery(true, 3, null));
    assertThat(bodies).hasSize(3).containsOnly(w.triggerBody(alert()));
    assertThat(w.host()).doesNotContain("T0KEN").startsWith("http://127.0.0.1:");
  }

  @Test
  void aReceiverThatKeepsFailingCostsABoundedNumberOfTriesAndA4xxIsNotRetried() throws Exception {
    Webhook w = fast(receiver(n -> n <= 4 ? 500 : 400));
    assertThat(w.post("{}", true)).isEqualTo(new Webhook.Delivery(false, 4, "HTTP 500"));
    assertThat(w.post("{}", true)).isEqualTo(new Webhook.Delivery(false, 1, "HTTP 400"));
    assertThat(bodies).hasSize(5);
    // after an alert of the batch was not delivered, the others get one try each
    stop();
    Webhook dead = fast(receiver(n -> 503));
    assertThat(dead.post("{}", false)).isEqualTo(new Webhook.Delivery(false, 1, "HTTP 503"));
    server.stop(0);
    Webhook.Delivery refused = dead.post("{}", true);
    assertThat(refused.delivered()).isFalse();
    assertThat(refused.attempts()).isEqualTo(4);
    assertThat(refused.error()).contains("ConnectException");
  }

  @Test
  void onlyHttpUrlsWithAHost() {
    assertThatThrownBy(() -> Webhook.of("ftp://x/y", null, null)).hasMessageContaining("must be an http:// or https:// URL");
    assertThatThrownBy(() -> Webhook.of("http:///y", null, null)).hasMessageContaining("with a host");
  }
}
