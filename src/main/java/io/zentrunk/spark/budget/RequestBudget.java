package io.zentrunk.spark.budget;

import io.zentrunk.spark.client.Budget;
import io.zentrunk.spark.client.ClientConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The request budget of one account ({@link BudgetKey}: API host and account, nothing else) in this JVM. Every
 * partition of every read of the account takes its permits here, whatever its settings; on a cluster the driver's
 * budget leases them to the executors ({@link PermitServer}).
 *
 * <p><b>Reads with different settings.</b> Each read brings its settings as a {@link Claim}: {@code request_budget}
 * N and {@code budget_window_ms} W say "at most N requests in any W". A request of any read starts only when
 * <em>every</em> claim in force has room, counting the requests of all reads: so for each fixed claim, the
 * account's requests in any window of its W stay within its N (the argument below holds claim by claim), and the
 * account's limit is in effect the tightest of the fixed settings running (the smallest N for one W; for
 * different windows each its own: 250 per 5 s and 40 per 1 s hold together). A {@code request_budget=auto} claim
 * adds the adaptive limit ({@link AdaptiveLimit}, one per account, in the window of the first auto read); it
 * adapts inside the fixed claims: it does not grow while a fixed claim in force allows no more than it (its
 * setting as a rate, in auto's window), so when the fixed reads end, auto goes on from where it was. A claim
 * is in force from its read's first request until two of its windows after its last one ended. So reads together
 * never send more than the strictest of them allows, and they meet 429s as one read: one log, one adaptive limit,
 * one pause.
 *
 * <p>It is a sliding-window log rather than a token bucket: a bucket refilled at 60/s lets a full burst through at
 * the start of each window and so can put up to twice the limit into one server-side window.
 *
 * <p>The log holds when each request <em>ended</em> (its response arrived, or it failed), and a request in flight
 * holds its slot until then: a new request may start when fewer than N requests are in flight or ended less than
 * one window ago. The server counts a request at some moment between its start and its end, so two requests one
 * window apart in this log are at least one window apart at the server, whatever the delays in between. A log of
 * start times is not enough, even with a margin of 2%: on a loaded machine the time from a request's start to the
 * server's count varies by more than 100 ms, so such a log lets 429s through at request_budget = the limit. The
 * price of logging ends is the latency of one request per window (100 ms of 5 s: 2%). The log keeps at least a
 * minute (and the longest window ever claimed), so a claim that joins later counts every request of its window,
 * those of the reads before it included.
 *
 * <p>It adapts: a 429 means other clients of the account use part of its limit, so the fixed claims shrink by a
 * quarter (and every caller pauses for the server's Retry-After); each success grows them back by a twentieth of a
 * request, up to their settings (additive increase, multiplicative decrease). It shrinks at most once per window:
 * the requests in flight when the first 429 comes back are answered 429 together (up to concurrency x partitions of
 * them), and shrinking once per answer would cut the budget to 0.75^n of itself for one congestion event. With an
 * auto claim in force the adaptive limit takes the 429 instead.
 *
 * <p>Why not Failsafe's RateLimiter: its permits cannot be resized while in use, which the adaptive behaviour needs,
 * and its bursty mode refills per fixed period (see above).
 */
public final class RequestBudget implements Budget {

  private static final ConcurrentHashMap<BudgetKey, RequestBudget> SHARED = new ConcurrentHashMap<>();
  /** The shortest the log keeps ended requests. */
  private static final long MIN_RETENTION_NANOS = 60_000_000_000L;
  /** Plivo's documented limit, where {@code auto} starts (normalised to the auto read's window). */
  static final int DOCUMENTED_REQUESTS = 300;
  static final long DOCUMENTED_WINDOW_MILLIS = 5_000;

  private final LongSupplier clock;
  /** The settings of this budget's own (the constructors'): in force for ever; null for an account's shared budget. */
  private final Claim own;
  private final Map<Long, Claim> claims = new HashMap<>();
  /** {@code request_budget=auto}: the limit found by probing the account's, made by the first auto claim. */
  private AdaptiveLimit auto;
  private long autoWindowNanos;
  /** End times of the requests that ended within the retention, oldest first (a ring). */
  private long[] ends = new long[64];
  private int head;
  private int size;
  private int inFlight;
  private long retentionNanos = MIN_RETENTION_NANOS;
  /** The fixed claims' share of their settings now, in (0, 1]: lowered by 429s, grown back by successes. */
  private double scale = 1.0;
  private long pausedUntil;
  private long lastShrink;

  /** A budget of its own (not shared): at most {@code requests} per sliding {@code windowMillis}. */
  public RequestBudget(int requests, long windowMillis) {
    this(requests, windowMillis, System::nanoTime, null);
  }

  /** @param clock nanoseconds, as {@link System#nanoTime()} (a fake one in tests, moved by hand) */
  RequestBudget(int requests, long windowMillis, LongSupplier clock) {
    this(requests, windowMillis, clock, null);
  }

  /** An adaptive budget over {@code auto} (tests give it a fake clock). */
  RequestBudget(int requests, long windowMillis, AdaptiveLimit auto) {
    this(requests, windowMillis, System::nanoTime, auto);
  }

  private RequestBudget(int requests, long windowMillis, LongSupplier clock, AdaptiveLimit auto) {
    this.clock = clock;
    start();
    check(requests, windowMillis);
    if (auto != null) {
      this.auto = auto;
      this.autoWindowNanos = windowMillis * 1_000_000L;
    }
    this.own = new Claim(this, auto != null ? ClientConfig.AUTO_BUDGET : requests, windowMillis);
    note(own);
  }

  /** An account's shared budget: no settings of its own, only its reads' claims. */
  private RequestBudget(LongSupplier clock) {
    this.clock = clock;
    this.own = null;
    start();
  }

  private void start() {
    this.pausedUntil = clock.getAsLong();
    this.lastShrink = pausedUntil - MIN_RETENTION_NANOS;
  }

  private static void check(int requests, long windowMillis) {
    if (requests < 0 || windowMillis < 1) {
      throw new IllegalArgumentException("a budget needs at least 1 request per at least 1 ms");
    }
  }

  /** The account's budget in this JVM, made on first use. */
  public static RequestBudget of(BudgetKey key) {
    return SHARED.computeIfAbsent(key, k -> new RequestBudget(System::nanoTime));
  }

  /** An account's budget of its own, not shared, on {@code clock} (tests). */
  static RequestBudget account(LongSupplier clock) {
    return new RequestBudget(clock);
  }

  /**
   * A read's settings on the account's budget: {@code requests} per {@code windowMillis}, or
   * {@link ClientConfig#AUTO_BUDGET} for {@code request_budget=auto}. Reads with the same settings share a claim.
   */
  public static Claim shared(BudgetKey key, int requests, long windowMillis) {
    return of(key).claim(requests, windowMillis);
  }

  /** As {@link #shared(BudgetKey, int, long)} for the account {@code authId} at {@code apiUrl}. */
  public static Claim shared(String apiUrl, String authId, int requests, long windowMillis) {
    return shared(BudgetKey.of(apiUrl, authId), requests, windowMillis);
  }

  /** This budget's claim for the settings {@code requests} per {@code windowMillis} (auto: {@link ClientConfig#AUTO_BUDGET}). */
  public synchronized Claim claim(int requests, long windowMillis) {
    check(requests, windowMillis);
    if (own != null && own.requests == requests && own.windowNanos == windowMillis * 1_000_000L) {
      return own;
    }
    Claim c = claims.computeIfAbsent(((long) requests << 32) | windowMillis, k -> new Claim(this, requests, windowMillis));
    note(c);
    c.lastSeen = clock.getAsLong(); // a read about to start: in force from now
    return c;
  }

  /** The claim of a budget of its own (its constructor's settings). */
  Claim ownClaim() {
    if (own == null) {
      throw new IllegalStateException("an account's shared budget is used through a read's claim");
    }
    return own;
  }

  /**
   * Waits until a request may start, and counts it as in flight. Every acquire must be followed by one
   * {@link #release()} when the request has ended, however it ended.
   *
   * @return the nanoseconds spent waiting
   */
  public long acquire() throws InterruptedException {
    return acquire(ownClaim());
  }

  synchronized long acquire(Claim c) throws InterruptedException {
    long begin = clock.getAsLong();
    tryAcquire(c, Long.MAX_VALUE);
    return clock.getAsLong() - begin;
  }

  /**
   * As {@link #acquire()}, waiting at most {@code timeoutNanos} (0: do not wait). The driver's permit service leases
   * this budget's slots to executors with it.
   *
   * @return true if a request may start (then it is in flight), false if the time ran out
   */
  public boolean tryAcquire(long timeoutNanos) throws InterruptedException {
    return tryAcquire(ownClaim(), timeoutNanos);
  }

  synchronized boolean tryAcquire(Claim c, long timeoutNanos) throws InterruptedException {
    long begin = clock.getAsLong();
    note(c);
    c.waiting++;
    try {
      while (true) {
        long now = clock.getAsLong();
        expire(now);
        long delay = admit(now);
        if (delay == 0) {
          inFlight++;
          c.inFlight++;
          c.lastSeen = now;
          return true;
        }
        long left = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : timeoutNanos - (now - begin);
        if (left <= 0) {
          return false;
        }
        long waitNanos = Math.min(left, Math.max(1_000L, delay));
        wait(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
      }
    } finally {
      c.waiting--;
      c.lastSeen = clock.getAsLong();
    }
  }

  /** Registers a claim's settings: the log keeps at least its window. */
  private void note(Claim c) {
    if (c.windowNanos > retentionNanos) {
      retentionNanos = c.windowNanos;
    }
    if (c.auto() && auto == null) {
      autoWindowNanos = c.windowNanos;
      double start = Math.max(1.0, DOCUMENTED_REQUESTS * (c.windowNanos / 1e6) / DOCUMENTED_WINDOW_MILLIS);
      auto = new AdaptiveLimit(start, autoWindowNanos, clock);
    }
    if (c.lastSeen == Long.MIN_VALUE) {
      c.lastSeen = clock.getAsLong();
    }
  }

  private boolean inForce(Claim c, long now) {
    return c == own || c.waiting > 0 || c.inFlight > 0 || now - c.lastSeen < 2 * c.windowNanos;
  }

  /** Whether a request may start now (0), else the nanoseconds until it is worth looking again: every claim in force must have room. */
  private long admit(long now) {
    if (now - pausedUntil < 0) {
      return pausedUntil - now;
    }
    long delay = 0;
    boolean autoInForce = false;
    double capRate = Double.MAX_VALUE; // the tightest fixed claim, in requests per nanosecond
    for (Claim c : claimsInForce()) {
      if (!inForce(c, now)) {
        continue;
      }
      if (c.auto()) {
        autoInForce = true;
        continue;
      }
      int limit = Math.max(1, (int) (c.requests * scale));
      capRate = Math.min(capRate, limit / (double) c.windowNanos);
      delay = Math.max(delay, blockedFor(limit, c.windowNanos, now));
    }
    if (!autoInForce) {
      return delay;
    }
    // auto adapts inside the fixed claims: no growth while one of them allows no more than its limit
    boolean capped = capRate * autoWindowNanos <= auto.limit();
    long w = blockedFor(Math.max(1, (int) auto.limit()), autoWindowNanos, now);
    if (w != 0 || delay != 0) {
      if (w != 0 && delay == 0 && !capped) {
        auto.saturated(); // the adaptive limit, not a fixed claim, holds requests back
      }
      return Math.max(delay, w);
    }
    long paced = auto.tryStart();
    if (paced != 0 && !capped) {
      auto.saturated(); // the window has room, the pace not yet
    }
    return paced;
  }

  private Iterable<Claim> claimsInForce() {
    if (own == null) {
      return claims.values();
    }
    java.util.List<Claim> all = new java.util.ArrayList<>(claims.values());
    all.add(own);
    return all;
  }

  /** 0 if fewer than {@code limit} requests are in flight or ended within {@code windowNanos}, else the nanoseconds to wait. */
  private long blockedFor(int limit, long windowNanos, long now) {
    int recent = endedWithin(windowNanos, now);
    if (inFlight + recent < limit) {
      return 0;
    }
    if (recent > 0 && inFlight < limit) {
      // the oldest ended requests free their slots one window after they ended
      return Math.max(1, ends[(head + size - limit + inFlight) % ends.length] + windowNanos - now);
    }
    return windowNanos; // all slots in flight: a release wakes us
  }

  /** Requests that ended less than {@code windowNanos} before {@code now}: the newest of the log (binary search). */
  private int endedWithin(long windowNanos, long now) {
    int lo = 0;
    int hi = size; // first index whose end is within the window
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (now - ends[(head + mid) % ends.length] >= windowNanos) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return size - lo;
  }

  /** A slot taken by {@link #acquire()} or {@link #tryAcquire} whose request was never sent: frees it at once. */
  public void cancel() {
    cancel(ownClaim());
  }

  synchronized void cancel(Claim c) {
    if (inFlight <= 0 || c.inFlight <= 0) {
      throw new IllegalStateException("cancel() without acquire()");
    }
    inFlight--;
    c.inFlight--;
    c.lastSeen = clock.getAsLong();
    notifyAll();
  }

  @Override
  public Permit permit() throws InterruptedException {
    return permit(ownClaim());
  }

  Permit permit(Claim c) throws InterruptedException {
    long waited = acquire(c);
    return new Permit() {
      @Override
      public long waitedNanos() {
        return waited;
      }

      @Override
      public void release() {
        RequestBudget.this.release(c, 0);
      }
    };
  }

  /** Requests in flight now (for tests). */
  synchronized int inFlight() {
    return inFlight;
  }

  /** Requests that ended less than one of this budget's own windows ago (for tests). */
  synchronized int endedInWindow() {
    long now = clock.getAsLong();
    expire(now);
    return endedWithin(ownClaim().windowNanos, now);
  }

  /** The request counted by the matching {@link #acquire()} has ended (answered or failed). */
  public void release() {
    release(ownClaim(), 0);
  }

  /**
   * As {@link #release()}, for a request that ended {@code agoNanos} before now (an executor's report through the
   * driver's permit service: the time it took to arrive is not charged again). The caller must never claim an end
   * earlier than the real one.
   */
  public void release(long agoNanos) {
    release(ownClaim(), agoNanos);
  }

  synchronized void release(Claim c, long agoNanos) {
    if (inFlight <= 0 || c.inFlight <= 0) {
      throw new IllegalStateException("release() without acquire()");
    }
    inFlight--;
    c.inFlight--;
    long now = clock.getAsLong();
    c.lastSeen = now;
    expire(now);
    if (size == ends.length) {
      long[] grown = new long[ends.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = ends[(head + i) % ends.length];
      }
      ends = grown;
      head = 0;
    }
    long end = now - Math.max(0, Math.min(agoNanos, c.windowNanos));
    // keep the log in order of end (a late report may carry an earlier end than the last logged)
    int i = size;
    while (i > 0 && ends[(head + i - 1) % ends.length] - end > 0) {
      ends[(head + i) % ends.length] = ends[(head + i - 1) % ends.length];
      i--;
    }
    ends[(head + i) % ends.length] = end;
    size++;
    notifyAll();
  }

  private void expire(long now) {
    while (size > 0 && now - ends[head] >= retentionNanos) {
      head = (head + 1) % ends.length;
      size--;
    }
  }

  private boolean autoInForce(long now) {
    for (Claim c : claimsInForce()) {
      if (c.auto() && inForce(c, now)) {
        return true;
      }
    }
    return false;
  }

  /** The API answered 429: shrink the budget (once per window) and pause everybody for Retry-After. */
  @Override
  public synchronized void onThrottled(long retryAfterMillis) {
    long now = clock.getAsLong();
    if (auto != null && autoInForce(now)) {
      auto.onThrottled();
    } else if (now - lastShrink >= shortestWindow(now)) {
      scale = Math.max(1e-6, scale * 0.75);
      lastShrink = now;
    }
    if (retryAfterMillis > 0) {
      long until = now + retryAfterMillis * 1_000_000L;
      if (until - pausedUntil > 0) {
        pausedUntil = until;
      }
    }
  }

  private long shortestWindow(long now) {
    long w = Long.MAX_VALUE;
    for (Claim c : claimsInForce()) {
      if (!c.auto() && inForce(c, now)) {
        w = Math.min(w, c.windowNanos);
      }
    }
    return w == Long.MAX_VALUE ? 0 : w;
  }

  /** A request went through: grow the budget back towards the settings. */
  @Override
  public synchronized void onSuccess() {
    long now = clock.getAsLong();
    if (auto != null && autoInForce(now)) {
      auto.onSuccess();
      notifyAll();
      return;
    }
    if (scale < 1.0) {
      int smallest = Integer.MAX_VALUE;
      for (Claim c : claimsInForce()) {
        if (!c.auto() && inForce(c, now)) {
          smallest = Math.min(smallest, c.requests);
        }
      }
      scale = Math.min(1.0, scale + 0.05 / (smallest == Integer.MAX_VALUE ? 1 : smallest));
      notifyAll();
    }
  }

  /**
   * The budget now in force, in requests per window: the adaptive limit while an auto claim is in force, else the
   * tightest fixed claim's (its setting after 429s); for a budget of its own, in its own window.
   */
  public synchronized int effective() {
    long now = clock.getAsLong();
    if (auto != null && autoInForce(now)) {
      return (int) auto.limit();
    }
    int tightest = Integer.MAX_VALUE;
    for (Claim c : claimsInForce()) {
      if (!c.auto() && inForce(c, now)) {
        tightest = Math.min(tightest, (int) (c.requests * scale));
      }
    }
    return tightest == Integer.MAX_VALUE ? 0 : tightest;
  }

  /** The adaptive limit of the account's auto reads, or null if none ran (bench, tests). */
  public synchronized AdaptiveLimit adaptive() {
    return auto;
  }
}
