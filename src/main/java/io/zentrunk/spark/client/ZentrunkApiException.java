package io.zentrunk.spark.client;

/**
 * A failure of the Zentrunk API or of the way to it. Carries the HTTP status (0 for I/O
 * failures), the API's {@code api_id} when it sent one, and whether trying again can help.
 * Never carries credentials: messages are built from the status, the api_id, the API's own
 * error text and the query (which holds no secret).
 */
public final class ZentrunkApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String apiId;
  private final boolean retryable;
  private final long retryAfterMillis;

  public ZentrunkApiException(int status, String apiId, String message, boolean retryable, long retryAfterMillis, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.apiId = apiId;
    this.retryable = retryable;
    this.retryAfterMillis = retryAfterMillis;
  }

  public ZentrunkApiException(int status, String apiId, String message, boolean retryable) {
    this(status, apiId, message, retryable, -1, null);
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

  /** The server's Retry-After in milliseconds, or -1 when it sent none. */
  public long retryAfterMillis() {
    return retryAfterMillis;
  }

  public boolean throttled() {
    return status == 429;
  }
}
