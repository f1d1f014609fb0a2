package io.zentrunk.spark.client;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only class that speaks HTTP to the Zentrunk API. One page per call, under the account's
 * shared {@link Budget} (this JVM's budget of the account, or permits leased from the driver),
 * retried with exponential backoff and jitter on 429, 5xx, I/O failures and truncated or malformed bodies. 400, 401, 403, 404 and 405 end at once with the
 * status, the API's {@code api_id} and its error text.
 *
 * <p>Cheap to create (one per reader); the underlying {@link HttpClient}s are shared by the JVM.
 */
public final class ZentrunkClient {

  private static final Logger LOG = LoggerFactory.getLogger(ZentrunkClient.class);
  private static final ConcurrentHashMap<String, HttpClient> HTTP = new ConcurrentHashMap<>();
  private static final String USER_AGENT = "zentrunk-spark/0.1 (java.net.http)";

  private final ClientConfig config;
  private final ReadStats stats;
  private final Budget budget;
  private final HttpClient http;
  private final String listUrl;
  private final String authorization;
  private final RetryPolicy<Object> retry;

  /** The JVM's HTTP client for plain or TLS URLs with this connect timeout. */
  private static HttpClient shared(boolean plain, int connectTimeoutMillis) {
    // HTTP/2 where TLS offers it; plain HTTP/1.1 otherwise (no h2c upgrade dance on loopback)
    HttpClient.Version version = plain ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2;
    return HTTP.computeIfAbsent(version + "/" + connectTimeoutMillis, k -> HttpClient.newBuilder()
        .version(version)
        .connectTimeout(Duration.ofMillis(connectTimeoutMillis))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build());
  }

  /**
   * Builds the JVM's shared HTTP clients a read with the default connect timeout uses (plain and TLS), sending
   * nothing: what a JVM's first client otherwise pays on its first request. Building the first one initialises the
   * JDK's default TLS context (its trust store), even for plain URLs: seconds of a cold JVM under load
   * (docs/performance-history.md, "The cluster"). Returns how many clients the JVM holds.
   */
  public static int warmUp() {
    shared(true, ClientConfig.DEFAULT_CONNECT_TIMEOUT_MS);
    shared(false, ClientConfig.DEFAULT_CONNECT_TIMEOUT_MS);
    return HTTP.size();
  }

  /** Decodes a 200's body; a malformed body is retried. */
  @FunctionalInterface
  private interface Body<T> {
    T parse(byte[] body) throws PageParser.MalformedBodyException;
  }

  /**
   * @param budget where each request's permit comes from: this JVM's budget of the account, or
   *     permits leased from the driver's service (see the budget package)
   */
  public ZentrunkClient(ClientConfig config, Budget budget, ReadStats stats) {
    this.config = config;
    this.stats = stats;
    this.budget = budget;
    this.http = shared(config.apiUrl().regionMatches(true, 0, "http:", 0, 5), config.connectTimeoutMillis());
    this.listUrl = config.apiUrl() + "/v1/Account/" + URLEncoder.encode(config.authId(), StandardCharsets.UTF_8) + "/Zentrunk/Call/";
    this.authorization = "Basic " + Base64.getEncoder().encodeToString(
        (config.authId() + ":" + config.authToken()).getBytes(StandardCharsets.UTF_8));
    this.retry = RetryPolicy.<Object>builder()
        .handleIf(e -> e instanceof ZentrunkApiException z && z.retryable())
        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(20))
        .withJitter(0.5)
        .withMaxRetries(config.maxRetries())
        .onRetry(e -> {
          stats.retries.increment();
          Throwable last = e.getLastException();
          LOG.warn("Zentrunk API request failed, retry {} of {}: {}", e.getAttemptCount(), config.maxRetries(),
              last == null ? "?" : last.getMessage());
        })
        .build();
  }

  /** The Date header of the latest successful answer (the API's clock, whole seconds), or null before one. */
  private volatile Instant serverTime;

  /**
   * The API's clock as its latest successful answer stated it (HTTP {@code Date}, whole seconds), or null when no
   * answer came yet or the answers carry no Date header.
   */
  public Instant serverTime() {
    return serverTime;
  }

  public ClientConfig config() {
    return config;
  }

  /**
   * Fetches one page.
   *
   * @param wanted the fields to decode by ordinal, or null for all
   * @throws ZentrunkApiException when the API refuses the request or the retries are spent
   */
  public CdrPage page(CdrQuery query, int offset, int limit, boolean[] wanted) {
    String url = listUrl + "?" + query.queryString(offset, limit);
    PageParser parser = new PageParser(wanted);
    return send(url, parser::parse, false, () -> describe(query, offset));
  }

  /**
   * One request under the retry policy: a refusal whose retries are spent says so in one line naming max_retries;
   * an interruption keeps the thread's flag and names {@code what} was asked.
   */
  private <T> T send(String url, Body<T> body, boolean notFoundIsAnswer, java.util.function.Supplier<String> what) {
    try {
      return Failsafe.with(retry).get(() -> attempt(url, body, notFoundIsAnswer));
    } catch (ZentrunkApiException e) {
      if (e.retryable()) {
        throw new ZentrunkApiException(e.status(), e.apiId(),
            "gave up after " + (config.maxRetries() + 1) + " attempts (option max_retries): " + e.getMessage(),
            false, null, e);
      }
      throw e;
    } catch (FailsafeException e) {
      Throwable cause = e.getCause() instanceof InterruptedException ? e.getCause() : e;
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new ZentrunkException("request interrupted: " + what.get(), cause);
    }
  }

  /**
   * One call's Insights ({@code GET .../Call/{call_uuid}/Insights/}): one request under the same budget and retries
   * as a page. A 404 is the API's answer for a call without Insights (no media, or no longer kept): it comes back as
   * {@link CallInsights#none}, not as an error, since the call itself was just listed.
   *
   * @throws ZentrunkApiException when the API refuses the request (other than 404) or the retries are spent
   */
  public CallInsights insights(String callUuid) {
    if (callUuid == null || callUuid.isEmpty() || !callUuid.chars().allMatch(c -> c == '-' || Character.isLetterOrDigit(c))) {
      throw new IllegalArgumentException("call_uuid must be letters, digits and '-', got '" + callUuid + "'");
    }
    String url = listUrl + callUuid + "/Insights/";
    CallInsights found = send(url, b -> InsightsParser.parse(callUuid, b), true,
        () -> "Insights of call_uuid " + callUuid);
    stats.insights.increment();
    return found;
  }

  /** The number of records a query matches now: one request of one record. */
  public long count(CdrQuery query) {
    return page(query, 0, 1, new boolean[CdrField.count()]).totalCount();
  }

  private <T> T attempt(String url, Body<T> parser, boolean insights) throws InterruptedException {
    Budget.Permit permit = budget.permit();
    stats.budgetWaitNanos.add(permit.waitedNanos());
    try {
      return send(url, parser, insights);
    } finally {
      // the request has ended: its slot frees one window from now (see RequestBudget)
      permit.release();
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T send(String url, Body<T> parser, boolean insights) throws InterruptedException {
    stats.requests.increment();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofMillis(config.requestTimeoutMillis()))
        .header("Authorization", authorization)
        .header("Accept", "application/json")
        .header("User-Agent", USER_AGENT)
        .GET()
        .build();
    String path = url.substring(config.apiUrl().length());
    LOG.debug("GET {}", path);
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new ZentrunkApiException(0, null, "no answer within " + config.requestTimeoutMillis()
          + " ms (option request_timeout_ms) for GET " + path, true, null, e);
    } catch (IOException e) {
      throw ioFailure(e, path);
    }
    int status = response.statusCode();
    byte[] body = response.body();
    if (status == 200) {
      response.headers().firstValue("Date").ifPresent(this::noteServerTime);
      try {
        T parsed = parser.parse(body);
        budget.onSuccess();
        if (!insights) {
          stats.pages.increment();
        }
        return parsed;
      } catch (PageParser.MalformedBodyException e) {
        throw new ZentrunkApiException(200, null, "truncated or malformed response (" + e.getMessage()
            + ", " + body.length + " bytes) for GET " + path, true, null, e);
      }
    }
    String[] err = PageParser.parseError(body);
    if (insights && status == 404) {
      // the call was just listed: 404 is "no Insights for it", an answer (see insights())
      budget.onSuccess();
      return (T) CallInsights.none(url.substring(listUrl.length(), url.length() - "/Insights/".length()));
    }
    String apiId = err[0];
    String apiError = err[1] == null ? "" : ": " + err[1];
    String where = " for GET " + path + (apiId == null ? "" : " (api_id " + apiId + ")");
    if (status == 429) {
      stats.throttled.increment();
      long retryAfter = retryAfterMillis(response);
      budget.onThrottled(retryAfter);
      throw new ZentrunkApiException(429, apiId, "rate limited (429)" + apiError + where, true,
          retryAfter > 0 ? java.time.Duration.ofMillis(retryAfter) : null, null);
    }
    if (status >= 500) {
      throw new ZentrunkApiException(status, apiId, "server error " + status + apiError + where, true, null, null);
    }
    String hint = switch (status) {
      // the account named (its auth id is not a secret): a read of several accounts fails on one of them
      case 401, 403 -> " - check auth_id and auth_token of account " + config.authId() + " (or PLIVO_AUTH_ID / "
          + "PLIVO_AUTH_TOKEN; with auth_ids PLIVO_AUTH_TOKEN_" + config.authId() + " or its line in credentials_file)";
      case 404 -> " - check api_url and auth_id";
      default -> "";
    };
    throw new ZentrunkApiException(status, apiId, "the API answered " + status + apiError + where + hint, false);
  }

  /**
   * An I/O failure as one line that says what failed and what to check. A host name that does not resolve is not
   * retried: the JVM caches a failed lookup for 10 s ({@code networkaddress.cache.negative.ttl}), so the policy's
   * first retries would be answered from that cache without asking DNS again, and its later ones would spend about
   * 90 s to report what, for a configured API host, is nearly always a mistyped URL or a machine without DNS. A
   * resolver that failed for a moment on one executor is covered by Spark's retry of the task. A refused or reset
   * connection (a server restarting, a proxy) is retried like other I/O failures.
   */
  private ZentrunkApiException ioFailure(IOException e, String path) {
    URI api = URI.create(config.apiUrl());
    String option = config.apiUrl().equals(ClientConfig.DEFAULT_API_URL) ? "the default api_url " + config.apiUrl()
        : "api_url " + config.apiUrl();
    // the JDK's client wraps the resolver's UnresolvedAddressException in a ConnectException: look at the whole chain
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
        return new ZentrunkApiException(0, null, "the API host " + api.getHost() + " did not resolve (" + option
            + "; --api-url in the jobs): check the URL and this machine's DNS; not retried", false, null, e);
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        int port = api.getPort() > 0 ? api.getPort() : "http".equalsIgnoreCase(api.getScheme()) ? 80 : 443;
        return new ZentrunkApiException(0, null, "no connection to " + api.getHost() + ":" + port + " (" + option
            + "): " + (t.getMessage() == null ? "refused or unreachable" : t.getMessage()) + ", for GET " + path, true,
            null, e);
      }
    }
    return new ZentrunkApiException(0, null, "I/O failure (" + e.getClass().getSimpleName() + ": "
        + e.getMessage() + ") for GET " + path, true, null, e);
  }

  private void noteServerTime(String date) {
    try {
      serverTime = ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (RuntimeException e) {
      LOG.debug("Unreadable Date header: {}", date);
    }
  }

  private static long retryAfterMillis(HttpResponse<?> response) {
    String v = response.headers().firstValue("Retry-After").orElse(null);
    if (v == null) {
      return -1;
    }
    try {
      return Math.min(120_000L, Long.parseLong(v.trim()) * 1000L);
    } catch (NumberFormatException e) {
      try {
        long at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.max(0, Math.min(120_000L, at - System.currentTimeMillis()));
      } catch (RuntimeException ignored) {
        return -1;
      }
    }
  }

  private static String describe(CdrQuery q, int offset) {
    return q + " offset " + offset;
  }
}
