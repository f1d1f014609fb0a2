package io.zentrunk.spark.jobs;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the job commands share: one-line errors without stack traces (exit 2 for usage errors, 1 for failures,
 * 0 only on success) and the SparkSession (master from spark-submit, UTC session time zone).
 */
abstract class JobCommand implements Callable<Integer> {

  static final int USAGE = 2;
  static final int FAILED = 1;

  @Spec CommandSpec spec;

  /** The job; throws {@link UsageException} for anything the user can fix. */
  abstract void execute() throws Exception;

  @Override
  public final Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.qualifiedName();
    try {
      execute();
      return 0;
    } catch (UsageException e) {
      err.println(name + ": " + e.getMessage());
      err.flush();
      return USAGE;
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String msg = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
      err.println(name + ": failed: " + root.getClass().getSimpleName() + ": " + msg);
      err.flush();
      return FAILED;
    }
  }

  static String required(String value, String option) {
    if (value == null || value.isBlank()) {
      throw new UsageException("missing required option " + option);
    }
    return value;
  }

  static Instant time(String value, String option) {
    return value == null ? null : Timestamps.parseUtc(value, option);
  }

  /** The API endpoint: {@code --api-url} or the real service with credentials, else the built-in emulator. */
  static EmbeddedEmulator endpoint(String apiUrl) {
    try {
      return EmbeddedEmulator.startIfNoCredentials(apiUrl, System.getenv());
    } catch (UnsupportedOperationException e) {
      throw new UsageException("no API credentials and " + e.getMessage()
          + ": set PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN, or pass --api-url", e);
    }
  }

  static SparkSession session(String app) {
    return SparkSession.builder()
        .appName(app)
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }
}
