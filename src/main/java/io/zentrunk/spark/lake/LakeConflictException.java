package io.zentrunk.spark.lake;

/**
 * Another writer holds the lake or committed to it while this run was writing: this run changed nothing
 * visible. The message is one line saying so and what to do.
 */
public final class LakeConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LakeConflictException(String message) {
    super(message);
  }

  public LakeConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
