package io.zentrunk.spark.budget;

import io.zentrunk.spark.client.Budget;
import io.zentrunk.spark.client.ClientConfig;
import io.zentrunk.spark.client.ZentrunkApiException;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor's side of the driver's {@link PermitServer}: the account's budget for every read
 * in this JVM, as leases from the driver. One per JVM, service and budget.
 *
 * <p>Two daemon threads talk to the driver. The <em>leaser</em> asks for as many permits as
 * requests are waiting here (nothing when nothing waits: an idle executor holds no permit) and
 * hands them out. The <em>reporter</em> tells the driver at once when requests end, and how long
 * ago (their slots then age out of the driver's window), returns permits nobody here took within 50 ms,
 * passes on 429s and successes, and says it is alive while it holds permits.
 *
 * <p>Without the driver, nothing is sent: a permit is handed out only while the session was
 * confirmed less than half its time-to-live ago, and if the service stays unreachable for
 * {@link PermitEndpoint#unreachableMillis()} the requests waiting fail with one line (never a
 * private budget). A refused secret fails at once.
 */
public final class PermitClient implements Budget, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PermitClient.class);
  private static final ConcurrentHashMap<String, PermitClient> SHARED = new ConcurrentHashMap<>();
  private static final long RETURN_IDLE_NANOS = 50_000_000L;
  private static final int MAX_LEASE = 64;
  private static final int SUCCESSES_PER_REPORT = 20;

  private final String key;
  private final BudgetKey account;
  private final ClientConfig config;
  private final long ttlMillis;
  private final PermitWire wire;
  private final Reachability leaserReach;
  private final Reachability reporterReach;

  // all guarded by this
  private Thread leaser;
  private Thread reporter;
  private boolean closed;
  /** The driver's session id, null until opened; a new generation starts when it expires. */
  private String session;
  private int generation;
  /** Permits leased and not yet handed out; requests waiting for one; permits leased and not yet reported. */
  private int available;
  private int waiting;
  private int held;
  private final PermitNews news = new PermitNews();
  private long lastOk;
  private long availableIdleSince;
  private int failures;
  private String failure;

  /** A client of its own, not shared (tests). */
  PermitClient(PermitEndpoint endpoint, ClientConfig config) {
    this(null, endpoint, BudgetKey.of(config.apiUrl(), config.authId()), config);
  }

  private PermitClient(String key, PermitEndpoint endpoint, BudgetKey account, ClientConfig config) {
    this.key = key;
    this.account = account;
    this.config = config;
    this.wire = new PermitWire(endpoint);
    this.leaserReach = new Reachability(endpoint);
    this.reporterReach = new Reachability(endpoint);
    // A permit's slot is freed when the executor reports its request's end; an executor that
    // vanished reports nothing, so its session expires. A request may be in flight for up to
    // request_timeout_ms: the lease outlives that, plus two windows of reporting delay.
    this.ttlMillis = Math.max(10_000L, config.requestTimeoutMillis() + 2 * config.budgetWindowMillis());
    this.lastOk = System.nanoTime() - ttlMillis * 2_000_000L;
  }

  /** Builds this JVM's HTTP client of the permit service, sending nothing (an executor's warm-up). */
  public static void warmUp() {
    PermitWire.warmUp();
  }

  /** The permit client shared in this JVM by every read of the same service and budget. */
  public static PermitClient shared(PermitEndpoint endpoint, ClientConfig config) {
    return shared(endpoint, BudgetKey.of(config.apiUrl(), config.authId()), config);
  }

  /**
   * The permit client shared in this JVM by every read of the same service, account budget and settings: the
   * driver's session carries the read's settings (its claim on the account's one budget, see {@link RequestBudget}).
   */
  public static PermitClient shared(PermitEndpoint endpoint, BudgetKey account, ClientConfig config) {
    String key = endpoint.url() + '\n' + endpoint.secret() + '\n' + endpoint.unreachableMillis() + '\n'
        + account.apiHost() + '\n' + account.account() + '\n' + config.budgetRequests() + '\n'
        + config.budgetWindowMillis() + '\n' + config.requestTimeoutMillis();
    return SHARED.computeIfAbsent(key, k -> new PermitClient(k, endpoint, account, config));
  }

  @Override
  public Permit permit() throws InterruptedException {
    long begin = System.nanoTime();
    synchronized (this) {
      startThreads();
      int failuresSeen = failures;
      waiting++;
      try {
        notifyAll();
        while (true) {
          if (failures != failuresSeen) {
            throw new ZentrunkApiException(0, null, failure, false);
          }
          if (available > 0 && System.nanoTime() - lastOk >= ttlMillis * 500_000L) {
            // not confirmed for half the lease's life: the driver may have expired them
            news.returned += available;
            available = 0;
          }
          if (available > 0) {
            available--;
            int gen = generation;
            return new LeasedPermit(System.nanoTime() - begin, () -> ended(gen));
          }
          wait(1000);
        }
      } finally {
        waiting--;
      }
    }
  }

  private void startThreads() {
    if (closed) {
      throw new IllegalStateException("the permit client was closed");
    }
    if (leaser == null) {
      leaser = daemon(() -> loop(this::leaseOnce, leaserReach, true), "zentrunk-permit-lease");
      reporter = daemon(() -> loop(this::reportOnce, reporterReach, false), "zentrunk-permit-report");
    }
  }

  private synchronized void ended(int gen) {
    if (gen == generation) {
      news.ended++;
      news.lastEnd = System.nanoTime();
      notifyAll();
    }
  }

  @Override
  public synchronized void onThrottled(long retryAfterMillis) {
    news.throttled = Math.max(news.throttled, retryAfterMillis);
    news.returned += available; // the driver pauses and shrinks; give back what we had not used
    available = 0;
    notifyAll();
  }

  @Override
  public synchronized void onSuccess() {
    news.successes++;
    if (news.successes >= SUCCESSES_PER_REPORT) {
      notifyAll();
    }
  }

  /**
   * Stops both threads and forgets this client (the next {@link #shared} call makes a new one).
   * Permits held are not returned: the driver expires the session after its time-to-live.
   */
  @Override
  public void close() {
    Thread l;
    Thread r;
    synchronized (this) {
      closed = true;
      l = leaser;
      r = reporter;
      notifyAll();
    }
    if (key != null) {
      SHARED.remove(key, this);
    }
    for (Thread t : new Thread[] {l, r}) {
      if (t != null) {
        t.interrupt();
      }
    }
  }

  // ---- the two loops ----

  /** One exchange with the driver. */
  private interface Exchange {
    void run() throws IOException, InterruptedException, PermitWire.Expired, PermitWire.Refused;
  }

  /**
   * Runs one loop's exchanges until closed: an expired session is renewed, a refusal fails the
   * waiting requests, an unreachable service is retried with backoff until it has been so for too long.
   */
  private void loop(Exchange exchange, Reachability reach, boolean warn) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        exchange.run();
        reach.reached();
      } catch (InterruptedException e) {
        return;
      } catch (PermitWire.Expired e) {
        renew();
      } catch (PermitWire.Refused e) {
        fail(e.getMessage());
        pause(1000);
      } catch (IOException | RuntimeException e) {
        if (reach.firstFailure(System.nanoTime()) && warn) {
          LOG.warn("Request permit service {} not reachable, trying for up to {} s: {}", wire.url(),
              wire.unreachableMillis() / 1000, Reachability.describe(e));
        }
        String gaveUp = reach.givenUp(System.nanoTime(), e);
        if (gaveUp != null) {
          fail(gaveUp);
        }
        pause(reach.nextBackoffMillis());
      }
    }
  }

  /** Waits until requests wait for more permits than are here, then leases the difference. */
  private void leaseOnce() throws IOException, InterruptedException, PermitWire.Expired, PermitWire.Refused {
    int want;
    synchronized (this) {
      while (waiting <= available) {
        wait();
      }
      want = Math.min(MAX_LEASE, waiting - available);
    }
    String s = session();
    int gen;
    synchronized (this) {
      gen = generation;
    }
    long sent = System.nanoTime();
    int granted = wire.lease(s, want);
    synchronized (this) {
      if (gen != generation) {
        return; // the session was renewed meanwhile; the driver expires the old one's permits
      }
      available += granted;
      held += granted;
      confirmed(sent);
      if (granted > 0) {
        availableIdleSince = System.nanoTime();
      }
      notifyAll();
    }
  }

  /** Waits for news (or a heartbeat's time), then sends it; on failure puts it back for the next try. */
  private void reportOnce() throws IOException, InterruptedException, PermitWire.Expired, PermitWire.Refused {
    String s;
    int gen;
    PermitNews n;
    synchronized (this) {
      awaitNews();
      s = session;
      gen = generation;
      n = news.take();
      held -= n.ended + n.returned;
    }
    if (s == null) {
      return; // nothing leased in this generation: nothing to report
    }
    long sent = System.nanoTime();
    // how long ago the latest of these requests ended, rounded down: the driver logs them all then
    long agoMs = n.ended == 0 ? 0 : Math.max(0, (sent - n.lastEnd) / 1_000_000L);
    try {
      wire.report(s, n, agoMs);
    } catch (IOException | RuntimeException e) {
      synchronized (this) { // try again with the same news
        if (gen == generation) {
          news.restore(n);
          held += n.ended + n.returned;
        }
      }
      throw e;
    }
    synchronized (this) {
      if (gen == generation) {
        confirmed(sent);
      }
    }
  }

  /** Under the monitor: returns idle permits, and waits until there is something to report. */
  private void awaitNews() throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      if (available > 0 && waiting == 0 && now - availableIdleSince >= RETURN_IDLE_NANOS) {
        news.returned += available;
        available = 0;
      }
      boolean heartbeat = held > 0 && now - lastOk >= ttlMillis * 250_000L;
      if (news.ended > 0 || news.returned > 0 || news.throttled != Long.MIN_VALUE
          || news.successes >= SUCCESSES_PER_REPORT || heartbeat) {
        return;
      }
      long sleep = available > 0 && waiting == 0 ? RETURN_IDLE_NANOS / 1_000_000L + 1 : held > 0 ? 250 : 0;
      wait(sleep);
    }
  }

  private void confirmed(long sentNanos) {
    if (sentNanos - lastOk > 0) {
      lastOk = sentNanos;
    }
  }

  /** The driver forgot our session (it expired): what we held is void; start over. */
  private synchronized void renew() {
    if (held > 0) { // an idle session expiring is routine; one that held permits lost touch with the driver
      LOG.warn("Request permit session expired at the driver while holding {} permits; opening a new one", held);
    }
    session = null;
    generation++;
    available = 0;
    held = 0;
    news.ended = 0;
    news.returned = 0;
    notifyAll();
  }

  private synchronized void fail(String message) {
    failure = message;
    failures++;
    LOG.error("{}", message);
    notifyAll();
  }

  private String session() throws IOException, InterruptedException, PermitWire.Expired, PermitWire.Refused {
    synchronized (this) {
      if (session != null) {
        return session;
      }
    }
    String opened = wire.open(account, config.budgetRequests(), config.budgetWindowMillis(), ttlMillis);
    synchronized (this) {
      session = opened;
      lastOk = System.nanoTime();
      return session;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
