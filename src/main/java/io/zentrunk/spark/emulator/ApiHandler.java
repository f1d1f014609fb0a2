package io.zentrunk.spark.emulator;

import io.zentrunk.spark.client.ApiTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Routing and the API rules: authentication, rate limit, fault draw, list and get, admin paths.
 *
 * <p>Order of checks for an API path: path shape (404) → method (405) → Basic auth and account
 * (401) → rate limit (429; refused requests use no budget) → fault draw → query validation (400)
 * → answer. Latency applies to every API answer.
 */
final class ApiHandler implements MiniHttpServer.Handler {

  private static final String PREFIX = "/v1/Account/";
  private static final String ADMIN = "/_emulator/";

  private final EmulatorConfig cfg;
  private final CallStore store;
  private final EmulatorClock clock;
  private final StatsCollector stats;
  private final RateLimiter limiter;
  private final SplittableRandom faultRng;
  private final String expectedAuth;
  private volatile Faults faults;
  private volatile long latencyMeanNanos;
  private volatile long latencyJitterNanos;
  /** A one-time clock step armed by a test: list requests still to arrive before it, and its size. */
  private final java.util.concurrent.atomic.AtomicReference<ClockStep> clockStep = new java.util.concurrent.atomic.AtomicReference<>();

  private record ClockStep(java.util.concurrent.atomic.AtomicLong remaining, Duration by) {}

  ApiHandler(EmulatorConfig cfg, CallStore store, EmulatorClock clock, StatsCollector stats) {
    this.cfg = cfg;
    this.store = store;
    this.clock = clock;
    this.stats = stats;
    this.limiter = new RateLimiter(cfg.rateLimit(), cfg.rateWindow().toNanos());
    this.faultRng = Seeds.rng(cfg.seed(), 0, 99);
    this.faults = cfg.faults();
    this.expectedAuth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (cfg.authId() + ":" + cfg.authToken()).getBytes(StandardCharsets.UTF_8));
    setLatency(cfg.latencyMean(), cfg.latencyJitter());
  }

  @Override
  public Instant now() {
    return clock.now();
  }

  /** Moves the clock forward by {@code by} when the {@code listRequests}-th list request from now arrives. */
  void stepClockAfter(long listRequests, Duration by) {
    if (listRequests < 1) {
      throw new IllegalArgumentException("listRequests must be >= 1, got " + listRequests);
    }
    clockStep.set(new ClockStep(new java.util.concurrent.atomic.AtomicLong(listRequests), by));
  }

  void setFaults(Faults f) {
    this.faults = f;
  }

  void setRateLimit(int limit, Duration window) {
    limiter.set(limit, window.toNanos());
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
    stats.request(System.nanoTime());
    HttpReply r;
    try {
      r = api(req);
    } catch (RuntimeException e) { // a bug must not kill the connection silently
      r = error(500, "internal error: " + e);
    }
    return r.withDelay(delay());
  }

  private HttpReply api(MiniHttpServer.Request req) {
    String path = req.path();
    // /v1/Account/{id}/Zentrunk/Call/[{uuid}/]
    if (!path.startsWith(PREFIX)) {
      return error(404, "not found: " + path);
    }
    String rest = path.substring(PREFIX.length());
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    String[] seg = rest.split("/", -1);
    if (seg.length < 3 || seg.length > 4 || !seg[1].equals("Zentrunk") || !seg[2].equals("Call")
        || seg[0].isEmpty() || (seg.length == 4 && seg[3].isEmpty())) {
      return error(404, "not found: " + path);
    }
    boolean list = seg.length == 3;
    if (list) {
      stats.list();
      ClockStep step = clockStep.get();
      if (step != null && step.remaining().decrementAndGet() == 0 && clockStep.compareAndSet(step, null)) {
        clock.advance(step.by()); // before this request is answered: it and every later one see the new time
      }
    } else {
      stats.get();
    }
    if (!req.method().equals("GET")) {
      return error(405, "method " + req.method() + " not allowed, use GET");
    }
    String auth = req.headers().get("authorization");
    if (auth == null || !auth.equals(expectedAuth) || !seg[0].equals(cfg.authId())) {
      return error(401, "authentication failed: wrong auth_id or auth_token");
    }
    long wait = limiter.tryAcquire(System.nanoTime());
    if (wait >= 0) {
      HttpReply r = error(429, "Too Many Requests");
      if (cfg.retryAfter()) {
        long secs = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
        r = new HttpReply(429, r.contentType(), r.body(), Long.toString(secs),
            HttpReply.Action.NORMAL, 0, 0);
      }
      return r;
    }
    Faults f = faults;
    HttpReply.Action after = HttpReply.Action.NORMAL;
    if (f.any()) {
      double u;
      double html;
      synchronized (faultRng) {
        u = faultRng.nextDouble();
        html = faultRng.nextDouble();
      }
      int status = 0;
      if ((u -= f.http500()) < 0) {
        status = 500;
      } else if ((u -= f.http502()) < 0) {
        status = 502;
      } else if ((u -= f.http503()) < 0) {
        status = 503;
      } else if ((u -= f.connectionReset()) < 0) {
        stats.fault();
        stats.reset();
        return new HttpReply(0, "", new byte[0], null, HttpReply.Action.RESET, 0, 0);
      } else if ((u -= f.stall()) < 0) {
        stats.fault();
        stats.stall();
        return new HttpReply(0, "", new byte[0], null, HttpReply.Action.STALL, 0,
            f.stallDuration().toNanos());
      } else if ((u -= f.truncatedBody()) < 0) {
        after = HttpReply.Action.TRUNCATE;
      }
      if (status != 0) {
        stats.fault();
        stats.status(status);
        String reason = status == 500 ? "Internal Server Error"
            : status == 502 ? "Bad Gateway" : "Service Unavailable";
        if (html < f.htmlErrorShare()) {
          String body = "<html>\r\n<head><title>" + status + " " + reason + "</title></head>\r\n"
              + "<body>\r\n<center><h1>" + status + " " + reason + "</h1></center>\r\n"
              + "</body>\r\n</html>\r\n";
          return new HttpReply(status, "text/html", body.getBytes(StandardCharsets.UTF_8),
              null, HttpReply.Action.NORMAL, 0, 0);
        }
        return HttpReply.json(status, CdrJson.error(apiId(), reason));
      }
    }
    HttpReply r;
    int rows = 0;
    try {
      Instant now = clock.now();
      if (list) {
        ListQuery q = ListQuery.parse(ListQuery.decode(req.rawQuery()), now);
        CallStore.Page p =
            store.page(q.loSec, q.hiSec, q.filter, now.getEpochSecond(), q.offset, q.limit);
        String next = (long) q.offset + q.limit < p.total() ? q.pageUrl(cfg.authId(),
            q.offset + q.limit) : null;
        String prev = q.offset > 0 ? q.pageUrl(cfg.authId(), Math.max(0, q.offset - q.limit))
            : null;
        rows = p.size();
        r = HttpReply.json(200, CdrJson.list(apiId(), q.limit, q.offset, p.total(), prev, next,
            p.buckets(), p.indexes(), p.size()));
      } else {
        long lo = ListQuery.ceilSec(now.minus(ListQuery.RETENTION));
        EmulatedCall c = store.find(cfg.seed(), seg[3], lo, now.getEpochSecond() + 1,
            now.getEpochSecond());
        if (c == null) {
          return error(404, "call_uuid " + seg[3] + " not found");
        }
        byte[] body = CdrJson.call(c);
        StringBuilder sb = new StringBuilder("{\"api_id\":");
        CdrJson.quote(sb, apiId()).append(',');
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length - 1];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 1, all, head.length, body.length - 1);
        rows = 1;
        r = HttpReply.json(200, all);
      }
    } catch (ApiException e) {
      return error(e.status, e.getMessage());
    }
    stats.status(200);
    if (after == HttpReply.Action.TRUNCATE) {
      stats.fault();
      stats.truncated();
      return r.withAction(after, 0);
    }
    stats.rows(rows);
    return r;
  }

  private HttpReply admin(MiniHttpServer.Request req) {
    String p = req.path();
    if (!req.method().equals("GET")) {
      return HttpReply.json(405, CdrJson.error(apiId(), "method not allowed"));
    }
    if (p.equals("/_emulator/stats") || p.equals("/_emulator/stats/")) {
      return HttpReply.json(200, stats.snapshot().toJson());
    }
    if (p.equals("/_emulator/truth") || p.equals("/_emulator/truth/")) {
      try {
        Map<String, String> q = ListQuery.decode(req.rawQuery());
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
        Instant now = clock.now();
        List<EmulatedCall> calls = ZentrunkEmulator.truth(store, now, start, end);
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
