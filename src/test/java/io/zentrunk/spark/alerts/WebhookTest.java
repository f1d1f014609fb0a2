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
    return new Webhook(url, 4, Duration.ofMillis(20), Duration.ofSeconds(5));
  }

  @Test
  void theBodyHasSlacksTextAndPagerDutysEventFields() throws Exception {
    JsonNode b = new ObjectMapper().readTree(Webhook.body(alert()));
    String line = "ALERT irsf CU [2026-11-01T12:00:00Z, 2026-11-01T13:00:00Z): USD 130.50000 to CU (alert 0123456789abcdef)";
    assertThat(b.get("text").asText()).isEqualTo(line);
    assertThat(b.get("event_action").asText()).isEqualTo("trigger");
    assertThat(b.get("dedup_key").asText()).isEqualTo("0123456789abcdef");
    JsonNode p = b.get("payload");
    assertThat(p.get("summary").asText()).isEqualTo(line);
    assertThat(p.get("severity").asText()).isEqualTo("critical");
    assertThat(p.get("source").asText()).isEqualTo("zentrunk-spark watch");
    assertThat(p.get("timestamp").asText()).isEqualTo("2026-11-01T13:00:00Z");
    assertThat(p.get("custom_details").get("amount").asText()).isEqualTo("130.50000");
    assertThat(p.get("custom_details").get("ner").isNull()).isTrue();
    // its resolve: the same dedup key, event_action resolve
    JsonNode r = new ObjectMapper().readTree(Webhook.resolveBody(alert()));
    assertThat(r.get("event_action").asText()).isEqualTo("resolve");
    assertThat(r.get("dedup_key").asText()).isEqualTo("0123456789abcdef");
    assertThat(r.get("text").asText()).isEqualTo("RESOLVED " + line.substring("ALERT ".length()));
  }

  @Test
  void aReceiverThatFailsFirstGetsRetriesUntilItAnswers() throws Exception {
    Webhook w = fast(receiver(n -> n <= 2 ? 503 : 200));
    Webhook.Delivery d = w.post(Webhook.body(alert()), true);
    assertThat(d).isEqualTo(new Webhook.Delivery(true, 3, null));
    assertThat(bodies).hasSize(3).containsOnly(Webhook.body(alert()));
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
    assertThatThrownBy(() -> Webhook.of("ftp://x/y")).hasMessageContaining("must be an http:// or https:// URL");
    assertThatThrownBy(() -> Webhook.of("http:///y")).hasMessageContaining("with a host");
  }
}
