package io.zentrunk.spark.window;

import io.zentrunk.spark.client.ZentrunkException;
/** Planning a read failed for a reason other than an API error (interrupted, a bug in a probe). */
public final class PlanningException extends ZentrunkException {
  private static final long serialVersionUID = 1L;

  public PlanningException(String message, Throwable cause) {
    super(message, cause);
  }
}
