package io.zentrunk.spark.budget;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Whose request budget a read spends: the API host it talks to and the account the host counts its requests
 * against. Nothing else: two reads of one account with different {@code request_budget} or
 * {@code budget_window_ms} share one budget ({@link RequestBudget}: the rule for their settings is there).
 *
 * @param apiHost the API's host and port, lower case ({@code api.plivo.com:443}); {@link #of} makes it from a URL
 * @param account the name the budget is counted under: an auth ID, or the name of a group of accounts that share
 *     one limit (for example a main account and its subaccounts)
 */
public record BudgetKey(String apiHost, String account) {

  public BudgetKey {
    Objects.requireNonNull(apiHost, "apiHost");
    Objects.requireNonNull(account, "account");
    if (apiHost.isEmpty() || account.isEmpty()) {
      throw new IllegalArgumentException("a budget key needs an API host and an account");
    }
  }

  /** The key of {@code account} at the API of {@code apiUrl}: its scheme, path and query are not part of it. */
  public static BudgetKey of(String apiUrl, String account) {
    return new BudgetKey(host(apiUrl), account);
  }

  /** {@code host:port} of a URL, lower case, the scheme's default port when it names none. */
  static String host(String apiUrl) {
    try {
      URI u = URI.create(apiUrl);
      if (u.getHost() == null) {
        return apiUrl.toLowerCase(Locale.ROOT);
      }
      int port = u.getPort() >= 0 ? u.getPort() : "http".equalsIgnoreCase(u.getScheme()) ? 80 : 443;
      return u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    } catch (IllegalArgumentException e) {
      return apiUrl.toLowerCase(Locale.ROOT);
    }
  }
}
