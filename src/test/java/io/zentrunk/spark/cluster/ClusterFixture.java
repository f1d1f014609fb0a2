package io.zentrunk.spark.cluster;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the cluster tests share: the emulated account they read (300 requests per 5 s, 100 ms ± 30 ms),
 * driver applications started on a {@link StandaloneCluster} with the project's jar, and the
 * emulator's request log cut into 5-second windows.
 */
final class ClusterFixture {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant FROM = Instant.parse("2026-10-20T00:00:00Z");
  static final Instant TO = FROM.plus(Duration.ofDays(1));
  static final int BUDGET = 250; // the connector's default request_budget per 5 s
  /** System.nanoTime() at epoch 0 in this JVM (where the emulator stamps arrivals). */
  static final long NANO_EPOCH = System.nanoTime() - System.currentTimeMillis() * 1_000_000L;

  private ClusterFixture() {}

  /** The account of the cluster tests: 30,000 calls a day, the API's 300 per 5 s, 100 ms ± 30 ms a request. */
  static ZentrunkEmulator emulator(long seed) {
    return ZentrunkEmulator.start(EmulatorConfig.builder().seed(seed).callsPerDay(30_000).now(NOW)
        .rateLimit(300, Duration.ofSeconds(5)).latency(Duration.ofMillis(100), Duration.ofMillis(30)).build());
  }

  /**
   * Starts {@code mainClass} (a driver application of the test classes) with the project's jar and the test
   * classes on its classpath and the emulator's credentials in its environment; its output goes to
   * {@code <cluster logs>/<logName>.log}.
   */
  static Process startDriver(StandaloneCluster cluster, ZentrunkEmulator api, String logName, String mainClass,
      List<String> args) throws IOException {
    Files.deleteIfExists(cluster.logs().resolve(logName + ".log"));
    return cluster.start(logName, List.of("-Xmx768m"), mainClass, args,
        Map.of("PLIVO_AUTH_ID", api.config().authId(), "PLIVO_AUTH_TOKEN", api.config().authToken()),
        appJar() + File.pathSeparator + Path.of("target", "test-classes").toAbsolutePath());
  }

  /** "count distinct-call_uuids sum-of-total_amount" of the ground truth of {@code [from, to)}. */
  static String truthLine(ZentrunkEmulator api, Instant from, Instant to) {
    List<EmulatedCall> truth = api.groundTruth(from, to);
    return truth.size() + " " + truth.stream().map(EmulatedCall::callUuid).distinct().count() + " "
        + truth.stream().map(EmulatedCall::totalAmount).reduce(BigDecimal.ZERO, BigDecimal::add).stripTrailingZeros()
            .toPlainString();
  }

  static long epochToNanos(long epochMillis) {
    return NANO_EPOCH + epochMillis * 1_000_000L;
  }

  /** The most arrivals in any 5-second window (each window starting at an arrival: that covers them all). */
  static int peak(long[] arrivals) {
    int best = 0;
    int j = 0;
    for (int i = 0; i < arrivals.length; i++) {
      while (j < arrivals.length && arrivals[j] - arrivals[i] < 5_000_000_000L) {
        j++;
      }
      best = Math.max(best, j - i);
    }
    return best;
  }

  static long[] between(long[] arrivals, long fromNanos, long toNanos) {
    return Arrays.stream(arrivals).filter(a -> a >= fromNanos && a <= toNanos).toArray();
  }

  /** The project's spark-submit jar (the build's shaded jar). */
  static Path appJar() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      return s.filter(p -> p.getFileName().toString().matches("zentrunk-spark-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst().orElseThrow(() -> new IllegalStateException("no shaded jar in target/: run mvn package"))
          .toAbsolutePath();
    }
  }

  static String tail(String s, int lines) {
    List<String> l = s.lines().toList();
    return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
  }

}
