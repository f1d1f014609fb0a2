package io.zentrunk.spark.emulator;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the emulator over real HTTP/1.1 keep-alive connections: list requests for random
 * 1-hour windows at random offsets of a 100,000-calls/day account, no faults, no latency, no rate
 * limit. Usage: {@code EmulatorThroughputBench [seconds=15] [threads=8]} (see jobs/bench-emulator).
 */
public final class EmulatorThroughputBench {

  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private EmulatorThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    Instant now = Instant.parse("2026-11-01T00:00:00Z");
    EmulatorConfig cfg = EmulatorConfig.builder().callsPerDay(100_000).now(now).rateLimitOff()
        .build();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(cfg)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .executor(Executors.newFixedThreadPool(2)).build();
      String auth = "Basic " + Base64.getEncoder().encodeToString(
          (cfg.authId() + ":" + cfg.authToken()).getBytes(StandardCharsets.UTF_8));
      String base = api.baseUrl() + "/v1/Account/" + cfg.authId() + "/Zentrunk/Call/?";
      long spanMinutes = Duration.ofDays(90).toMinutes() - 60;
      Instant first = now.minus(Duration.ofDays(90)).plusSeconds(60);

      run(client, auth, base, first, spanMinutes, threads, 3, false); // warm-up
      api.resetStats();
      com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long server0 = serverCpu();
      long[] lat = run(client, auth, base, first, spanMinutes, threads, seconds, true);
      long cpu = os.getProcessCpuTime() - cpu0;
      long serverCpu = serverCpu() - server0;
      EmulatorStats s = api.stats();
      double rps = lat.length / (double) seconds;
      Arrays.sort(lat);
      System.out.printf(
          "emulator throughput: %d threads, %d s, %d list requests -> %.0f requests/s, "
              + "p50 %.2f ms, p99 %.2f ms, rows served %d, statuses %s, new connections %d%n",
          threads, seconds, lat.length, rps, lat[lat.length / 2] / 1e6,
          lat[(int) (lat.length * 0.99)] / 1e6, s.rowsServed(), s.byStatus(), s.connections());
      double cpuPerRequest = cpu / (double) lat.length;
      System.out.printf(
          "CPU (client + server, one JVM): %.3f ms per request -> %.0f requests/s if the JVM had "
              + "%d cores to itself; load average now %.1f%n",
          cpuPerRequest / 1e6, Runtime.getRuntime().availableProcessors() * 1e9 / cpuPerRequest,
          Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage());
      System.out.printf("CPU of the emulator's own threads: %.3f ms per request%n",
          serverCpu / (double) lat.length / 1e6);
    }
    System.exit(0);
  }

  private static long[] run(HttpClient client, String auth, String base, Instant first,
      long spanMinutes, int threads, int seconds, boolean record) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong errors = new AtomicLong();
    List<Future<long[]>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final long seed = t;
      fs.add(pool.submit(() -> {
        SplittableRandom r = new SplittableRandom(seed);
        long[] lat = new long[1 << 16];
        int n = 0;
        while (System.nanoTime() < deadline) {
          Instant from = first.plusSeconds(60 * r.nextLong(spanMinutes));
          String q = "end_time__gte=" + enc(TS.format(from)) + "&end_time__lt="
              + enc(TS.format(from.plusSeconds(3600))) + "&offset=" + r.nextInt(2000);
          HttpRequest req = HttpRequest.newBuilder(URI.create(base + q))
              .header("Authorization", auth).GET().build();
          long t0 = System.nanoTime();
          HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
          long dt = System.nanoTime() - t0;
          if (resp.statusCode() != 200) {
            errors.incrementAndGet();
          }
          if (n == lat.length) {
            lat = Arrays.copyOf(lat, n * 2);
          }
          lat[n++] = dt;
        }
        return Arrays.copyOf(lat, n);
      }));
    }
    List<long[]> parts = new ArrayList<>();
    for (Future<long[]> f : fs) {
      parts.add(f.get());
    }
    pool.shutdown();
    if (errors.get() > 0) {
      throw new IllegalStateException(errors.get() + " requests did not answer 200");
    }
    return parts.stream().flatMapToLong(Arrays::stream).toArray();
  }

  /** CPU time of the emulator's connection threads (they outlive the measured run). */
  private static long serverCpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long total = 0;
    for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith("zentrunk-emulator-")) {
        total += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
      }
    }
    return total;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
