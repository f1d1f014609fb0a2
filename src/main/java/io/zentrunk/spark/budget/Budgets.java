package io.zentrunk.spark.budget;

import io.zentrunk.spark.client.Budget;
import io.zentrunk.spark.client.ClientConfig;

/** Which {@link Budget} a read's requests take their permits from. */
public final class Budgets {

  private Budgets() {}

  /**
   * This JVM's budget of the account ({@link RequestBudget#shared}: local mode and the driver), or,
   * with {@code permits}, leases from the driver's service ({@link PermitClient#shared}: executors).
   *
   * @param permits the driver's permit service, or null
   */
  public static Budget of(ClientConfig config, PermitEndpoint permits) {
    return permits == null
        ? RequestBudget.shared(config.apiUrl(), config.budgetAccount(), config.budgetRequests(), config.budgetWindowMillis())
        : PermitClient.shared(permits, config);
  }
}
