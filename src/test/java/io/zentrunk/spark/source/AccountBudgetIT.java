package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.EmulatorStats;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.testing.TestSpark;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One account, one budget, whatever the reads' settings: two reads of one account at once against the emulator at
 * Plivo's 300 requests per 5 s (latency 60 +- 20 ms) never put more than 300 requests in any 5 s at the server, and
 * draw no more 429s than one of them alone. A budget per setting would give each read a whole budget: the pair
 * would send up to 550 per 5 s.
 */
class AccountBudgetIT {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  /** Two adjacent windows of at least 5,000 CDRs each: about 250 list requests per read. */
  static final Instant A = Instant.parse("2026-10-20T12:00:00Z");
  static final long RECORDS = 5_000;

  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** The first minute from {@code from} on such that [from, it) holds at least {@link #RECORDS} CDRs. */
  static Instant endFor(ZentrunkEmulator api, Instant from) {
    Instant to = from.plus(Duration.ofMinutes(10));
    while (api.groundTruthCount(from, to) < RECORDS) {
      to = to.plus(Duration.ofMinutes(10));
    }
    return to;
  }

  static ZentrunkEmulator account() {
    return ZentrunkEmulator.start(EmulatorConfig.builder().seed(29).callsPerDay(100_000).now(NOW)
        .rateLimit(300, Duration.ofSeconds(5)).latency(Duration.ofMillis(60), Duration.ofMillis(20)).build());
  }

  static Map<String, String> options(ZentrunkEmulator api, Instant from, Instant to, Map<String, String> budget) {
    Map<String, String> o = new HashMap<>();
    o.put("api_url", api.baseUrl());
    o.put("auth_id", api.config().authId());
    o.put("auth_token", api.config().authToken());
    o.put("now", NOW.toString());
    o.put("start", from.toString());
    o.put("end", to.toString());
    o.putAll(budget);
    return o;
  }

  /** Reads every row; returns how many. */
  static long read(Map<String, String> o) {
    return spark.read().format("zentrunk").options(o).load().collectAsList().size();
  }

  /** What the account's server saw while two reads ran at once, and when each ran. */
  record Pair(EmulatorStats stats, long[] startNanos, long[] endNanos) {}

  static Pair together(Map<String, String> first, Map<String, String> second) throws Exception {
    try (ZentrunkEmulator api = account()) {
      Instant b = endFor(api, A);
      Instant c = endFor(api, b);
      long wantA = api.groundTruthCount(A, b);
      long wantB = api.groundTruthCount(b, c);
      List<Map<String, String>> reads = List.of(options(api, A, b, first), options(api, b, c, second));
      long[] begun = new long[2];
      long[] ended = new long[2];
      CyclicBarrier go = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Long>> rows = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          int k = i;
          rows.add(pool.submit(() -> {
            go.await(30, TimeUnit.SECONDS);
            begun[k] = System.nanoTime();
            long n = read(reads.get(k));
            ended[k] = System.nanoTime();
            return n;
          }));
        }
        assertThat(rows.get(0).get(5, TimeUnit.MINUTES)).as("first read exact").isEqualTo(wantA);
        assertThat(rows.get(1).get(5, TimeUnit.MINUTES)).as("second read exact").isEqualTo(wantB);
      } finally {
        pool.shutdownNow();
      }
      // the race is certain: each read ended after the other began
      assertThat(ended[0] - begun[1]).as("the reads overlapped").isPositive();
      assertThat(ended[1] - begun[0]).as("the reads overlapped").isPositive();
      return new Pair(api.stats(), begun, ended);
    }
  }

  static EmulatorStats alone(Map<String, String> budget) {
    try (ZentrunkEmulator api = account()) {
      Instant b = endFor(api, A);
      assertThat(read(options(api, A, b, budget))).isEqualTo(api.groundTruthCount(A, b));
      return api.stats();
    }
  }

  @Test
  void theDefaultAndAutoTogetherStayWithinTheAccountsLimit() throws Exception {
    EmulatorStats autoAlone = alone(Map.of("request_budget", "auto"));
    Pair p = together(Map.of(), Map.of("request_budget", "auto"));
    assertThat(p.stats().listRequests()).as("two reads of about 250 requests each").isGreaterThan(450);
    assertThat(p.stats().peakRequestsPer5s()).as("requests in any 5 s, both reads").isLessThanOrEqualTo(300);
    assertThat(p.stats().rateLimited()).as("429s: no more than the auto read alone drew (%d)", autoAlone.rateLimited())
        .isLessThanOrEqualTo(autoAlone.rateLimited());
  }

  @Test
  void readsWithDifferentWindowsTogetherStayWithinTheAccountsLimit() throws Exception {
    Map<String, String> perSecond = Map.of("request_budget", "60", "budget_window_ms", "1000");
    EmulatorStats perSecondAlone = alone(perSecond);
    Pair p = together(Map.of(), perSecond);
    assertThat(p.stats().listRequests()).isGreaterThan(450);
    assertThat(p.stats().peakRequestsPer5s()).as("requests in any 5 s, both reads").isLessThanOrEqualTo(300);
    assertThat(p.stats().rateLimited()).as("429s: no more than the 60-a-second read alone drew (%d)",
        perSecondAlone.rateLimited()).isLessThanOrEqualTo(perSecondAlone.rateLimited());
  }
}
