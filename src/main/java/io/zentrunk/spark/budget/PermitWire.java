package io.zentrunk.spark.budget;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The executor's half of the permit service's wire protocol (see {@link PermitServer}): form-encoded
 * POSTs with the per-application secret, answers as {@code key=value} lines. 410 means the session
 * expired at the driver, 401 a refused secret.
 */
final class PermitWire {

  /** This JVM as the driver's logs and stats name it: pid@host, which executor stopped reporting. */
  static final String CLIENT = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();

  private final PermitEndpoint endpoint;
  /** One client for the JVM's sessions (its connections to the driver kept alive), built with the class. */
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1).build();

  PermitWire(PermitEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Builds the JVM's client of the permit service (and loads this class), sending nothing. */
  static HttpClient warmUp() {
    return HTTP;
  }

  String url() {
    return endpoint.url();
  }

  long unreachableMillis() {
    return endpoint.unreachableMillis();
  }

  /** Opens a session on one account's budget, for a read with the settings {@code requests} per {@code windowMillis}; returns its id. */
  String open(BudgetKey key, int requests, long windowMillis, long ttlMillis)
      throws IOException, InterruptedException, Expired, Refused {
    String answer = call("op=open&api=" + enc(key.apiHost()) + "&account=" + enc(key.account()) + "&requests=" + requests
        + "&window_ms=" + windowMillis + "&ttl_ms=" + ttlMillis + "&client=" + enc(CLIENT), Duration.ofSeconds(10));
    return value(answer, "session");
  }

  /** Asks for up to {@code want} permits; the driver answers when it has some or after its lease wait. */
  int lease(String session, int want) throws IOException, InterruptedException, Expired, Refused {
    String answer = call("op=lease&session=" + session + "&want=" + want,
        Duration.ofNanos(PermitServer.LEASE_WAIT_NANOS).plusSeconds(10));
    return Integer.parseInt(value(answer, "granted"));
  }

  /** Reports requests that ended (the latest {@code endedAgoMs} ago), permits returned unused, successes and a 429. */
  void report(String session, PermitNews news, long endedAgoMs) throws IOException, InterruptedException, Expired, Refused {
    call("op=report&session=" + session + "&ended=" + news.ended + "&ended_ago_ms=" + endedAgoMs + "&returned="
        + news.returned + "&successes=" + news.successes
        + (news.throttled == Long.MIN_VALUE ? "" : "&throttled=" + news.throttled), Duration.ofSeconds(10));
  }

  private String call(String form, Duration timeout) throws IOException, InterruptedException, Expired, Refused {
    HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint.url()))
        .timeout(timeout)
        .header("Authorization", "Bearer " + endpoint.secret())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    return switch (response.statusCode()) {
      case 200 -> response.body();
      case 410 -> throw new Expired();
      case 401 -> throw new Refused("the request permit service on the driver (" + endpoint.url()
          + ") refused this read's secret (HTTP 401); an executor never reads without the cluster's request budget");
      default -> throw new Refused("the request permit service on the driver (" + endpoint.url() + ") answered "
          + response.statusCode() + ": " + response.body().lines().findFirst().orElse(""));
    };
  }

  private static String value(String answer, String key) {
    Map<String, String> m = answer.lines().filter(l -> l.indexOf('=') > 0)
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> b));
    String v = m.get(key);
    if (v == null) {
      throw new IllegalStateException("the request permit service's answer has no " + key);
    }
    return v;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The driver forgot the session (it expired). */
  static final class Expired extends Exception {
    private static final long serialVersionUID = 1L;
  }

  /** The driver refused (bad secret, or an answer the client cannot use): not worth retrying soon. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }
}
