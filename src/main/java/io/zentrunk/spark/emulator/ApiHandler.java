package io.zentrunk.spark.emulator;

import io.zentrunk.spark.client.ApiRules;
import io.zentrunk.spark.client.ApiTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Routing and the API rules: authentication, rate limit, fault draw, list and get, admin paths.
 *
 * <p>Order of checks for an API path: path shape (404) → method (405) → Basic auth and account
 * (401) → rate limit (429; refused requests use no budget) → a clock step armed by a test (list
 * requests only; refused requests never step the clock) → fault draw → query validation (400) →
 * answer. Latency applies to every API answer.
 */
final class ApiHandler implements MiniHttpServer.Handler {

  private static final String ADMIN = "/_emulator/";

  private final EmulatorConfig cfg;
  private final EmulatorClock clock;
  private final StatsCollector stats;
  /** The accounts served, by auth ID (the main one first). */
  private final Map<String, ServedAccount> accounts;
  private final FaultInjector faults;
  private final ClockStep clockStep;
  private volatile long latencyMeanNanos;
  private volatile long latencyJitterNanos;

  ApiHandler(EmulatorConfig cfg, Map<String, ServedAccount> accounts, EmulatorClock clock, StatsCollector stats) {
    this.cfg = cfg;
    this.accounts = accounts;
    this.clock = clock;
    this.stats = stats;
    this.faults = new FaultInjector(cfg.seed(), cfg.faults(), stats);
    this.clockStep = new ClockStep(clock);
    setLatency(cfg.latencyMean(), cfg.latencyJitter());
  }

  @Override
  public Instant now() {
    return clock.now();
  }

  /** Moves the clock forward by {@code by} when the {@code listRequests}-th admitted list request from now arrives. */
  void stepClockAfter(long listRequests, Duration by) {
    clockStep.arm(listRequests, by);
  }

  void setFaults(Faults f) {
    faults.set(f);
  }

  /** The same limit for every account's limiter (a group's limiter is set once). */
  void setRateLimit(int limit, Duration window) {
    for (RateLimiter l : ServedAccount.limiters(accounts)) {
      l.set(limit, window.toNanos());
    }
  }

  void setLatency(Duration mean, Duration jitter) {
    this.latencyMeanNanos = mean.toNanos();
    this.latencyJitterNanos = jitter.toNanos();
  }

  /** A fresh v4 UUID without SecureRandom (api_id is an identifier, not a secret). */
  static String apiId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(hi, lo).toString();
  }

  private long delay() {
    long mean = latencyMeanNanos;
    long jitter = latencyJitterNanos;
    if (mean == 0 && jitter == 0) {
      return 0;
    }
    long j = jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
    return Math.max(0, mean + j);
  }

  private HttpReply error(int status, String message) {
    HttpReply r = HttpReply.json(status, CdrJson.error(apiId(), message));
    stats.status(status);
    return r;
  }

  @Override
  public HttpReply handle(MiniHttpServer.Request req) {
    String path = req.path();
    if (path.startsWith(ADMIN)) {
      return admin(req);
    }
    stats.request(cfg.rateClock().getAsLong());
    HttpReply r;
    try {
      r = api(req);
    } catch (RuntimeException e) { // a bug must not kill the connection silently
      r = error(500, "internal error: " + e);
    }
    return r.withDelay(delay());
  }

  private HttpReply api(MiniHttpServer.Request req) {
    ApiPath path = ApiPath.parse(req.path());
    if (path == null) {
      return error(404, "not found: " + req.path());
    }
    if (path.isList()) {
      stats.list();
      stats.listQuery(req.rawQuery());
    } else if (path.insights()) {
      stats.insights();
    } else {
      stats.get();
    }
    ServedAccount account = accounts.get(path.account());
    HttpReply refused = refusal(req, account);
    if (refused != null) {
      return refused;
    }
    if (path.isList()) {
      clockStep.onListRequest(); // before this request is answered: it and every later one see the new time
    }
    FaultInjector.Draw fault = faults.draw();
    if (fault.reply() != null) {
      return fault.reply();
    }
    return answer(req, path, account, fault.truncate());
  }

  /** The 405, 401 or 429 that refuses this request to {@code account} (null: not served), or null if admitted. */
  private HttpReply refusal(MiniHttpServer.Request req, ServedAccount account) {
    if (!req.method().equals("GET")) {
      return error(405, "method " + req.method() + " not allowed, use GET");
    }
    if (account == null || !account.accepts(req.headers().get("authorization"))) {
      return error(401, "authentication failed: wrong auth_id or auth_token");
    }
    long wait = account.limiter.tryAcquire(cfg.rateClock().getAsLong());
    if (wait < 0) {
      return null;
    }
    HttpReply r = error(429, "Too Many Requests");
    if (cfg.retryAfter()) {
      long secs = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
      r = new HttpReply(429, r.contentType(), r.body(), Long.toString(secs),
          HttpReply.Action.NORMAL, 0, 0);
    }
    return r;
  }

  /** The 200 of a list or get (cut short if the fault draw said so), or its 400/404. */
  private HttpReply answer(MiniHttpServer.Request req, ApiPath path, ServedAccount account, boolean truncate) {
    ApiAnswer a;
    try {
      Instant now = clock.now();
      a = path.isList() ? list(account, req.rawQuery(), now)
          : path.insights() ? insights(account, path.callUuid(), now) : get(account, path.callUuid(), now);
    } catch (ApiException e) {
      return error(e.status, e.getMessage());
    }
    stats.status(200);
    if (truncate) {
      stats.fault();
      stats.truncated();
      return a.reply().withAction(HttpReply.Action.TRUNCATE, 0);
    }
    stats.rows(a.rows());
    return a.reply();
  }

  /** A 200 and the number of CDRs in it. */
  private record ApiAnswer(HttpReply reply, int rows) {}

  private ApiAnswer list(ServedAccount account, String rawQuery, Instant now) throws ApiException {
    ListQuery q = ListQuery.parse(QueryParams.decode(rawQuery), now);
    CallStore.Page p =
        account.store.page(q.loSec, q.hiSec, q.filter, now.getEpochSecond(), q.offset, q.limit);
    String id = account.cfg.authId();
    String next = (long) q.offset + q.limit < p.total() ? q.pageUrl(id,
        q.offset + q.limit) : null;
    String prev = q.offset > 0 ? q.pageUrl(id, Math.max(0, q.offset - q.limit))
        : null;
    return new ApiAnswer(HttpReply.json(200, CdrJson.list(apiId(), q.limit, q.offset, p.total(),
        prev, next, p.buckets(), p.indexes(), p.size())), p.size());
  }

  private ApiAnswer get(ServedAccount account, String uuid, Instant now) throws ApiException {
    long lo = EndTimeRange.ceilSec(now.minus(ApiRules.RETENTION));
    EmulatedCall c = account.store.find(account.cfg.seed(), uuid, lo, now.getEpochSecond() + 1,
        now.getEpochSecond());
    if (c == null) {
      throw new ApiException(404, "call_uuid " + uuid + " not found");
    }
    return new ApiAnswer(HttpReply.json(200, withApiId(CdrJson.call(c))), 1);
  }

  /**
   * One call's Insights ({@link InsightsGenerator}): 404 when the call is not found (unknown, older than the list
   * call's 90 days, not arrived yet) and when it has none (a call without media).
   */
  private ApiAnswer insights(ServedAccount account, String uuid, Instant now) throws ApiException {
    long lo = EndTimeRange.ceilSec(now.minus(ApiRules.RETENTION));
    EmulatedCall c = account.store.find(account.cfg.seed(), uuid, lo, now.getEpochSecond() + 1,
        now.getEpochSecond());
    if (c == null) {
      throw new ApiException(404, "call_uuid " + uuid + " not found");
    }
    EmulatedInsights i = account.insights.of(c);
    if (i == null) {
      throw new ApiException(404, "no insights for call_uuid " + uuid + ": the call had no media");
    }
    return new ApiAnswer(HttpReply.json(200, withApiId(i.served().getBytes(StandardCharsets.UTF_8))), 0);
  }

  /** {@code {"api_id":"...",} + the call object's fields}: the call's JSON spliced after an api_id. */
  private static byte[] withApiId(byte[] callObject) {
    StringBuilder sb = new StringBuilder("{\"api_id\":");
    CdrJson.quote(sb, apiId()).append(',');
    byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + callObject.length - 1];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(callObject, 1, all, head.length, callObject.length - 1);
    return all;
  }

  /**
   * {@code GET /_emulator/insights?start=&end=}: each call's Insights as a correct decoder reads them (nulls where a
   * metric is missing or hostile; status no_insights for the 404s), for tests outside the JVM.
   */
  private static String insightsTruth(ServedAccount account, List<EmulatedCall> calls) {
    StringBuilder sb = new StringBuilder(64 + calls.size() * 300);
    sb.append("{\"count\":").append(calls.size()).append(",\"calls\":[");
    for (int k = 0; k < calls.size(); k++) {
      EmulatedCall c = calls.get(k);
      EmulatedInsights i = account.insights.of(c);
      sb.append(k > 0 ? ",{" : "{");
      CdrJson.quote(sb.append("\"call_uuid\":"), c.callUuid());
      if (i == null) {
        sb.append(",\"status\":\"no_insights\"}");
        continue;
      }
      String[] names = {"from_carrier", "from_region", "to_carrier", "to_region", "oddity"};
      String[] texts = {i.fromCarrier(), i.fromRegion(), i.toCarrier(), i.toRegion(), i.oddity()};
      for (int n = 0; n < names.length; n++) {
        sb.append(",\"").append(names[n]).append("\":");
        if (texts[n] == null) {
          sb.append("null");
        } else {
          CdrJson.quote(sb, texts[n]);
        }
      }
      String[] metrics = {"rtt_ms", "jitter_ms", "packet_loss_pct", "post_dial_delay_ms", "quality_score"};
      Double[] values = {i.rttMs(), i.jitterMs(), i.packetLossPct(), i.postDialDelayMs(), i.qualityScore()};
      int valued = 0;
      for (int n = 0; n < metrics.length; n++) {
        sb.append(",\"").append(metrics[n]).append("\":").append(values[n] == null ? "null" : values[n].toString());
        valued += values[n] == null ? 0 : 1;
      }
      sb.append(",\"status\":\"").append(valued == 5 ? "ok" : valued == 0 ? "no_metrics" : "partial").append("\"}");
    }
    return sb.append("]}").toString();
  }

  private HttpReply admin(MiniHttpServer.Request req) {
    String p = req.path();
    if (!req.method().equals("GET")) {
      return HttpReply.json(405, CdrJson.error(apiId(), "method not allowed"));
    }
    if (p.equals("/_emulator/stats") || p.equals("/_emulator/stats/")) {
      return HttpReply.json(200, stats.snapshot().toJson());
    }
    boolean insights = p.equals("/_emulator/insights") || p.equals("/_emulator/insights/");
    if (insights || p.equals("/_emulator/truth") || p.equals("/_emulator/truth/")) {
      try {
        Map<String, String> q = QueryParams.decode(req.rawQuery());
        if (q.get("start") == null || q.get("end") == null) {
          return HttpReply.json(400, CdrJson.error(apiId(), "start and end are required: " + ApiTime.USER_TIME_FORMS));
        }
        Instant start;
        Instant end;
        try {
          // The user's time grammar (the same as the source's options and the jobs'), not the API's.
          start = ApiTime.toInstant(ApiTime.parseUserTime("start", q.get("start")));
          end = ApiTime.toInstant(ApiTime.parseUserTime("end", q.get("end")));
        } catch (IllegalArgumentException e) {
          return HttpReply.json(400, CdrJson.error(apiId(), e.getMessage()));
        }
        // account=AUTH_ID picks one of several accounts; the main one by default
        ServedAccount account = accounts.get(q.getOrDefault("account", cfg.authId()));
        if (account == null) {
          return HttpReply.json(404, CdrJson.error(apiId(), "no account " + q.get("account") + " is served"));
        }
        Instant now = clock.now();
        List<EmulatedCall> calls = ZentrunkEmulator.truth(account.store, now, start, end);
        if (insights) {
          return HttpReply.json(200, insightsTruth(account, calls));
        }
        StringBuilder sb = new StringBuilder(64 + calls.size() * 40);
        sb.append("{\"count\":").append(calls.size()).append(",\"call_uuids\":[");
        for (int i = 0; i < calls.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          sb.append('"').append(calls.get(i).callUuid()).append('"');
        }
        sb.append("]}");
        return HttpReply.json(200, sb.toString());
      } catch (ApiException e) {
        return HttpReply.json(e.status, CdrJson.error(apiId(), e.getMessage()));
      }
    }
    return HttpReply.json(404, CdrJson.error(apiId(), "not found: " + p));
  }
}
