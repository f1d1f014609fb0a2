package io.zentrunk.spark.client;

/**
 * Where a request's permit comes from: this JVM's {@code budget.RequestBudget} (local mode,
 * the driver), or the driver's permit service for an executor on a cluster ({@code budget.PermitClient}).
 * The client asks for one permit per request and releases it when the request has ended.
 */
public interface Budget {

  /**
   * Waits until a request may start.
   *
   * @throws ZentrunkApiException (not retryable) when the permits cannot be had, e.g. the
   *     driver's permit service stayed unreachable
   */
  Permit permit() throws InterruptedException;

  /** The API answered 429 (the budget shrinks and pauses for Retry-After). */
  void onThrottled(long retryAfterMillis);

  /** A request went through (the budget grows back). */
  void onSuccess();

  /** One request's permit. */
  interface Permit {
    /** The nanoseconds spent waiting for it. */
    long waitedNanos();

    /** The request has ended (answered or failed); call exactly once. */
    void release();
  }
}
