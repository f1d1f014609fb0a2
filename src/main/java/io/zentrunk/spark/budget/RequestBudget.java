package io.zentrunk.spark.budget;

import io.zentrunk.spark.client.Budget;
import io.zentrunk.spark.client.ClientConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The request budget of one account in this JVM: at most {@code requests} requests in any
 * sliding window of {@code window}, the way the API counts them (300 per 5 s by default for
 * the whole account). Every partition of every read of the same account shares one budget.
 *
 * <p>It is a sliding-window log rather than a token bucket: a bucket refilled at 60/s lets a
 * full burst through at the start of each window and so can put up to twice the limit into
 * one server-side window.
 *
 * <p>The log holds when each request <em>ended</em> (its response arrived, or it failed), and
 * a request in flight holds its slot until then: a new request may start when fewer than
 * {@code requests} requests are in flight or ended less than one window ago. The server
 * counts a request at some moment between its start and its end, so two requests one window
 * apart in this log are at least one window apart at the server, whatever the delays in
 * between. Logging start times instead (with a 2% margin) was not enough: on a loaded machine
 * the time from start to the server's count varies by more than 100 ms, and jobs/bench rate
 * measured 8 answers 429 in a read at request_budget = the limit. The price is the latency of
 * one request per window (100 ms of 5 s: 2%), the same as the margin it replaces.
 *
 * <p>It adapts: a 429 means other clients of the account use part of its limit, so the
 * effective budget shrinks by a quarter (and every caller pauses for the server's
 * Retry-After); each success grows it back by a twentieth of a request, up to the configured
 * budget (additive increase, multiplicative decrease). It shrinks at most once per window: the
 * requests in flight when the first 429 comes back are answered 429 together (up to
 * concurrency x partitions of them), and shrinking once per answer collapsed the budget to
 * 0.75^n of itself for one congestion event (measured: 8 such 429s cut a 40,000-CDR read to
 * 26% of the limit, 131 s instead of 34 s).
 *
 * <p>Why not Failsafe's RateLimiter: its permits cannot be resized while in use, which the
 * adaptive behaviour needs, and its bursty mode refills per fixed period (see above).
 */
public final class RequestBudget implements Budget {

  private static final ConcurrentHashMap<String, RequestBudget> SHARED = new ConcurrentHashMap<>();

  private final LongSupplier clock;
  private final int configured;
  private final long windowNanos;
  /** {@code request_budget=auto}: the limit found by probing the account's; null for a configured budget. */
  private final AdaptiveLimit auto;
  /** End times of the requests that ended within the last window, oldest first (a ring). */
  private long[] ends;
  private int head;
  private int size;
  private int inFlight;
  private double effective;
  private long pausedUntil;
  private long lastShrink;

  public RequestBudget(int requests, long windowMillis) {
    this(requests, windowMillis, System::nanoTime, null);
  }

  /** @param clock nanoseconds, as {@link System#nanoTime()} (a fake one in tests, moved by hand) */
  RequestBudget(int requests, long windowMillis, LongSupplier clock) {
    this(requests, windowMillis, clock, null);
  }

  private RequestBudget(int requests, long windowMillis, boolean adaptive) {
    this(requests, windowMillis, adaptive ? new AdaptiveLimit(requests, windowMillis * 1_000_000L, System::nanoTime) : null);
  }

  /** An adaptive budget over {@code auto} (tests give it a fake clock), or a configured one if null. */
  RequestBudget(int requests, long windowMillis, AdaptiveLimit auto) {
    this(requests, windowMillis, System::nanoTime, auto);
  }

  private RequestBudget(int requests, long windowMillis, LongSupplier clock, AdaptiveLimit auto) {
    if (requests < 1 || windowMillis < 1) {
      throw new IllegalArgumentException("a budget needs at least 1 request per at least 1 ms");
    }
    this.clock = clock;
    this.configured = requests;
    this.windowNanos = windowMillis * 1_000_000L;
    this.auto = auto;
    this.ends = new long[requests];
    this.effective = requests;
    this.pausedUntil = clock.getAsLong();
    this.lastShrink = pausedUntil - windowNanos;
  }

  /**
   * The budget shared in this JVM by all reads of an account with the same settings; {@code requests}
   * {@link ClientConfig#AUTO_BUDGET} is {@code request_budget=auto} ({@link #adaptive}).
   */
  public static RequestBudget shared(String apiUrl, String authId, int requests, long windowMillis) {
    String key = apiUrl + '\n' + authId + '\n' + requests + '\n' + windowMillis;
    return SHARED.computeIfAbsent(key, k -> requests == ClientConfig.AUTO_BUDGET ? adaptive(windowMillis)
        : new RequestBudget(requests, windowMillis));
  }

  /**
   * {@code request_budget=auto}: starts at the default budget and finds the account's limit by probing, paced
   * (see {@link AdaptiveLimit}); the window log still holds every request until one window after it ended.
   */
  public static RequestBudget adaptive(long windowMillis) {
    return new RequestBudget(ClientConfig.DEFAULT_BUDGET_REQUESTS, windowMillis, true);
  }

  /**
   * Waits until a request may start, and counts it as in flight. Every acquire must be
   * followed by one {@link #release()} when the request has ended, however it ended.
   *
   * @return the nanoseconds spent waiting
   */
  public synchronized long acquire() throws InterruptedException {
    long begin = clock.getAsLong();
    tryAcquire(Long.MAX_VALUE);
    return clock.getAsLong() - begin;
  }

  /**
   * As {@link #acquire()}, waiting at most {@code timeoutNanos} (0: do not wait). The driver's
   * permit service leases this budget's slots to executors with it.
   *
   * @return true if a request may start (then it is in flight), false if the time ran out
   */
  public synchronized boolean tryAcquire(long timeoutNanos) throws InterruptedException {
    long begin = clock.getAsLong();
    while (true) {
      long now = clock.getAsLong();
      expire(now);
      long wakeAt;
      int limit = Math.max(1, (int) (auto == null ? effective : auto.limit()));
      long paced = 0;
      if (now - pausedUntil < 0) {
        wakeAt = pausedUntil;
      } else if (inFlight + size < limit && (auto == null || (paced = auto.tryStart()) == 0)) {
        inFlight++;
        return true;
      } else if (inFlight + size < limit) {
        // request_budget=auto: the window has room, the pace not yet
        auto.saturated();
        wakeAt = now + paced;
      } else if (size > 0 && inFlight < limit) {
        // the oldest ended requests free their slots one window after they ended
        wakeAt = ends[(head + inFlight + size - limit) % ends.length] + windowNanos;
        if (auto != null) {
          auto.saturated();
        }
      } else {
        // all slots in flight: a release wakes us
        wakeAt = now + windowNanos;
        if (auto != null) {
          auto.saturated();
        }
      }
      long left = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : timeoutNanos - (now - begin);
      if (left <= 0) {
        return false;
      }
      long waitNanos = Math.min(left, Math.max(1_000L, wakeAt - now));
      wait(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
    }
  }

  /**
   * A slot taken by {@link #acquire()} or {@link #tryAcquire} whose request was never sent (a
   * leased permit returned unused): frees it at once, without logging an end.
   */
  public synchronized void cancel() {
    if (inFlight <= 0) {
      throw new IllegalStateException("cancel() without acquire()");
    }
    inFlight--;
    notifyAll();
  }

  @Override
  public Permit permit() throws InterruptedException {
    long waited = acquire();
    return new Permit() {
      @Override
      public long waitedNanos() {
        return waited;
      }

      @Override
      public void release() {
        RequestBudget.this.release();
      }
    };
  }

  /** Requests in flight now (for tests). */
  synchronized int inFlight() {
    return inFlight;
  }

  /** Requests that ended less than one window ago (for tests). */
  synchronized int endedInWindow() {
    expire(clock.getAsLong());
    return size;
  }

  /** The request counted by the matching {@link #acquire()} has ended (answered or failed). */
  public synchronized void release() {
    release(0);
  }

  /**
   * As {@link #release()}, for a request that ended {@code agoNanos} before now (an executor's
   * report through the driver's permit service: the time it took to arrive is not charged
   * again). The caller must never claim an end earlier than the real one.
   */
  public synchronized void release(long agoNanos) {
    if (inFlight <= 0) {
      throw new IllegalStateException("release() without acquire()");
    }
    inFlight--;
    long now = clock.getAsLong();
    expire(now);
    if (size == ends.length && auto != null) { // the adaptive limit grew past the log's room
      long[] grown = new long[ends.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = ends[(head + i) % ends.length];
      }
      ends = grown;
      head = 0;
    }
    if (size == ends.length) { // cannot happen (acquire keeps inFlight + size <= requests); defensive
      head = (head + 1) % ends.length;
      size--;
    }
    long end = now - Math.max(0, Math.min(agoNanos, windowNanos));
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
    while (size > 0 && now - ends[head] >= windowNanos) {
      head = (head + 1) % ends.length;
      size--;
    }
  }

  /** The API answered 429: shrink the budget (once per window) and pause everybody for Retry-After. */
  @Override
  public synchronized void onThrottled(long retryAfterMillis) {
    long now = clock.getAsLong();
    if (auto != null) {
      auto.onThrottled();
    } else if (now - lastShrink >= windowNanos) {
      effective = Math.max(1.0, effective * 0.75);
      lastShrink = now;
    }
    if (retryAfterMillis > 0) {
      long until = clock.getAsLong() + retryAfterMillis * 1_000_000L;
      if (until - pausedUntil > 0) {
        pausedUntil = until;
      }
    }
  }

  /** A request went through: grow the budget back towards the configured one. */
  @Override
  public synchronized void onSuccess() {
    if (auto != null) {
      auto.onSuccess();
      notifyAll();
      return;
    }
    if (effective < configured) {
      effective = Math.min(configured, effective + 0.05);
      notifyAll();
    }
  }

  /** The budget now in force (requests per window). */
  public synchronized int effective() {
    return (int) (auto == null ? effective : auto.limit());
  }

  public int configured() {
    return configured;
  }
}
