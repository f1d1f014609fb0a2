package io.zentrunk.spark.client;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * How to reach the API: base URL, credentials, timeouts, retries and the size of the request budget
 * (which {@link Budget} enforces it is the caller's choice: see {@link ZentrunkClient}).
 * Serializable because executors need it; {@link #toString()} never shows the token.
 */
public final class ClientConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  // The client's defaults. The source's option table (source.ReadOptions) declares its options
  // with these very values, so a default is written once.
  public static final String DEFAULT_API_URL = "https://api.plivo.com";
  public static final int DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
  public static final int DEFAULT_MAX_RETRIES = 10;
  /** Below the account's 300 per 5 s, leaving room for other clients of the account. */
  public static final int DEFAULT_BUDGET_REQUESTS = 250;
  public static final int DEFAULT_BUDGET_WINDOW_MS = 5_000;
  /**
   * {@code request_budget=auto} as a budget: start at Plivo's documented limit and find the account's limit by probing (the
   * budget package's adaptive budget).
   */
  public static final int AUTO_BUDGET = 0;

  private final String apiUrl;
  private final String authId;
  private final String authToken;
  private final int requestTimeoutMillis;
  private final int connectTimeoutMillis;
  private final int maxRetries;
  private final int budgetRequests;
  private final long budgetWindowMillis;
  /** The account whose request budget this one draws on: null for its own ({@link #authId}), or a group's key. */
  private final String budgetAccount;

  public ClientConfig(String apiUrl, String authId, String authToken, int requestTimeoutMillis,
      int connectTimeoutMillis, int maxRetries, int budgetRequests, long budgetWindowMillis) {
    this.apiUrl = stripSlash(Objects.requireNonNull(apiUrl));
    this.authId = Objects.requireNonNull(authId);
    this.authToken = Objects.requireNonNull(authToken);
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.maxRetries = maxRetries;
    this.budgetRequests = budgetRequests;
    this.budgetWindowMillis = budgetWindowMillis;
    this.budgetAccount = null;
  }

  private ClientConfig(ClientConfig o, String budgetAccount) {
    this.apiUrl = o.apiUrl;
    this.authId = o.authId;
    this.authToken = o.authToken;
    this.requestTimeoutMillis = o.requestTimeoutMillis;
    this.connectTimeoutMillis = o.connectTimeoutMillis;
    this.maxRetries = o.maxRetries;
    this.budgetRequests = o.budgetRequests;
    this.budgetWindowMillis = o.budgetWindowMillis;
    this.budgetAccount = budgetAccount;
  }

  /**
   * The same settings drawing on the budget of {@code key} instead of the account's own: the key of a group of
   * accounts that share one limit (subaccounts whose limit may be counted with their main account's).
   */
  public ClientConfig withBudgetAccount(String key) {
    return new ClientConfig(this, Objects.requireNonNull(key, "key"));
  }

  /** The key of the budget this account's requests draw on: its auth ID, or its group's key. */
  public String budgetAccount() {
    return budgetAccount != null ? budgetAccount : authId;
  }

  /** A config with the connector's defaults for everything but the endpoint and credentials. */
  public static ClientConfig of(String apiUrl, String authId, String authToken) {
    return new ClientConfig(apiUrl, authId, authToken, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS,
        DEFAULT_MAX_RETRIES, DEFAULT_BUDGET_REQUESTS, DEFAULT_BUDGET_WINDOW_MS);
  }

  private static String stripSlash(String url) {
    String u = url.trim();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  /**
   * Checks that an API URL is absolute http(s) and that plain http is used only for loopback
   * hosts (an emulator or a tunnel), so a token never crosses a network in clear text.
   *
   * @return null if acceptable, else what is wrong (one line)
   */
  public static String checkApiUrl(String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      return "is not a URL";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      return "must be an absolute https:// URL such as " + DEFAULT_API_URL;
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "must not carry a query or fragment";
    }
    if (scheme.equals("http") && !isLoopback(uri.getHost())) {
      return "uses plain http:// for a host that is not loopback; use https://";
    }
    return null;
  }

  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
  }

  public String apiUrl() {
    return apiUrl;
  }

  public String authId() {
    return authId;
  }

  /** The secret. Only the client's Authorization header may use it. */
  String authToken() {
    return authToken;
  }

  public int requestTimeoutMillis() {
    return requestTimeoutMillis;
  }

  public int connectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public int budgetRequests() {
    return budgetRequests;
  }

  public long budgetWindowMillis() {
    return budgetWindowMillis;
  }

  /** The same settings with another budget (for example an executor's share). */
  public ClientConfig withBudget(int requests) {
    ClientConfig c = new ClientConfig(apiUrl, authId, authToken, requestTimeoutMillis, connectTimeoutMillis, maxRetries,
        requests, budgetWindowMillis);
    return budgetAccount == null ? c : c.withBudgetAccount(budgetAccount);
  }

  @Override
  public String toString() {
    return "ClientConfig{apiUrl=" + apiUrl + ", authId=" + authId + ", authToken=<hidden>, budget="
        + (budgetAccount == null ? "" : budgetAccount + " ")
        + (budgetRequests == AUTO_BUDGET ? "auto" : Integer.toString(budgetRequests)) + "/" + budgetWindowMillis + "ms"
        + ", retries=" + maxRetries + "}";
  }
}
