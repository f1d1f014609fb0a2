package io.zentrunk.spark.window;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The JVM's threads for requests in flight: daemon, created on demand, idle ones reclaimed. */
final class Fetchers {
  private static final AtomicInteger N = new AtomicInteger();
  static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "zentrunk-fetch-" + N.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private Fetchers() {}
}
