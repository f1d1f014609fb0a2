package io.zentrunk.spark.bench;

import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Server-side times of the first and the last list request of a read. The emulator's stats
 * count requests but do not record when they came, so this polls a count every {@value #POLL_MS}
 * ms and notes when it first rose and when it last rose above the highest value seen: a
 * resolution of a few ms, under 0.1% of the reads it times. The count is the emulator's list
 * requests, or (beside another client) those less the other client's.
 */
final class RequestTimeline implements AutoCloseable {

  static final long POLL_MS = 2;

  private final Thread poller;
  private volatile boolean stop;
  private volatile long first = -1;
  private volatile long last = -1;
  /** (nanos, count) at every change, for -Dbench.trace=FILE (diagnosis of where a read loses time). */
  private final java.util.List<long[]> trace = new java.util.ArrayList<>();

  /** The times of all the emulator's list requests from now on. */
  RequestTimeline(ZentrunkEmulator api) {
    this(() -> api.stats().listRequests(), api.stats().listRequests());
  }

  /** The times of the rises of {@code requests} above {@code base} and above every value seen since. */
  RequestTimeline(LongSupplier requests, long base) {
    poller = new Thread(() -> {
      long seen = base;
      while (!stop) {
        long n = requests.getAsLong();
        long now = System.nanoTime();
        if (n > seen) {
          if (first < 0) {
            first = now;
          }
          last = now;
          seen = n;
          trace.add(new long[] {now, n});
        }
        LockSupport.parkNanos(POLL_MS * 1_000_000L);
      }
    }, "bench-request-timeline");
    poller.setDaemon(true);
    poller.start();
  }

  /** Nanoseconds from the first to the last request seen; call after {@link #close()}. */
  long spanNanos() {
    return first < 0 ? 0 : last - first;
  }

  @Override
  public void close() throws InterruptedException {
    // let the poller see the last request
    LockSupport.parkNanos(5 * POLL_MS * 1_000_000L);
    stop = true;
    poller.join();
    String file = System.getProperty("bench.trace");
    if (file != null && !trace.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (long[] t : trace) {
        sb.append((t[0] - first) / 1_000_000).append(' ').append(t[1]).append('\n');
      }
      try {
        java.nio.file.Files.writeString(java.nio.file.Path.of(file + "." + System.nanoTime()), sb);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
