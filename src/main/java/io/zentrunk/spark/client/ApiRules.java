package io.zentrunk.spark.client;

import java.time.Duration;

/** The list-calls API's fixed rules, written once for the client, the planners, the jobs and the emulator. */
public final class ApiRules {

  /** "Only calls from the last 90 days can be retrieved." */
  public static final Duration RETENTION = Duration.ofDays(90);

  /** {@link #RETENTION} in whole days, for options and messages that speak in days. */
  public static final int RETENTION_DAYS = 90;

  /** "limit: page size, 1..20, default 20; larger is an error." */
  public static final int PAGE_LIMIT = 20;

  /** "Without any end_time filter the service searches the last 30 days." */
  public static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

  private ApiRules() {}
}
