package io.zentrunk.spark.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zentrunk.spark.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The watch's metrics as Prometheus reads them (a parser of the text format, over the endpoint's real HTTP). */
class WatchMetricsTest {

  static final Path DASHBOARD = Path.of("grafana", "zentrunk-watch.json");

  @Test
  void theEndpointServesTheTextFormatThatAParserReads() throws Exception {
    WatchMetrics m = new WatchMetrics();
    m.behind(125);
    m.requests(7, 1);
    m.requests(3, 0);
    m.lateCdrsSeen(2);
    m.lateCdrsSeen(1); // the source's count is cumulative: never goes back
    WatchStats stats = new WatchStats();
    stats.judged(10);
    stats.raised(AlertRules.IRSF);
    stats.resolved(AlertRules.IRSF);
    m.batchDone(1500);
    try (MetricsEndpoint e = MetricsEndpoint.start("127.0.0.1", 0, m::exposition);
        MetricsEndpoint receiver = MetricsEndpoint.start("127.0.0.1", 0, () -> "ok")) {
      // the webhook's own count: one POST taken (200 from a loopback receiver), one given up (405 to a POST)
      Webhook hook = new Webhook(URI.create("http://127.0.0.1:" + receiver.port() + "/metrics"), Webhook.Format.SLACK, null,
          1, java.time.Duration.ofMillis(10), java.time.Duration.ofSeconds(5));
      assertThat(hook.post("{}", false).delivered()).isFalse();
      m.watch(stats, hook);
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port() + "/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      Map<String, PrometheusText.Family> f = PrometheusText.parse(r.body());
      assertThat(f.get(WatchMetrics.BEHIND).type()).isEqualTo("gauge");
      assertThat(value(f, WatchMetrics.BEHIND)).isEqualTo(125);
      assertThat(f.get(WatchMetrics.REQUESTS).type()).isEqualTo("counter");
      assertThat(value(f, WatchMetrics.REQUESTS)).isEqualTo(10);
      assertThat(value(f, WatchMetrics.THROTTLED)).isEqualTo(1);
      assertThat(value(f, WatchMetrics.LATE_CDRS)).isEqualTo(2);
      assertThat(value(f, WatchMetrics.MINUTES_JUDGED)).isEqualTo(10);
      assertThat(PrometheusText.sample(f, WatchMetrics.ALERTS, "kind", "irsf").value()).isEqualTo(1);
      assertThat(PrometheusText.sample(f, WatchMetrics.ALERTS, "kind", "trunk_limit").value()).isZero();
      assertThat(PrometheusText.sample(f, WatchMetrics.ALERTS, "kind", "ner_drop").value()).isZero();
      assertThat(PrometheusText.sample(f, WatchMetrics.ALERTS, "kind", "quality_drop").value()).as("a series before its first alert").isZero();
      assertThat(PrometheusText.sample(f, WatchMetrics.RESOLVED, "kind", "irsf").value()).isEqualTo(1);
      assertThat(value(f, WatchMetrics.WEBHOOK_FAILED)).isEqualTo(1);
      assertThat(value(f, WatchMetrics.WEBHOOK_DELIVERED)).isZero();
      assertThat(value(f, WatchMetrics.BATCHES)).isEqualTo(1);
      assertThat(value(f, WatchMetrics.LAST_BATCH_SECONDS)).isEqualTo(1.5);
      f.values().stream().filter(x -> x.type().equals("counter"))
          .forEach(x -> assertThat(x.name()).endsWith("_total"));
      HttpResponse<String> post = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port() + "/metrics"))
              .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void theStreamsClockProbesAndTheir429sAreCountedOnceFromItsCumulativeFigures() {
    WatchMetrics m = new WatchMetrics();
    WatchMetricsListener l = new WatchMetricsListener(m);
    l.sourceFigures(Map.of("probeRequests", "5", "probeThrottled", "2", "lateCdrs", "0"));
    l.sourceFigures(Map.of("probeRequests", "7", "probeThrottled", "3", "lateCdrs", "4"));
    l.sourceFigures(Map.of("probeRequests", "7", "probeThrottled", "3", "lateCdrs", "4")); // the same progress again
    Map<String, PrometheusText.Family> f = PrometheusText.parse(m.exposition());
    assertThat(PrometheusText.sample(f, WatchMetrics.REQUESTS).value()).isEqualTo(7);
    assertThat(PrometheusText.sample(f, WatchMetrics.THROTTLED).value()).isEqualTo(3);
    // a restarted stream counts from 0 again: its figures are added
    l.sourceFigures(Map.of("probeRequests", "1", "probeThrottled", "1"));
    f = PrometheusText.parse(m.exposition());
    assertThat(PrometheusText.sample(f, WatchMetrics.REQUESTS).value()).isEqualTo(8);
    assertThat(PrometheusText.sample(f, WatchMetrics.THROTTLED).value()).isEqualTo(4);
  }

  @Test
  void theParserRefusesWhatPrometheusRefuses() {
    assertThatThrownBy(() -> PrometheusText.parse("a b\n")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> PrometheusText.parse("a{x=\"1} 2\n")).hasMessageContaining("unterminated");
    assertThatThrownBy(() -> PrometheusText.parse("a 1\na 2\n")).hasMessageContaining("twice");
    assertThatThrownBy(() -> PrometheusText.parse("a 1\n# TYPE a counter\n")).hasMessageContaining("TYPE after");
    assertThatThrownBy(() -> PrometheusText.parse("1a 1\n")).hasMessageContaining("not a metric name");
    assertThatThrownBy(() -> PrometheusText.parse("a 1")).hasMessageContaining("line feed");
    Map<String, PrometheusText.Family> ok = PrometheusText.parse(
        "# HELP a the \\\\ help\n# TYPE a gauge\na{k=\"x\\\"y\\\\z\\n\",l=\"\"} -1.5e3 1700000000000\nb NaN\nc +Inf\n");
    assertThat(ok.get("a").help()).isEqualTo("the \\ help");
    assertThat(ok.get("a").samples().get(0).labels()).containsExactly(Map.entry("k", "x\"y\\z\n"), Map.entry("l", ""));
    assertThat(ok.get("a").samples().get(0).value()).isEqualTo(-1500);
    assertThat(ok.get("b").type()).isEqualTo("untyped");
  }

  @Test
  void theDashboardUsesOnlyMetricsTheJobServes() throws Exception {
    Set<String> served = PrometheusText.parse(fullExposition()).keySet();
    assertThat(dashboardMetrics()).isNotEmpty().isSubsetOf(served);
  }

  /** Every family, each gauge set once (a gauge without a value yet is left out). */
  static String fullExposition() {
    WatchMetrics m = new WatchMetrics();
    m.behind(0);
    m.batchDone(0);
    return m.exposition();
  }

  static double value(Map<String, PrometheusText.Family> f, String name) {
    return PrometheusText.sample(f, name).value();
  }

  /** PromQL's functions, aggregations and keywords that a dashboard's expressions use (not metric names). */
  private static final Set<String> PROMQL = Set.of("rate", "irate", "increase", "delta", "idelta", "deriv", "sum", "avg",
      "max", "min", "count", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
      "time", "timestamp", "max_over_time", "min_over_time", "avg_over_time", "clamp_min", "clamp_max", "abs", "offset",
      "histogram_quantile", "label_replace", "vector", "scalar", "topk", "bottomk", "changes", "resets");

  /** The metric names in the shipped dashboard's expressions: identifiers outside label matchers and ranges. */
  static Set<String> dashboardMetrics() throws Exception {
    JsonNode d = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    Set<String> names = new TreeSet<>();
    Pattern ident = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    for (JsonNode panel : d.get("panels")) {
      for (JsonNode t : panel.get("targets")) {
        String expr = t.get("expr").asText()
            .replaceAll("\\{[^}]*\\}", " ")                     // label matchers
            .replaceAll("\\[[^\\]]*\\]", " ")                   // ranges
            .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ") // grouping labels
            .replaceAll("\"[^\"]*\"", " ");                     // strings
        Matcher m = ident.matcher(expr);
        while (m.find()) {
          if (!PROMQL.contains(m.group()) && !Character.isDigit(m.group().charAt(0))) {
            names.add(m.group());
          }
        }
      }
    }
    return names;
  }
}
