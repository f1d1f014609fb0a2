package io.zentrunk.spark.budget;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The driver's book of permits leased to executors, over the account's one
 * {@link RequestBudget}: each session leases under the claim (the settings) of the read it serves.
 *
 * <p>A leased permit is a slot of the budget taken as "in flight" on the executor's behalf: it
 * holds its place in the sliding window from the moment it is leased until the executor reports
 * how it ended. An <em>ended</em> permit (its request was sent and has ended) is released into
 * the budget's log at the moment the report arrives, which is never earlier than the request's
 * real end, so the window the API sees is never fuller than the driver's. A <em>returned</em>
 * permit (leased, never used) frees its slot at once. Nothing else frees a slot, so the budget
 * holds whatever the executors do, however many there are and whenever they come and go.
 *
 * <p>Each executor JVM talks through one session. A session that has not been heard of for its
 * time-to-live (the executor died, or lost the driver) expires: every permit it still holds is
 * counted as a request that ended at that moment (it may have been sent just before), and
 * later calls on it are refused ({@link Expired}); the executor opens a new session.
 */
final class PermitLedger {

  /** The session is unknown: it expired or never existed. */
  static final class Expired extends Exception {
    private static final long serialVersionUID = 1L;

    Expired() {
      super("permit session expired", null, false, false);
    }
  }

  private static final class Session {
    final Claim budget;
    final long ttlNanos;
    final String client;
    long lastContact;
    int held;
    boolean gone;

    Session(Claim budget, long ttlNanos, String client, long now) {
      this.budget = budget;
      this.ttlNanos = ttlNanos;
      this.client = client;
      this.lastContact = now;
    }
  }

  private final LongSupplier clock;
  private final Map<String, Session> sessions = new HashMap<>();
  /** Permits reported ended, all sessions; permits that expired, by client (one entry per executor JVM that died). */
  private long endedTotal;
  private final Map<String, Integer> expiredByClient = new TreeMap<>();
  private final SecureRandom random = new SecureRandom();

  /** @param clock nanoseconds, as {@link System#nanoTime()} (a fake one in tests) */
  PermitLedger(LongSupplier clock) {
    this.clock = clock;
  }

  /** Opens a session over {@code budget} that expires after {@code ttlMillis} without contact. */
  synchronized String open(RequestBudget budget, long ttlMillis) {
    return open(budget.ownClaim(), ttlMillis, "unnamed");
  }

  /** As above, for the executor JVM named {@code client}. */
  synchronized String open(RequestBudget budget, long ttlMillis, String client) {
    return open(budget.ownClaim(), ttlMillis, client);
  }

  /**
   * Opens a session over a read's claim on the account's budget ({@code claim}: its settings, see
   * {@link RequestBudget}), for the executor JVM named {@code client} (its pid@host: which one stopped reporting).
   */
  synchronized String open(Claim budget, long ttlMillis, String client) {
    byte[] id = new byte[12];
    random.nextBytes(id);
    String s = HexFormat.of().formatHex(id);
    sessions.put(s, new Session(budget, ttlMillis * 1_000_000L, client, clock.getAsLong()));
    return s;
  }

  /**
   * Leases up to {@code want} permits: waits at most {@code maxWaitNanos} for the first, then
   * takes as many more as are free now.
   *
   * @return the permits leased (0 if none came free in time)
   */
  int lease(String id, int want, long maxWaitNanos) throws Expired, InterruptedException {
    Session s;
    synchronized (this) {
      s = touch(id);
    }
    int got = 0;
    if (want > 0 && s.budget.tryAcquire(maxWaitNanos)) {
      got = 1;
      while (got < want && s.budget.tryAcquire(0)) {
        got++;
      }
    }
    synchronized (this) {
      if (s.gone) { // expired while we waited: nobody will use these
        for (int i = 0; i < got; i++) {
          s.budget.cancel();
        }
        throw new Expired();
      }
      s.held += got;
      s.lastContact = clock.getAsLong();
    }
    return got;
  }

  /**
   * An executor's report (also its heartbeat): permits whose requests ended (the last of them
   * {@code endedAgoNanos} before the report was sent, so all of them at least that long ago:
   * the report's transit is not charged again), permits returned
   * unused, a 429 it got (with the server's Retry-After; {@code Long.MIN_VALUE} for none) and
   * the successes since its last report.
   */
  synchronized void report(String id, int ended, long endedAgoNanos, int returned, long throttledRetryAfterMillis,
      int successes) throws Expired {
    Session s = touch(id);
    int e = Math.max(0, Math.min(ended, s.held));
    for (int i = 0; i < e; i++) {
      s.budget.release(endedAgoNanos);
    }
    s.held -= e;
    endedTotal += e;
    int r = Math.max(0, Math.min(returned, s.held));
    for (int i = 0; i < r; i++) {
      s.budget.cancel();
    }
    s.held -= r;
    if (throttledRetryAfterMillis != Long.MIN_VALUE) {
      s.budget.onThrottled(throttledRetryAfterMillis);
    }
    for (int i = 0; i < Math.min(successes, 100_000); i++) {
      s.budget.onSuccess();
    }
  }

  /**
   * Ends the sessions not heard of for their time-to-live; their permits count as requests
   * that ended now.
   *
   * @return the permits that expired
   */
  synchronized int expire() {
    long now = clock.getAsLong();
    int expired = 0;
    for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
      Session s = it.next();
      if (now - s.lastContact >= s.ttlNanos) {
        for (int i = 0; i < s.held; i++) {
          s.budget.release();
        }
        expired += s.held;
        if (s.held > 0) { // an idle session expiring is routine; one that held permits was lost
          expiredByClient.merge(s.client, s.held, Integer::sum);
        }
        s.held = 0;
        s.gone = true;
        it.remove();
      }
    }
    return expired;
  }

  /** Permits a session holds now (tests). */
  synchronized int held(String id) throws Expired {
    Session s = sessions.get(id);
    if (s == null) {
      throw new Expired();
    }
    return s.held;
  }

  synchronized int sessions() {
    return sessions.size();
  }

  /** What the book holds now: permits held by each client's open sessions, and what ended and expired so far. */
  synchronized PermitServer.Stats stats() {
    Map<String, Integer> held = new TreeMap<>();
    for (Session s : sessions.values()) {
      held.merge(s.client, s.held, Integer::sum);
    }
    return new PermitServer.Stats(held, new TreeMap<>(expiredByClient), endedTotal);
  }

  private Session touch(String id) throws Expired {
    Session s = id == null ? null : sessions.get(id);
    if (s == null) {
      throw new Expired();
    }
    s.lastContact = clock.getAsLong();
    return s;
  }
}
