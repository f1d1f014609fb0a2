package io.zentrunk.spark.emulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One account the emulator serves: its view of the configuration (auth ID, seed), its calls, the
 * Authorization header it accepts (a revoked token accepts none) and its rate limiter, which the accounts of one
 * limit group share.
 */
final class ServedAccount {

  final EmulatorConfig cfg;
  final CallStore store;
  final RateLimiter limiter;
  /** The Insights of the account's calls. */
  final InsightsGenerator insights;
  private volatile String expectedAuth;

  private ServedAccount(EmulatorConfig cfg, RateLimiter limiter) {
    this.cfg = cfg;
    this.store = new CallStore(new CallGenerator(cfg), cfg.lateMaxSeconds(), cfg.cachedCalls());
    this.limiter = limiter;
    this.insights = new InsightsGenerator(cfg.seed(), cfg.carrierFault(), cfg.missingMetricShare(),
        cfg.hostileInsightsShare());
    this.expectedAuth = basic(cfg.authId(), cfg.authToken());
  }

  static String basic(String id, String token) {
    return "Basic " + Base64.getEncoder().encodeToString((id + ":" + token).getBytes(StandardCharsets.UTF_8));
  }

  /** Every account of {@code cfg} by auth ID, the main one first; one limiter per limit group. */
  static Map<String, ServedAccount> of(EmulatorConfig cfg) {
    Map<String, ServedAccount> out = new LinkedHashMap<>();
    Map<String, RateLimiter> groups = new HashMap<>();
    // fixed windows align to the wall clock: its epoch nanoseconds less the monotonic clock's
    long phase = System.currentTimeMillis() * 1_000_000L - cfg.rateClock().getAsLong();
    for (EmulatorConfig.Account a : cfg.accounts()) {
      RateLimiter limiter = a.limitGroup() == null
          ? new RateLimiter(a.rateLimit(), cfg.rateWindow().toNanos(), cfg.fixedRateWindow(), phase)
          : groups.computeIfAbsent(a.limitGroup(), g -> new RateLimiter(a.rateLimit(), cfg.rateWindow().toNanos(),
              cfg.fixedRateWindow(), phase));
      out.put(a.authId(), new ServedAccount(cfg.forAccount(a), limiter));
    }
    return out;
  }

  /** The distinct limiters of {@code accounts} (a group's once). */
  static List<RateLimiter> limiters(Map<String, ServedAccount> accounts) {
    List<RateLimiter> out = new ArrayList<>();
    for (ServedAccount a : accounts.values()) {
      if (out.stream().noneMatch(l -> l == a.limiter)) {
        out.add(a.limiter);
      }
    }
    return out;
  }

  boolean accepts(String authorization) {
    return authorization != null && authorization.equals(expectedAuth);
  }

  /** From now on every request of this account is answered 401, as after the token was changed in the console. */
  void revoke() {
    expectedAuth = null;
  }
}
