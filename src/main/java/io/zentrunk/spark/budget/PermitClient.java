package io.zentrunk.spark.budget;

import io.zentrunk.spark.client.Budget;
import io.zentrunk.spark.client.ClientConfig;
import io.zentrunk.spark.client.ZentrunkApiException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
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
public final class PermitClient implements Budget {

  private static final Logger LOG = LoggerFactory.getLogger(PermitClient.class);
  private static final ConcurrentHashMap<String, PermitClient> SHARED = new ConcurrentHashMap<>();
  private static final long RETURN_IDLE_NANOS = 50_000_000L;
  private static final int MAX_LEASE = 64;

  private final PermitEndpoint endpoint;
  private final ClientConfig config;
  private final long ttlMillis;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1).build();

  // all guarded by this
  private boolean started;
  private String session;
  private int generation;
  private int available;
  private int waiting;
  private int held;
  private int ended;
  /** When the latest of the {@code ended} requests ended (nanoTime). */
  private long lastEnd;
  private int returned;
  private int successes;
  private long throttled = Long.MIN_VALUE;
  private long lastOk;
  private long availableIdleSince;
  private int failures;
  private String failure;

  PermitClient(PermitEndpoint endpoint, ClientConfig config) {
    this.endpoint = endpoint;
    this.config = config;
    // A permit's slot is freed when the executor reports its request's end; an executor that
    // vanished reports nothing, so its session expires. A request may be in flight for up to
    // request_timeout_ms: the lease outlives that, plus two windows of reporting delay.
    this.ttlMillis = Math.max(10_000L, config.requestTimeoutMillis() + 2 * config.budgetWindowMillis());
    this.lastOk = System.nanoTime() - ttlMillis * 2_000_000L;
  }

  /** The permit client shared in this JVM by every read of the same service and budget. */
  public static PermitClient shared(PermitEndpoint endpoint, ClientConfig config) {
    String key = endpoint.url() + '\n' + endpoint.secret() + '\n' + endpoint.unreachableMillis() + '\n' + config.apiUrl()
        + '\n' + config.authId() + '\n' + config.budgetRequests() + '\n' + config.budgetWindowMillis() + '\n'
        + config.requestTimeoutMillis();
    return SHARED.computeIfAbsent(key, k -> new PermitClient(endpoint, config));
  }

  @Override
  public Permit permit() throws InterruptedException {
    long begin = System.nanoTime();
    synchronized (this) {
      if (!started) {
        started = true;
        thread(this::leaseLoop, "zentrunk-permit-lease").start();
        thread(this::reportLoop, "zentrunk-permit-report").start();
      }
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
            returned += available;
            available = 0;
          }
          if (available > 0) {
            available--;
            int gen = generation;
            long waited = System.nanoTime() - begin;
            return new Permit() {
              private boolean done;

              @Override
              public long waitedNanos() {
                return waited;
              }

              @Override
              public void release() {
                if (!done) {
                  done = true;
                  ended(gen);
                }
              }
            };
          }
          wait(1000);
        }
      } finally {
        waiting--;
      }
    }
  }

  private synchronized void ended(int gen) {
    if (gen == generation) {
      ended++;
      lastEnd = System.nanoTime();
      notifyAll();
    }
  }

  @Override
  public synchronized void onThrottled(long retryAfterMillis) {
    throttled = Math.max(throttled, retryAfterMillis);
    returned += available; // the driver pauses and shrinks; give back what we had not used
    available = 0;
    notifyAll();
  }

  @Override
  public synchronized void onSuccess() {
    successes++;
    if (successes >= 20) {
      notifyAll();
    }
  }

  // ---- the leaser ----

  private void leaseLoop() {
    long unreachableSince = 0;
    long backoff = 100;
    while (true) {
      int want;
      String s;
      int gen;
      try {
        synchronized (this) {
          while (waiting <= available) {
            wait();
          }
          want = Math.min(MAX_LEASE, waiting - available);
        }
        s = session();
        synchronized (this) {
          gen = generation;
        }
        long sent = System.nanoTime();
        String answer = call("op=lease&session=" + s + "&want=" + want,
            Duration.ofNanos(PermitServer.LEASE_WAIT_NANOS).plusSeconds(10));
        int granted = Integer.parseInt(value(answer, "granted"));
        synchronized (this) {
          if (gen == generation) {
            available += granted;
            held += granted;
            if (sent - lastOk > 0) {
              lastOk = sent;
            }
            if (granted > 0) {
              availableIdleSince = System.nanoTime();
            }
            notifyAll();
          } // else: the session was renewed meanwhile; the driver expires the old one's permits
        }
        unreachableSince = 0;
        backoff = 100;
      } catch (InterruptedException e) {
        return;
      } catch (Expired e) {
        renew();
      } catch (Refused e) {
        fail(e.getMessage());
        pause(1000);
      } catch (IOException | RuntimeException e) {
        long now = System.nanoTime();
        if (unreachableSince == 0) {
          unreachableSince = now;
          LOG.warn("Request permit service {} not reachable, trying for up to {} s: {}", endpoint.url(),
              endpoint.unreachableMillis() / 1000, describe(e));
        }
        if (now - unreachableSince >= endpoint.unreachableMillis() * 1_000_000L) {
          fail("the request permit service on the driver (" + endpoint.url() + ") was unreachable for "
              + endpoint.unreachableMillis() / 1000 + " s (" + describe(e) + "); an executor never reads without the cluster's request budget");
          unreachableSince = 0;
        }
        pause(backoff);
        backoff = Math.min(2000, backoff * 2);
      }
    }
  }

  // ---- the reporter ----

  private void reportLoop() {
    long backoff = 100;
    long unreachableSince = 0;
    while (true) {
      String s;
      int gen;
      int e;
      int r;
      int ok;
      long t;
      long le;
      try {
        synchronized (this) {
          while (true) {
            long now = System.nanoTime();
            if (available > 0 && waiting == 0 && now - availableIdleSince >= RETURN_IDLE_NANOS) {
              returned += available;
              available = 0;
            }
            boolean heartbeat = held > 0 && now - lastOk >= ttlMillis * 250_000L;
            if (ended > 0 || returned > 0 || throttled != Long.MIN_VALUE || successes >= 20 || heartbeat) {
              break;
            }
            long sleep = available > 0 && waiting == 0 ? RETURN_IDLE_NANOS / 1_000_000L + 1 : held > 0 ? 250 : 0;
            wait(sleep);
          }
          s = session;
          gen = generation;
          e = ended;
          le = lastEnd;
          r = returned;
          ok = successes;
          t = throttled;
          ended = 0;
          returned = 0;
          successes = 0;
          throttled = Long.MIN_VALUE;
          held -= e + r;
        }
        if (s == null) {
          continue; // nothing leased in this generation: nothing to report
        }
        long sent = System.nanoTime();
        // how long ago the latest of these requests ended, rounded down: the driver logs them all then
        long agoMs = e == 0 ? 0 : Math.max(0, (sent - le) / 1_000_000L);
        try {
          call("op=report&session=" + s + "&ended=" + e + "&ended_ago_ms=" + agoMs + "&returned=" + r + "&successes=" + ok
              + (t == Long.MIN_VALUE ? "" : "&throttled=" + t), Duration.ofSeconds(10));
          synchronized (this) {
            if (gen == generation) {
              if (sent - lastOk > 0) {
              lastOk = sent;
            }
            }
          }
          unreachableSince = 0;
          backoff = 100;
        } catch (IOException | RuntimeException ex) {
          synchronized (this) { // try again with the same news
            if (gen == generation) {
              if (ended == 0 || le - lastEnd > 0) {
                lastEnd = le;
              }
              ended += e;
              returned += r;
              successes += ok;
              throttled = Math.max(throttled, t);
              held += e + r;
            }
          }
          throw ex;
        }
      } catch (InterruptedException ex) {
        return;
      } catch (Expired ex) {
        renew();
      } catch (Refused ex) {
        fail(ex.getMessage());
        pause(1000);
      } catch (IOException | RuntimeException ex) {
        long now = System.nanoTime();
        if (unreachableSince == 0) {
          unreachableSince = now;
        }
        if (now - unreachableSince >= endpoint.unreachableMillis() * 1_000_000L) {
          fail("the request permit service on the driver (" + endpoint.url() + ") was unreachable for "
              + endpoint.unreachableMillis() / 1000 + " s (" + describe(ex) + "); an executor never reads without the cluster's request budget");
          unreachableSince = 0;
        }
        pause(backoff);
        backoff = Math.min(2000, backoff * 2);
      }
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
    ended = 0;
    returned = 0;
    notifyAll();
  }

  private synchronized void fail(String message) {
    failure = message;
    failures++;
    LOG.error("{}", message);
    notifyAll();
  }

  private String session() throws IOException, InterruptedException, Expired, Refused {
    synchronized (this) {
      if (session != null) {
        return session;
      }
    }
    String answer = call("op=open&api=" + enc(config.apiUrl()) + "&account=" + enc(config.authId()) + "&requests="
        + config.budgetRequests() + "&window_ms=" + config.budgetWindowMillis() + "&ttl_ms=" + ttlMillis,
        Duration.ofSeconds(10));
    synchronized (this) {
      session = value(answer, "session");
      lastOk = System.nanoTime();
      return session;
    }
  }

  private String call(String form, Duration timeout) throws IOException, InterruptedException, Expired, Refused {
    HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint.url()))
        .timeout(timeout)
        .header("Authorization", "Bearer " + endpoint.secret())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return switch (response.statusCode()) {
      case 200 -> response.body();
      case 410 -> throw new Expired();
      case 401 -> throw new Refused("the request permit service on the driver (" + endpoint.url()
          + ") refused this read's secret (HTTP 401); an executor never reads without the cluster's request budget");
      default -> throw new Refused("the request permit service on the driver (" + endpoint.url() + ") answered "
          + response.statusCode() + ": " + response.body().lines().findFirst().orElse(""));
    };
  }

  private static String value(String answer, String key) {
    Map<String, String> m = answer.lines().filter(l -> l.indexOf('=') > 0)
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> b));
    String v = m.get(key);
    if (v == null) {
      throw new IllegalStateException("the request permit service's answer has no " + key);
    }
    return v;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.lines().findFirst().orElse(""));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Expired extends Exception {
    private static final long serialVersionUID = 1L;
  }

  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }
}
