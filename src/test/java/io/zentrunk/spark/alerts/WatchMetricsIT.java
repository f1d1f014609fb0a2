package io.zentrunk.spark.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watch --metrics-port 0} as users run it (spark-submit code path, a JVM of its own) against the emulator with
 * an accelerated clock and a burst: the endpoint is scraped while the job runs and read with a parser of Prometheus'
 * text format; it holds every metric the shipped Grafana dashboard uses, with figures that agree with what happened
 * (the burst's alert, the minutes judged, requests no more than the emulator answered, the lag behind its clock).
 */
class WatchMetricsIT {

  private static final Pattern SERVED = Pattern.compile("watch: metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");

  @Test
  void theEndpointIsScrapedDuringARunAndHoldsEveryMetricTheDashboardUses(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = WatchIT.emulator(2_000, true, WatchIT.T.minus(Duration.ofMinutes(5)))) {
      Path log = tmp.resolve("watch.log");
      Process p = WatchIT.watch(api, tmp, "watch.log", List.of(), "--metrics-port", "0", "--metrics-host", "127.0.0.1");
      try {
        AtomicReference<String> port = new AtomicReference<>();
        WatchIT.await("the metrics endpoint's line", Duration.ofMinutes(2), p, log, () -> {
          try {
            Matcher m = SERVED.matcher(Files.readString(log));
            if (m.find()) {
              port.set(m.group(1));
            }
            return port.get() != null;
          } catch (Exception e) {
            return false;
          }
        });
        URI url = URI.create("http://127.0.0.1:" + port.get() + "/metrics");
        Path firstDone = tmp.resolve("stages").resolve(WatchBatch.STAGE_BATCH_DONE);
        WatchIT.await("the first batch", Duration.ofMinutes(2), p, log, () -> Files.exists(firstDone));
        api.runClock(WatchIT.RATE);
        WatchIT.await("the IRSF alert", Duration.ofMinutes(5), p, log, () -> !WatchIT.alerts(tmp).isEmpty());
        AtomicReference<Map<String, PrometheusText.Family>> scraped = new AtomicReference<>();
        WatchIT.await("the alert in the metrics", Duration.ofSeconds(30), p, log, () -> {
          scraped.set(PrometheusText.parse(scrape(url)));
          PrometheusText.Sample irsf = PrometheusText.sample(scraped.get(), WatchMetrics.ALERTS, "kind", "irsf");
          return irsf != null && irsf.value() >= 1;
        });
        long answered = api.stats().requests();
        Map<String, PrometheusText.Family> f = scraped.get();
        System.out.println("watch metrics: " + f.keySet());
        assertThat(f.keySet()).containsAll(WatchMetricsTest.dashboardMetrics());
        assertThat(PrometheusText.sample(f, WatchMetrics.ALERTS, "kind", "irsf").value()).isEqualTo(1);
        assertThat(PrometheusText.sample(f, WatchMetrics.ALERTS, "kind", "trunk_limit").value()).isZero();
        assertThat(f.get(WatchMetrics.ALERTS).type()).isEqualTo("counter");
        double minutes = WatchMetricsTest.value(f, WatchMetrics.MINUTES_JUDGED);
        double requests = WatchMetricsTest.value(f, WatchMetrics.REQUESTS);
        double behind = WatchMetricsTest.value(f, WatchMetrics.BEHIND);
        System.out.printf("watch metrics: %.0f minutes judged, %.0f requests counted (the emulator answered %d by then), "
            + "%.0f s behind the API's clock, last batch %.1f s%n", minutes, requests, answered, behind,
            WatchMetricsTest.value(f, WatchMetrics.LAST_BATCH_SECONDS));
        // the burst's hour was judged minute by minute: at least the 10 burst minutes
        assertThat(minutes).isGreaterThanOrEqualTo(10);
        assertThat(requests).isPositive().isLessThanOrEqualTo(answered);
        assertThat(WatchMetricsTest.value(f, WatchMetrics.THROTTLED)).isZero(); // the emulator's limit is off
        assertThat(behind).isGreaterThanOrEqualTo(WatchIT.LAG.toSeconds());
        assertThat(WatchMetricsTest.value(f, WatchMetrics.BATCHES)).isGreaterThanOrEqualTo(2);
        assertThat(WatchMetricsTest.value(f, WatchMetrics.LAST_BATCH_SECONDS)).isPositive();
        assertThat(WatchMetricsTest.value(f, WatchMetrics.LATE_CDRS)).isZero();
        assertThat(WatchMetricsTest.value(f, WatchMetrics.WEBHOOK_FAILED)).isZero();
        p.destroy(); // SIGTERM: stops between batches, and the endpoint with the job
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("SIGTERM stops the job; its log:\n" + WatchIT.tail(log)).isTrue();
      } finally {
        p.destroyForcibly();
      }
    }
  }

  static String scrape(URI url) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      return r.body();
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException("scraping " + url, e);
    }
  }
}
