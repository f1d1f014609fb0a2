package io.zentrunk.spark.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.Budget;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ClientConfig;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.ZentrunkClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The list-calls API over an in-memory account, on a loopback port, recording every request it is sent: end_time
 * window and equality filters, newest first (ties by call_uuid), offset/limit paging, total_count. For the unit
 * tests of what probes and pages the API (the group counter, the top reader).
 *
 * <p>{@link ZentrunkClient} is final and builds its own {@code java.net.http.HttpClient}: there is no seam for an
 * in-process fake, so the fake answers on loopback (JDK's built-in HTTP server, no Spark, no emulator). Its
 * {@link #client()} has no retries and a budget that never waits: every request the code under test makes is one
 * request the fake records.
 */
public final class FakeListCallsApi implements AutoCloseable {

  /** One CDR of the fake account: only the fields the counter and the top reader look at. */
  public record Cdr(String uuid, long end, String direction, String source, int code, String stir) {
    String field(String param) {
      return switch (param) {
        case "call_direction" -> direction;
        case "hangup_source" -> source;
        case "hangup_cause_code" -> Integer.toString(code);
        case "stir_verification" -> stir;
        default -> throw new IllegalArgumentException("the fake API does not filter by " + param);
      };
    }
  }

  /** One request the fake served: its end_time window, its equality filters, its offset and limit. */
  public record Request(long from, long to, Map<String, String> filters, int offset, int limit) {
    public CdrQuery query() {
      return new CdrQuery(from, to, filters);
    }
  }

  /** Starts fakes and closes them after each test: {@code @RegisterExtension final Fakes apis = new Fakes();}. */
  public static final class Fakes implements AfterEachCallback {
    private final List<FakeListCallsApi> started = new ArrayList<>();

    public FakeListCallsApi start(List<Cdr> cdrs) {
      FakeListCallsApi api = new FakeListCallsApi(cdrs);
      started.add(api);
      return api;
    }

    @Override
    public void afterEach(ExtensionContext context) {
      started.forEach(FakeListCallsApi::close);
      started.clear();
    }
  }

  private static final Set<String> FILTERS = Set.of("call_direction", "hangup_source", "hangup_cause_code", "stir_verification");

  private final List<Cdr> cdrs = new ArrayList<>();
  private final List<Request> requests = new ArrayList<>();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private IntConsumer afterRequest = n -> {};
  private Predicate<Request> refuse = r -> false;
  private boolean closed;

  public FakeListCallsApi(List<Cdr> initial) {
    cdrs.addAll(initial);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** A client of this fake: no retries (a failure surfaces at once), a budget that never waits. */
  public ZentrunkClient client() {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    ClientConfig config = new ClientConfig(url, "MAFAKE000000000000", "fake-token", 5_000, 2_000, 0, 10_000, 1_000);
    return new ZentrunkClient(config, UNLIMITED, new ReadStats());
  }

  /** Runs after request number n (1-based) is answered, under the fake's lock: records arriving. */
  public synchronized void afterRequest(IntConsumer action) {
    afterRequest = action;
  }

  /** Requests it answers 400 instead. */
  public synchronized void refuse(Predicate<Request> which) {
    refuse = which;
  }

  public synchronized void add(Cdr c) {
    cdrs.add(c);
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  private static boolean matches(Cdr c, long from, long to, Map<String, String> filters) {
    return c.end >= from && c.end < to && filters.entrySet().stream().allMatch(e -> e.getValue().equals(c.field(e.getKey())));
  }

  private void handle(HttpExchange ex) throws IOException {
    int status;
    String body;
    synchronized (this) {
      Request r = request(ex);
      requests.add(r);
      if (refuse.test(r)) {
        status = 400;
        body = "{\"api_id\": \"fake-" + requests.size() + "\", \"error\": \"refused by the test\"}";
      } else {
        status = 200;
        body = page(r);
      }
      afterRequest.accept(requests.size());
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Request request(HttpExchange ex) {
    Map<String, String> params = new HashMap<>();
    for (String kv : ex.getRequestURI().getRawQuery().split("&")) {
      int eq = kv.indexOf('=');
      params.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    long from = ApiTime.parseCdrTime(params.remove("end_time__gte"));
    long to = ApiTime.parseCdrTime(params.remove("end_time__lt"));
    int limit = Integer.parseInt(params.remove("limit"));
    int offset = Integer.parseInt(params.remove("offset"));
    if (!FILTERS.containsAll(params.keySet())) {
      throw new IllegalStateException("unexpected parameters " + params);
    }
    return new Request(from, to, Map.copyOf(params), offset, limit);
  }

  private String page(Request r) {
    List<Cdr> match = cdrs.stream().filter(c -> matches(c, r.from(), r.to(), r.filters()))
        .sorted(Comparator.comparingLong(Cdr::end).reversed().thenComparing(Cdr::uuid)).toList();
    StringBuilder sb = new StringBuilder();
    sb.append("{\"api_id\": \"fake-").append(requests.size()).append("\", \"meta\": {\"limit\": ").append(r.limit())
        .append(", \"offset\": ").append(r.offset()).append(", \"total_count\": ").append(match.size()).append("}, \"objects\": [");
    for (int i = r.offset(); i < Math.min(match.size(), r.offset() + r.limit()); i++) {
      Cdr c = match.get(i);
      sb.append(i > r.offset() ? ", " : "").append("{\"call_uuid\": \"").append(c.uuid).append("\", \"end_time\": \"")
          .append(ApiTime.formatFilter(c.end)).append("\", \"call_direction\": \"").append(c.direction)
          .append("\", \"hangup_source\": \"").append(c.source).append("\", \"hangup_cause_code\": ").append(c.code)
          .append(", \"stir_verification\": \"").append(c.stir).append("\"}");
    }
    return sb.append("]}").toString();
  }

  /** Stops the server; a second call does nothing. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    server.stop(0);
    threads.shutdownNow();
  }

  /** A budget that never waits and ignores throttling. */
  public static final Budget UNLIMITED = new Budget() {
    @Override
    public Permit permit() {
      return new Permit() {
        @Override
        public long waitedNanos() {
          return 0;
        }

        @Override
        public void release() {}
      };
    }

    @Override
    public void onThrottled(long retryAfterMillis) {}

    @Override
    public void onSuccess() {}
  };
}
