package io.zentrunk.spark.jobs;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.lake.LakeUsageException;
import io.zentrunk.spark.source.CdrSchema;
import io.zentrunk.spark.source.ExecutorWarmUp;
import io.zentrunk.spark.source.ReadOptions;
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

  @picocli.CommandLine.Option(names = "--verbose",
      description = "on failure, print the whole chain of causes after the one-line message")
  boolean verbose;

  @picocli.CommandLine.Option(names = "--now", paramLabel = "TS",
      description = "the API's current time, UTC (default: the clock of this machine; set it for an emulator with a fixed clock)")
  String now;

  @picocli.CommandLine.Option(names = "--source-option", paramLabel = "KEY=VALUE",
      description = "an option of the zentrunk source, e.g. request_budget=3000 for a raised API limit (repeatable)")
  java.util.Map<String, String> sourceOption = new java.util.LinkedHashMap<>();

  /** The API's current time. */
  Instant now() {
    return now == null ? Instant.now() : time(now, "--now");
  }

  /** The source's options for this command's endpoint, with --now passed on. */
  java.util.Map<String, String> sourceOptions(ApiEndpoint api) {
    java.util.Map<String, String> o = new java.util.HashMap<>(api.sourceOptions());
    sourceOption.forEach((k, v) -> {
      if (k.equalsIgnoreCase(ReadOptions.AUTH_TOKEN.key()) || k.equalsIgnoreCase(ReadOptions.START.key())
          || k.equalsIgnoreCase(ReadOptions.END.key())) {
        throw new UsageException("--source-option " + k + " is not allowed: the window comes from --start/--end and the token from PLIVO_AUTH_TOKEN");
      }
      o.put(k, v);
    });
    if (now != null) {
      o.put(ReadOptions.NOW.key(), now().toString());
    }
    return o;
  }

  /** The job; throws {@link UsageException} for anything the user can fix. */
  abstract void execute() throws Exception;

  /**
   * Checks the options that can be checked without Spark, an endpoint or the environment (durations, thresholds,
   * choices); {@link #execute} calls it first. The documented command lines are run through it by a test.
   *
   * @throws UsageException naming the option
   */
  void checkOptions() {}

  @Override
  public final Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.qualifiedName();
    try {
      execute();
      return 0;
    } catch (UsageException | LakeUsageException e) {
      err.println(name + ": " + e.getMessage());
      err.flush();
      return USAGE;
    } catch (Exception e) {
      err.println(name + ": failed: " + failure(e));
      if (verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return FAILED;
    }
  }

  /**
   * The one line for a failure: the first exception of this project in the cause chain, whose message is written
   * for the person running the job (a lost commit race says so, not Iceberg's "Cannot fast-forward" beneath it);
   * else the deepest cause, with its type. The chain itself is printed with {@code --verbose}.
   */
  static String failure(Throwable e) {
    Throwable deepest = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().startsWith(OWN_PACKAGE) && t.getMessage() != null && !t.getMessage().isBlank()) {
        return firstLine(t.getMessage());
      }
      deepest = t;
    }
    return deepest.getClass().getSimpleName() + ": " + firstLine(String.valueOf(deepest.getMessage()));
  }

  private static final String OWN_PACKAGE = "io.zentrunk.spark.";

  private static String firstLine(String s) {
    return s.lines().findFirst().orElse("");
  }

  static String required(String value, String option) {
    if (value == null || value.isBlank()) {
      throw new UsageException("missing required option " + option);
    }
    return value;
  }

  /**
   * Reads a duration argument in the one grammar of {@link ApiTime#parseDuration} ('30s', '5m', '2 minutes',
   * 'PT2M'), in microseconds, at least {@code minMicros}.
   *
   * @throws UsageException naming {@code option}
   */
  static long duration(String value, String option, long minMicros) {
    try {
      return ApiTime.parseDuration(option, value, minMicros);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  static Instant time(String value, String option) {
    return value == null ? null : parseUtc(value, option);
  }

  /**
   * Reads a time argument in the one grammar of {@link ApiTime#parseUserTime}.
   *
   * @throws UsageException naming {@code option} when the value is not a time
   */
  static Instant parseUtc(String value, String option) {
    try {
      return ApiTime.toInstant(ApiTime.parseUserTime(option, value));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The API endpoint: {@code --api-url} or the real service with credentials, else the built-in emulator. */
  static ApiEndpoint endpoint(String apiUrl) {
    return ApiEndpoint.startIfNoCredentials(apiUrl, System.getenv(), System.err);
  }

  /**
   * Fails with one line naming the option if {@code path} cannot be written (checked with a probe
   * file through Hadoop's file system, so it holds for local, HDFS and S3A paths alike), before
   * any CDR is read.
   */
  static void writable(SparkSession spark, String path, String option) {
    try {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(path);
      org.apache.hadoop.fs.FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
        throw new UsageException(option + " " + path + " is a file, not a folder");
      }
      org.apache.hadoop.fs.Path probe = new org.apache.hadoop.fs.Path(dir, "_zentrunk_write_check");
      fs.mkdirs(dir);
      fs.create(probe, true).close();
      fs.delete(probe, false);
    } catch (UsageException e) {
      throw e;
    } catch (Exception e) {
      throw new UsageException(option + " " + path + " cannot be written: " + e.getClass().getSimpleName() + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
  }

  /**
   * Spark prints a plan's columns up to {@code spark.sql.debug.maxToStringFields} (default 25) and
   * warns once per JVM ("Truncated the string representation of a plan") when a plan has more. A CDR
   * scan has 28 columns, so every job run would warn. The limit is raised to fit the CDR schema, unless
   * the user set it (spark-submit --conf).
   */
  static final String MAX_TO_STRING_FIELDS = "spark.sql.debug.maxToStringFields";

  static SparkSession session(String app) {
    SparkSession spark = SparkSession.builder()
        .appName(app)
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
    // Spark resolves catalogs (the lake's, registered on this session) through the thread's active session's
    // settings, and a thread without one gets Spark's defaults: a job run from a thread that has no active session
    // (another session's thread, a scheduler's) would not find them. The job's session is this thread's.
    SparkSession.setActiveSession(spark);
    if (!spark.conf().contains(MAX_TO_STRING_FIELDS)) {
      spark.conf().set(MAX_TO_STRING_FIELDS, String.valueOf(2 * CdrSchema.SCHEMA.size()));
    }
    // on a cluster, the executors' cold start runs while the driver plans (not in the read's first tasks)
    ExecutorWarmUp.install(spark);
    return spark;
  }
}
