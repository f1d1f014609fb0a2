package io.zentrunk.spark.budget;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where an executor leases request permits: the driver's {@link PermitServer}, its URL and the
 * application's secret. Travels to the executors inside the read's configuration;
 * {@link #toString()} never shows the secret.
 */
public final class PermitEndpoint implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How long an executor keeps trying to reach the service before it fails the task. */
  public static final long DEFAULT_UNREACHABLE_MILLIS = 60_000;

  private final String url;
  private final String secret;
  private final long unreachableMillis;

  public PermitEndpoint(String url, String secret, long unreachableMillis) {
    this.url = Objects.requireNonNull(url);
    this.secret = Objects.requireNonNull(secret);
    if (unreachableMillis < 1) {
      throw new IllegalArgumentException("unreachableMillis must be positive");
    }
    this.unreachableMillis = unreachableMillis;
  }

  public String url() {
    return url;
  }

  /** The secret. Only the permit client's request header may use it. */
  String secret() {
    return secret;
  }

  public long unreachableMillis() {
    return unreachableMillis;
  }

  /** The same service with another time to wait before failing (tests). */
  public PermitEndpoint withUnreachableMillis(long millis) {
    return new PermitEndpoint(url, secret, millis);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PermitEndpoint p && url.equals(p.url) && secret.equals(p.secret)
        && unreachableMillis == p.unreachableMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, secret, unreachableMillis);
  }

  @Override
  public String toString() {
    return "PermitEndpoint{" + url + ", secret=<hidden>}";
  }
}
