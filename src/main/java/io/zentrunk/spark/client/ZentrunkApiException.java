package io.zentrunk.spark.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure of the Zentrunk API or of the way to it. Carries the HTTP status (0 for I/O
 * failures and timeouts), the API's {@code api_id} when it sent one, and whether trying again
 * can help. Never carries credentials: messages are built from the status, the api_id, the
 * API's own error text and the query (which holds no secret).
 */
public final class ZentrunkApiException extends ZentrunkException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String apiId;
  private final boolean retryable;
  private final Duration retryAfter;

  /** @param retryAfter the server's Retry-After, or null when it sent none */
  public ZentrunkApiException(int status, String apiId, String message, boolean retryable, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.apiId = apiId;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  public ZentrunkApiException(int status, String apiId, String message, boolean retryable) {
    this(status, apiId, message, retryable, null, null);
  }

  /** HTTP status, or 0 when no response was received. */
  public int status() {
    return status;
  }

  /** The API's request id, or null. */
  public String apiId() {
    return apiId;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The server's Retry-After, if it sent one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  public boolean throttled() {
    return status == 429;
  }
}
