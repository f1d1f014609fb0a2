package io.zentrunk.spark.source;

import io.zentrunk.spark.budget.PermitServer;
import org.apache.spark.sql.SparkSession;

/**
 * A test hook on the driver's request permit service of a running application ({@link PermitServices}):
 * its book of permits, and a stop at a moment the test chooses. Runs in the driver's JVM (the cluster
 * tests' driver applications call it).
 */
public final class PermitServiceProbe {

  private PermitServiceProbe() {}

  /** The book of the application's service, or null while no read has started it. */
  public static PermitServer.Stats stats(SparkSession spark) {
    PermitServer s = PermitServices.serverOf(spark.sparkContext().applicationId());
    return s == null ? null : s.stats();
  }

  /** Stops the application's service now, as a driver whose service died would; false if none runs. */
  public static boolean stop(SparkSession spark) {
    PermitServer s = PermitServices.serverOf(spark.sparkContext().applicationId());
    if (s == null) {
      return false;
    }
    s.close();
    return true;
  }
}
