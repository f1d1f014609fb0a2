package io.zentrunk.spark.budget;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.zentrunk.spark.client.ClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's permit service: leases the account's request permits ({@link RequestBudget},
 * the very budget the driver's own planning uses) to executors over HTTP, through a
 * {@link PermitLedger}. See docs/cluster.md.
 *
 * <p>There is one budget per API host and account ({@link BudgetKey}), whatever the settings of the reads that
 * open sessions on it: each session brings its read's settings, and every claim in force holds at once (see
 * {@link RequestBudget}).
 *
 * <p>Every call must carry the application's secret ({@code Authorization: Bearer ...}, 32
 * random bytes made here; compared in constant time); anything else gets 401 and no detail.
 * One {@code POST} path, form-encoded:
 * <ul>
 *   <li>{@code op=open&api=HOST:PORT&account=..&requests=..&window_ms=..&ttl_ms=..[&client=PID@HOST]}: {@code session=ID}</li>
 *   <li>{@code op=lease&session=ID&want=N}: waits up to 1 s for a permit, {@code granted=K}</li>
 *   <li>{@code op=report&session=ID&ended=N&ended_ago_ms=MS&returned=N&successes=N[&throttled=RETRY_AFTER_MS]}:
 *       {@code ok}</li>
 * </ul>
 * An unknown or expired session gets 410 (the executor opens a new one).
 */
public final class PermitServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PermitServer.class);
  static final String PATH = "/zentrunk/permits";
  /** The longest a lease call waits for a first permit (the executor calls again). */
  static final long LEASE_WAIT_NANOS = 1_000_000_000L;
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** What a client may call itself (an executor sends its JVM's pid@host): shown in logs, so nothing else. */
  private static final java.util.regex.Pattern CLIENT = java.util.regex.Pattern.compile("[A-Za-z0-9@._:-]{1,100}");

  /**
   * The book of permits now (for monitoring and tests): permits held by the open sessions of each client
   * (an executor JVM, by pid@host), permits that expired by client (leases of an executor that stopped
   * reporting), and permits reported ended since the service started.
   */
  public record Stats(Map<String, Integer> heldByClient, Map<String, Integer> expiredByClient, long ended) {
    public Stats {
      heldByClient = Map.copyOf(heldByClient);
      expiredByClient = Map.copyOf(expiredByClient);
    }
  }

  private final HttpServer server;
  private final PermitLedger ledger = new PermitLedger(System::nanoTime);
  private final byte[] secret;
  private final String url;
  private final ExecutorService pool;
  private final ScheduledExecutorService expirer;

  private PermitServer(String bindHost, int port, String advertisedHost) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    this.secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random).getBytes(StandardCharsets.US_ASCII);
    this.pool = Executors.newCachedThreadPool(r -> daemon(r, "zentrunk-permits-" + THREADS.incrementAndGet()));
    this.expirer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "zentrunk-permits-expiry"));
    this.server = HttpServer.create(new InetSocketAddress(bindHost, port), 64);
    server.createContext(PATH, this::handle);
    server.setExecutor(pool);
    String host = advertisedHost.contains(":") && !advertisedHost.startsWith("[") ? "[" + advertisedHost + "]" : advertisedHost;
    this.url = "http://" + host + ":" + server.getAddress().getPort() + PATH;
  }

  /**
   * Starts a service listening on {@code bindHost:port} (0: any free port) that executors reach
   * as {@code advertisedHost}. Its threads are daemons; {@link #close()} stops it.
   */
  public static PermitServer start(String bindHost, int port, String advertisedHost) {
    try {
      PermitServer s = new PermitServer(bindHost, port, advertisedHost);
      // HttpServer's dispatcher thread takes its daemon flag from the thread that starts it:
      // start it from a daemon so a forgotten service never keeps a driver JVM alive.
      AtomicReference<RuntimeException> failed = new AtomicReference<>();
      Thread starter = daemon(() -> {
        try {
          s.server.start();
        } catch (RuntimeException e) {
          failed.set(e);
        }
      }, "zentrunk-permits-start");
      starter.start();
      starter.join();
      if (failed.get() != null) {
        throw failed.get();
      }
      s.expirer.scheduleWithFixedDelay(() -> {
        int n = s.ledger.expire();
        if (n > 0) {
          LOG.warn("{} leased request permits expired (an executor stopped reporting; expired so far, by executor JVM: {});"
              + " counted as requests that ended now", n, s.ledger.stats().expiredByClient());
        }
      }, 250, 250, TimeUnit.MILLISECONDS);
      LOG.info("Request permit service listening at {}", s.url);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the request permit service on " + bindHost + ":" + port, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the request permit service", e);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Where executors reach this service, with its secret. */
  public PermitEndpoint endpoint() {
    return new PermitEndpoint(url, new String(secret, StandardCharsets.US_ASCII), PermitEndpoint.DEFAULT_UNREACHABLE_MILLIS);
  }

  public String url() {
    return url;
  }

  /** The book of permits now. */
  public Stats stats() {
    return ledger.stats();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String auth = x.getRequestHeaders().getFirst("Authorization");
      byte[] given = auth != null && auth.startsWith("Bearer ")
          ? auth.substring(7).getBytes(StandardCharsets.US_ASCII) : new byte[0];
      if (!MessageDigest.isEqual(given, secret)) {
        answer(x, 401, "unauthorized");
        return;
      }
      if (!"POST".equals(x.getRequestMethod())) {
        answer(x, 405, "POST only");
        return;
      }
      Map<String, String> f;
      try (InputStream in = x.getRequestBody()) {
        f = form(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
      }
      try {
        answer(x, 200, switch (f.getOrDefault("op", "")) {
          case "open" -> {
            // one budget per API host and account; the session leases under its read's settings (a claim)
            Claim budget = RequestBudget.shared(new BudgetKey(required(f, "api"), required(f, "account")),
                number(f, "requests", ClientConfig.AUTO_BUDGET, 1_000_000), number(f, "window_ms", 1, 3_600_000));
            String client = f.getOrDefault("client", "unnamed");
            yield "session=" + ledger.open(budget, number(f, "ttl_ms", 1_000, 3_600_000),
                CLIENT.matcher(client).matches() ? client : "unnamed");
          }
          case "lease" -> "granted=" + ledger.lease(f.get("session"), number(f, "want", 0, 10_000), LEASE_WAIT_NANOS);
          case "report" -> {
            String t = f.get("throttled");
            ledger.report(f.get("session"), number(f, "ended", 0, 1_000_000),
                f.containsKey("ended_ago_ms") ? number(f, "ended_ago_ms", 0, 3_600_000) * 1_000_000L : 0,
                number(f, "returned", 0, 1_000_000),
                t == null ? Long.MIN_VALUE : Long.parseLong(t), number(f, "successes", 0, 1_000_000));
            yield "ok";
          }
          default -> throw new IllegalArgumentException("unknown op");
        });
      } catch (PermitLedger.Expired e) {
        answer(x, 410, "session expired");
      } catch (IllegalArgumentException e) {
        answer(x, 400, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answer(x, 503, "stopping");
      }
    }
  }

  private static String required(Map<String, String> f, String key) {
    String v = f.get(key);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("missing " + key);
    }
    return v;
  }

  private static int number(Map<String, String> f, String key, int min, int max) {
    try {
      long v = Long.parseLong(required(f, key));
      if (v < min || v > max) {
        throw new IllegalArgumentException(key + " out of range");
      }
      return (int) v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a number");
    }
  }

  static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  /** Stops listening; executors still reading then fail after their wait (see {@link PermitClient}). */
  @Override
  public void close() {
    server.stop(0);
    expirer.shutdownNow();
    pool.shutdownNow();
  }
}
