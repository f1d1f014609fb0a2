package io.zentrunk.spark.testing;

import io.zentrunk.spark.client.ApiTime;
import java.time.Instant;

/** Times written the way the jobs take them ("2026-11-01", "2026-11-01 10:15", ISO-8601), read as UTC instants. */
public final class TestTimes {

  private TestTimes() {}

  public static Instant utc(String text) {
    return ApiTime.toInstant(ApiTime.parseUserTime("test", text));
  }
}
