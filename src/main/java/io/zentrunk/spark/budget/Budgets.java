package io.zentrunk.spark.budget;

import io.zentrunk.spark.client.Budget;
import io.zentrunk.spark.client.ClientConfig;

/** Which {@link Budget} a read's requests take their permits from. */
public final class Budgets {

  private Budgets() {}

  /** {@link #of(BudgetKey, ClientConfig, PermitEndpoint)} for the account of {@code config}'s auth ID. */
  public static Budget of(ClientConfig config, PermitEndpoint permits) {
    return of(BudgetKey.of(config.apiUrl(), config.authId()), config, permits);
  }

  /**
   * The budget of {@code account} (one per API host and account, whatever the read's settings), with the read's
   * settings from {@code config} ({@code request_budget}, {@code budget_window_ms}) as its claim on it: this JVM's
   * ({@link RequestBudget#shared}: local mode and the driver), or, with {@code permits}, leases from the driver's
   * service ({@link PermitClient#shared}: executors).
   *
   * @param account whose budget: {@link BudgetKey#of}{@code (apiUrl, authId)}, or a group's name for accounts that
   *     share one limit
   * @param permits the driver's permit service, or null
   */
  public static Budget of(BudgetKey account, ClientConfig config, PermitEndpoint permits) {
    return permits == null
        ? RequestBudget.shared(account, config.budgetRequests(), config.budgetWindowMillis())
        : PermitClient.shared(permits, account, config);
  }
}
