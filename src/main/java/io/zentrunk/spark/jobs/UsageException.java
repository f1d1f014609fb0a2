package io.zentrunk.spark.jobs;

/**
 * A mistake the user can fix (a bad argument, a lake that holds something else, data that would be lost):
 * the commands print its message as one line, without a stack trace, and exit with code 2.
 */
public class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
