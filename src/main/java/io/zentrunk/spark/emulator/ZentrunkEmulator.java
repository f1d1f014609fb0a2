package io.zentrunk.spark.emulator;

import io.zentrunk.spark.client.ApiRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An emulator of Plivo's Zentrunk list-calls API: a real HTTP/1.1 server on a local address
 * serving a deterministic synthetic account (see {@link CallGenerator}) under the rules of
 * {@code zentrunk-api.md} (see {@link ListQuery} for the exact time semantics).
 *
 * <p>Order of results: end_time descending, then call_uuid descending (string order), stable
 * between requests. Rate limit: a sliding window per account (or per limit group of accounts) over admitted
 * requests; 429s do not use the budget. It serves one account, or several ({@link EmulatorConfig.Account}), each
 * with its own calls, token and limit. Admin endpoints (no auth, no rate limit): {@code GET /_emulator/stats} and
 * {@code GET /_emulator/truth?start=...&end=...}, and {@code GET /_emulator/insights?start=...&end=...} (each call's
 * Insights as a correct decoder reads them).
 */
public final class ZentrunkEmulator implements AutoCloseable {

  private final EmulatorConfig cfg;
  private final EmulatorClock clock;
  private final CallStore store;
  /** Every account served by auth ID, the main one ({@link #store}) first. */
  private final java.util.Map<String, ServedAccount> accounts;
  private final StatsCollector stats = new StatsCollector();
  private final ApiHandler handler;
  private final MiniHttpServer server;

  private ZentrunkEmulator(EmulatorConfig cfg) throws IOException {
    this.cfg = cfg;
    this.clock = new EmulatorClock(cfg.now());
    this.accounts = ServedAccount.of(cfg);
    this.store = accounts.get(cfg.authId()).store;
    this.handler = new ApiHandler(cfg, accounts, clock, stats);
    this.server = new MiniHttpServer(cfg.host(), cfg.port(), handler, stats::connection);
  }

  /** Starts a server; close it to stop. */
  public static ZentrunkEmulator start(EmulatorConfig cfg) {
    try {
      return new ZentrunkEmulator(Objects.requireNonNull(cfg, "cfg"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the emulator on " + cfg.host() + ":"
          + cfg.port(), e);
    }
  }

  /** The trunk_ids of the account of seed {@code seed}, in the generator's order (each carries about a sixth of its calls). */
  public static java.util.List<String> trunkIds(long seed) {
    return java.util.List.of(new CallDetails(seed, 0, null).trunkIds());
  }

  public EmulatorConfig config() {
    return cfg;
  }

  /** {@code http://HOST:PORT} without a trailing slash. */
  public String baseUrl() {
    String h = cfg.host().contains(":") ? "[" + cfg.host() + "]" : cfg.host();
    return "http://" + h + ":" + port();
  }

  public int port() {
    return server.port();
  }

  public EmulatorStats stats() {
    return stats.snapshot();
  }

  public void resetStats() {
    stats.clear();
  }

  /**
   * Records the arrival time ({@link System#nanoTime()}) of every API request from now on, for
   * tests that check every sliding window (off by default: a long benchmark would hold millions).
   */
  public void recordArrivals() {
    stats.recordArrivals(true);
  }

  /** The arrival times recorded since {@link #recordArrivals()}, oldest first. */
  public long[] arrivals() {
    return stats.arrivals();
  }

  /**
   * Records the raw query string of every list request from now on (admitted or not), so that a test can count
   * requests by purpose (a one-record count, a page, their windows); starting again clears what was recorded.
   */
  public void recordListQueries() {
    stats.recordListQueries(true);
  }

  /** The list requests' raw queries recorded since {@link #recordListQueries()}, oldest first. */
  public List<String> listQueries() {
    return stats.listQueries();
  }

  /**
   * The records visible now with {@code fromInclusive <= end_time < toExclusive}, newest first
   * (API order). Like the API it never includes records older than now - 90 days, ending after
   * now, or late-arriving ones that have not arrived yet.
   */
  public List<EmulatedCall> groundTruth(Instant fromInclusive, Instant toExclusive) {
    return truth(store, clock.now(), fromInclusive, toExclusive);
  }

  /** {@link #groundTruth(Instant, Instant)} of one of the accounts served (see {@link EmulatorConfig.Account}). */
  public List<EmulatedCall> groundTruth(String authId, Instant fromInclusive, Instant toExclusive) {
    return truth(account(authId).store, clock.now(), fromInclusive, toExclusive);
  }

  /**
   * The Insights the emulator serves for {@code call} of the main account (what a correct decoder makes of the body),
   * or null when the call has none: the API answers 404 (a call without media, see {@link InsightsGenerator}).
   */
  public EmulatedInsights insightsTruth(EmulatedCall call) {
    return store == null ? null : accounts.get(cfg.authId()).insights.of(call);
  }

  /**
   * Answers every later request of the account 401, as Plivo does once a token was changed or the subaccount
   * disabled (the other accounts are served as before).
   */
  public void revokeToken(String authId) {
    account(authId).revoke();
  }

  private ServedAccount account(String authId) {
    ServedAccount a = accounts.get(Objects.requireNonNull(authId, "authId"));
    if (a == null) {
      throw new IllegalArgumentException("no account " + authId + " is served");
    }
    return a;
  }

  /** {@code groundTruth(from, to).size()}, without generating the calls of settled minutes. */
  public long groundTruthCount(Instant fromInclusive, Instant toExclusive) {
    Instant now = clock.now();
    long[] b = bounds(now, fromInclusive, toExclusive);
    return store.count(b[0], b[1], now.getEpochSecond());
  }

  static List<EmulatedCall> truth(CallStore store, Instant now, Instant from, Instant to) {
    long[] b = bounds(now, from, to);
    return store.all(b[0], b[1], now.getEpochSecond());
  }

  private static long[] bounds(Instant now, Instant from, Instant to) {
    long lo = Math.max(EndTimeRange.ceilSec(from), EndTimeRange.ceilSec(now.minus(ApiRules.RETENTION)));
    long hi = Math.min(EndTimeRange.ceilSec(to), now.getEpochSecond() + 1);
    return new long[] {lo, Math.max(lo, hi)};
  }

  public Instant now() {
    return clock.now();
  }

  /** Fixes the clock at {@code now} (a live clock becomes fixed). */
  public void setNow(Instant now) {
    clock.set(Objects.requireNonNull(now, "now"));
  }

  /** Moves the clock forward (a live clock becomes fixed at system now + d). */
  public void advanceClock(Duration d) {
    clock.advance(d);
  }

  /**
   * Runs the clock from its current time at {@code rate} emulated seconds per real second (60: an emulated minute a
   * second), so that tests and demos see hours pass in minutes; the injected burst and busy hour follow it. 0 stops
   * the clock where it is; {@link #setNow} and {@link #advanceClock} move a running clock, which keeps running.
   */
  public void runClock(double rate) {
    clock.run(rate);
  }

  /**
   * Moves the clock forward by {@code by} when the {@code listRequests}-th list request from now
   * arrives, before it is answered: a deterministic "time passes during a read" for tests.
   */
  public void advanceClockAfter(long listRequests, Duration by) {
    handler.stepClockAfter(listRequests, Objects.requireNonNull(by, "by"));
  }

  public void setFaults(Faults f) {
    handler.setFaults(Objects.requireNonNull(f, "faults"));
  }

  /** A new sliding-window limit of every account (a limit group's once); the windows' history is cleared. */
  public void setRateLimit(int requests, Duration window) {
    if (requests < 1 || window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("rate limit needs requests >= 1 and a positive window");
    }
    handler.setRateLimit(requests, window);
  }

  public void setRateLimitOff() {
    handler.setRateLimit(0, Duration.ofSeconds(1));
  }

  public void setLatency(Duration mean, Duration jitter) {
    if (mean.isNegative() || jitter.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative");
    }
    handler.setLatency(mean, jitter);
  }

  /** Number of minute buckets and calls in the cache (for memory checks). */
  long[] cacheSize() {
    return new long[] {store.cachedBuckets(), store.cachedCalls()};
  }

  @Override
  public void close() {
    server.close();
  }
}
