package io.zentrunk.spark.budget;

/**
 * How long the driver's permit service has been unreachable from one loop of a {@link PermitClient},
 * and the backoff between tries: after {@link PermitEndpoint#unreachableMillis()} the waiting requests
 * fail with one line (an executor never falls back to a budget of its own).
 */
final class Reachability {
  private final PermitEndpoint endpoint;
  private long since;
  private long backoffMillis = 100;

  Reachability(PermitEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  void reached() {
    since = 0;
    backoffMillis = 100;
  }

  /** @return true the first time the service is found unreachable in a row (worth one warning) */
  boolean firstFailure(long nowNanos) {
    if (since != 0) {
      return false;
    }
    since = nowNanos;
    return true;
  }

  /** The one-line failure once the service has been unreachable for too long, else null; restarts the count. */
  String givenUp(long nowNanos, Throwable cause) {
    if (nowNanos - since < endpoint.unreachableMillis() * 1_000_000L) {
      return null;
    }
    since = 0;
    return "the request permit service on the driver (" + endpoint.url() + ") was unreachable for "
        + endpoint.unreachableMillis() / 1000 + " s (" + describe(cause)
        + "); an executor never reads without the cluster's request budget";
  }

  /** The pause before the next try: 100 ms doubling up to 2 s. */
  long nextBackoffMillis() {
    long b = backoffMillis;
    backoffMillis = Math.min(2000, backoffMillis * 2);
    return b;
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.lines().findFirst().orElse(""));
  }
}
