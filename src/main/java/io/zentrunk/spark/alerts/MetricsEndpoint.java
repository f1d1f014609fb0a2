package io.zentrunk.spark.alerts;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The watch job's Prometheus endpoint: {@code GET /metrics} answers the text exposition format (0.0.4) of
 * {@link WatchMetrics}, on the JDK's own HTTP server, one daemon thread.
 *
 * <p>Why not Spark's {@code PrometheusServlet} sink: it serves only what Spark's Dropwizard metrics system holds, on
 * the Spark UI's port (so the UI must be on), under names that carry the application id unless
 * {@code spark.metrics.namespace} is set; the job's own figures (alerts by kind, minutes judged, webhook failures,
 * the source's requests and 429s) would need a metrics {@code Source} registered through Spark's internal API. A
 * small endpoint serves stable names that a dashboard can use, costs no dependency and works the same under
 * spark-submit on a cluster's driver and in local mode.
 */
public final class MetricsEndpoint implements AutoCloseable {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService thread;

  private MetricsEndpoint(HttpServer server, ExecutorService thread) {
    this.server = server;
    this.thread = thread;
  }

  /**
   * Serves {@code body} at {@code http://host:port/metrics} ({@code port} 0: a free one, see {@link #port}).
   *
   * @throws UncheckedIOException when the address cannot be bound (the message names it)
   */
  public static MetricsEndpoint start(String host, int port, Supplier<String> body) {
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    s.createContext("/metrics", ex -> {
      try (ex) {
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
          ex.getResponseHeaders().set("Allow", "GET, HEAD");
          ex.sendResponseHeaders(405, -1);
          return;
        }
        byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        if (ex.getRequestMethod().equals("HEAD")) {
          ex.sendResponseHeaders(200, -1);
          return;
        }
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream o = ex.getResponseBody()) {
          o.write(b);
        }
      }
    });
    ExecutorService t = Executors.newSingleThreadExecutor(r -> {
      Thread th = new Thread(r, "zentrunk-watch-metrics");
      th.setDaemon(true);
      return th;
    });
    s.setExecutor(t);
    s.start();
    return new MetricsEndpoint(s, t);
  }

  /** The port it listens on (the one chosen when started with 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    thread.shutdownNow();
  }
}
