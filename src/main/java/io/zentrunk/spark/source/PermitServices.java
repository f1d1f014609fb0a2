package io.zentrunk.spark.source;

import io.zentrunk.spark.budget.PermitEndpoint;
import io.zentrunk.spark.budget.PermitServer;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's request permit service, one per Spark application that reads on a cluster
 * (see {@link PermitServer}): started by the first read's planning, stopped when the
 * application ends. Local mode needs none: its tasks run in the driver's JVM, under the
 * driver's own budget.
 *
 * <p>It listens on the driver's address ({@code spark.driver.bindAddress}, else
 * {@code spark.driver.host}) and port {@code spark.zentrunk.permits.port} (default 0: any
 * free port), and is advertised to executors as {@code spark.driver.host}: where executors
 * already reach the driver.
 *
 * <p>{@code spark.zentrunk.permits.unreachableTimeout} (a Spark time, default {@code 60s}) is how long
 * an executor that cannot reach the service keeps trying before it fails its task (see
 * {@code budget.PermitClient}); it travels to the executors with the service's endpoint.
 */
final class PermitServices {

  private static final Logger LOG = LoggerFactory.getLogger(PermitServices.class);
  static final String PORT_CONF = "spark.zentrunk.permits.port";
  static final String UNREACHABLE_CONF = "spark.zentrunk.permits.unreachableTimeout";
  private static final Map<String, PermitServer> BY_APPLICATION = new HashMap<>();

  private PermitServices() {}

  /** The service of the active application, started if need be; null in local mode or without a session. */
  static synchronized PermitEndpoint forActiveApplication() {
    SparkSession session = SparkSession.getActiveSession().isDefined() ? SparkSession.getActiveSession().get()
        : SparkSession.getDefaultSession().isDefined() ? SparkSession.getDefaultSession().get() : null;
    if (session == null) {
      LOG.warn("No active Spark session while planning: tasks use their own JVM's request budget");
      return null;
    }
    SparkContext sc = session.sparkContext();
    if (sc.isLocal()) {
      return null;
    }
    String app = sc.applicationId();
    PermitServer server = BY_APPLICATION.get(app);
    if (server == null) {
      SparkConf c = sc.getConf();
      String host = c.get("spark.driver.host", "127.0.0.1");
      String bind = c.get("spark.driver.bindAddress", host);
      server = PermitServer.start(bind, c.getInt(PORT_CONF, 0), host);
      BY_APPLICATION.put(app, server);
      PermitServer started = server;
      sc.addSparkListener(new SparkListener() {
        @Override
        public void onApplicationEnd(SparkListenerApplicationEnd end) {
          synchronized (PermitServices.class) {
            BY_APPLICATION.remove(app, started);
          }
          started.close();
        }
      });
    }
    return server.endpoint().withUnreachableMillis(unreachableMillis(sc.getConf()));
  }

  /** {@value #UNREACHABLE_CONF} in milliseconds; a value that is not a positive time fails in one line naming it. */
  static long unreachableMillis(SparkConf c) {
    String given = c.get(UNREACHABLE_CONF, null);
    if (given == null) {
      return PermitEndpoint.DEFAULT_UNREACHABLE_MILLIS;
    }
    long ms;
    try {
      ms = c.getTimeAsMs(UNREACHABLE_CONF);
    } catch (RuntimeException e) {
      ms = -1;
    }
    if (ms < 1) {
      throw new IllegalArgumentException(UNREACHABLE_CONF + " must be a positive time such as 60s or 500ms, got '"
          + given + "'");
    }
    return ms;
  }

  /** The service of application {@code app}, or null (tests stop it and read its book). */
  static synchronized PermitServer serverOf(String app) {
    return BY_APPLICATION.get(app);
  }
}
