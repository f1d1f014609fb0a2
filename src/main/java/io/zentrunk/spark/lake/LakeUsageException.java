package io.zentrunk.spark.lake;

/**
 * A mistake the user can fix about the lake or the ingest window (a lake that holds something else, a window
 * that is empty or past the API's retention, another account's lake): its message is one line naming the option
 * to change. The command line prints it like its own usage errors, without a stack trace, exit code 2.
 */
public class LakeUsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LakeUsageException(String message) {
    super(message);
  }

  public LakeUsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
