package io.zentrunk.spark.client;

/**
 * Any failure of a Zentrunk read, the common supertype of {@link ZentrunkApiException} (the API
 * or the way to it failed), {@code window.IncompleteReadException} (the API answered, but a window
 * could not be read exactly) and {@code window.PlanningException}. Used as is for a read that was
 * interrupted or cancelled. Messages never carry credentials.
 */
public class ZentrunkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ZentrunkException(String message, Throwable cause) {
    super(message, cause);
  }

  public ZentrunkException(String message) {
    super(message);
  }
}
