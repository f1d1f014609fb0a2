package io.zentrunk.spark.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.ApiValues;
import io.zentrunk.spark.client.Budget;
import io.zentrunk.spark.client.ClientConfig;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.ZentrunkApiException;
import io.zentrunk.spark.client.ZentrunkClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group counter's probe arithmetic, against a fake API that holds a known set of CDRs in
 * memory and records every request it is sent.
 *
 * <p>{@link ZentrunkClient} is final and builds its own {@code java.net.http.HttpClient}: there is
 * no seam for an in-process fake, so the fake answers list-calls requests on a loopback port
 * (JDK's built-in HTTP server, no Spark). No retries, no budget waits: every request the counter
 * makes is one request the fake records.
 */
class GroupCounterTest {

  static final long DAY = ApiTime.MICROS_PER_DAY;
  static final long HOUR = DAY / 24;
  static final long D0 = ApiTime.toMicros(Instant.parse("2026-11-01T00:00:00Z"));

  /** One CDR of the fake account: only the fields the counter and the top reader look at. */
  record Cdr(String uuid, long end, String direction, String source, int code, String stir) {
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
  record Request(long from, long to, Map<String, String> filters, int offset, int limit) {
    CdrQuery query() {
      return new CdrQuery(from, to, filters);
    }
  }

  /**
   * The list-calls API over an in-memory account, on a loopback port: end_time window and
   * equality filters, newest first (ties by call_uuid), offset/limit paging, total_count.
   */
  static final class FakeApi implements AutoCloseable {
    private static final Set<String> FILTERS = Set.of("call_direction", "hangup_source", "hangup_cause_code", "stir_verification");

    private final List<Cdr> cdrs = new ArrayList<>();
    private final List<Request> requests = new ArrayList<>();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    /** Runs after request number n (1-based) is answered, under the fake's lock: records arriving. */
    IntConsumer afterRequest = n -> {};
    /** Requests it answers 400 instead. */
    Predicate<Request> refuse = r -> false;

    FakeApi(List<Cdr> initial) throws IOException {
      cdrs.addAll(initial);
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::handle);
      server.setExecutor(threads);
      server.start();
    }

    ZentrunkClient client() {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      // no retries (a failure surfaces at once), a budget that never waits
      ClientConfig config = new ClientConfig(url, "MAFAKE000000000000", "fake-token", 5_000, 2_000, 0, 10_000, 1_000);
      return new ZentrunkClient(config, UNLIMITED, new ReadStats());
    }

    synchronized void add(Cdr c) {
      cdrs.add(c);
    }

    synchronized List<Request> requests() {
      return List.copyOf(requests);
    }

    synchronized long matching(CdrQuery q) {
      return cdrs.stream().filter(c -> matches(c, q.fromMicros(), q.toMicros(), q.filters())).count();
    }

    private static boolean matches(Cdr c, long from, long to, Map<String, String> filters) {
      return c.end >= from && c.end < to && filters.entrySet().stream().allMatch(e -> e.getValue().equals(c.field(e.getKey())));
    }

    private void handle(HttpExchange ex) throws IOException {
      int status;
      String body;
      synchronized (this) {
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
        Request r = new Request(from, to, Map.copyOf(params), offset, limit);
        requests.add(r);
        if (refuse.test(r)) {
          status = 400;
          body = "{\"api_id\": \"fake-" + requests.size() + "\", \"error\": \"refused by the test\"}";
        } else {
          List<Cdr> match = cdrs.stream().filter(c -> matches(c, from, to, params))
              .sorted(Comparator.comparingLong(Cdr::end).reversed().thenComparing(Cdr::uuid)).toList();
          StringBuilder sb = new StringBuilder();
          sb.append("{\"api_id\": \"fake-").append(requests.size()).append("\", \"meta\": {\"limit\": ").append(limit)
              .append(", \"offset\": ").append(offset).append(", \"total_count\": ").append(match.size()).append("}, \"objects\": [");
          for (int i = offset; i < Math.min(match.size(), offset + limit); i++) {
            Cdr c = match.get(i);
            sb.append(i > offset ? ", " : "").append("{\"call_uuid\": \"").append(c.uuid).append("\", \"end_time\": \"")
                .append(ApiTime.formatFilter(c.end)).append("\", \"call_direction\": \"").append(c.direction)
                .append("\", \"hangup_source\": \"").append(c.source).append("\", \"hangup_cause_code\": ").append(c.code)
                .append(", \"stir_verification\": \"").append(c.stir).append("\"}");
          }
          body = sb.append("]}").toString();
          status = 200;
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

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  static final Budget UNLIMITED = new Budget() {
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

  private static int serial;

  /** {@code n} CDRs spread evenly over {@code [from, to)}, each with the given values. */
  static List<Cdr> spread(int n, long from, long to, String direction, String source, int code) {
    List<Cdr> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Cdr(String.format("c-%06d", serial++), from + i * ((to - from) / n), direction, source, code, "Not Applicable"));
    }
    return out;
  }

  static List<Cdr> concat(List<List<Cdr>> parts) {
    return parts.stream().flatMap(List::stream).toList();
  }

  static final GroupDim BY_DAY = new GroupDim.TimeBuckets(DAY);
  static final GroupDim BY_HOUR = new GroupDim.TimeBuckets(HOUR);
  static final GroupDim BY_DIRECTION = new GroupDim.Values("call_direction", ApiValues.DIRECTIONS);
  static final GroupDim BY_SOURCE = new GroupDim.Values("hangup_source", ApiValues.SOURCES);

  static CdrQuery days(long fromDay, long toDay) {
    return new CdrQuery(D0 + fromDay * DAY, D0 + toDay * DAY, Map.of());
  }

  private FakeApi api;

  FakeApi api(List<Cdr> cdrs) throws IOException {
    api = new FakeApi(cdrs);
    return api;
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  static Map<List<Object>, Long> groups(GroupCounter.Result r) {
    Map<List<Object>, Long> m = new HashMap<>();
    r.groups().forEach(g -> assertThat(m.put(g.key(), g.count())).as("group " + g.key() + " reported twice").isNull());
    return m;
  }

  @Test
  void splitsDaysThenDirectionsPruningEmptyDaysAndReadingCheapDaysAsRows() throws IOException {
    FakeApi api = api(concat(List.of(
        spread(60, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(40, D0 + HOUR, D0 + DAY, "outbound", "carrier", 3000),
        // day 1: no calls
        spread(25, D0 + 2 * DAY, D0 + 3 * DAY, "inbound", "carrier", 3000),
        spread(20, D0 + 2 * DAY + HOUR, D0 + 3 * DAY, "outbound", "carrier", 3000),
        spread(15, D0 + 3 * DAY, D0 + 4 * DAY, "inbound", "customer", 4410))));
    CdrQuery root = days(0, 4);

    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(root), List.of(BY_DAY, BY_DIRECTION));

    // Root: 160 records, 8 pages; its 7 remaining pages cost more than 4 day probes: split.
    // Day 0 (100 records, 4 remaining pages > 2 direction probes): split. Day 1 (0): pruned.
    // Day 2 (45 records, 2 remaining pages, not more than 2 probes): rows. Day 3 (15): whole in its probe.
    assertThat(r.probes()).isEqualTo(1 + 4 + 2);
    assertThat(api.requests()).as("the counter only probes; every probe is one request").hasSize(7);
    assertThat(api.requests()).allSatisfy(q -> assertThat(q.offset()).isZero()).allSatisfy(q -> assertThat(q.limit()).isEqualTo(20));
    assertThat(groups(r)).isEqualTo(Map.of(List.of(D0, "inbound"), 60L, List.of(D0, "outbound"), 40L));
    assertThat(r.rows()).extracting(GroupCounter.RowWindow::query).containsExactlyInAnyOrder(days(2, 3), days(3, 4));
    GroupCounter.RowWindow day2 = r.rows().stream().filter(w -> w.query().equals(days(2, 3))).findFirst().orElseThrow();
    GroupCounter.RowWindow day3 = r.rows().stream().filter(w -> w.query().equals(days(3, 4))).findFirst().orElseThrow();
    assertThat(day2.count()).isEqualTo(45);
    assertThat(day2.whole()).isFalse();
    assertThat(day2.remainingPages()).isEqualTo(2);
    assertThat(day3.count()).isEqualTo(15);
    assertThat(day3.whole()).isTrue();
    assertThat(day3.firstPage().records()).hasSize(15);
    assertThat(day3.remainingPages()).isZero();
    assertThat(r.total()).isEqualTo(160);
    assertThat(r.readAllPages()).isEqualTo(8);
    assertThat(r.unexplained()).isZero();
    assertThat(r.requests()).isEqualTo(7 + 2);
    assertThat(r.rowRecords()).isEqualTo(60);
    assertThat(r.groups().stream().mapToLong(GroupCounter.Group::count).sum() + r.rowRecords())
        .as("every record is in a group or in a row window").isEqualTo(r.total());
    assertThat(api.requests()).as("no probe below the empty day 1 or the rows of days 2 and 3")
        .filteredOn(q -> !q.filters().isEmpty())
        .extracting(q -> q.from()).containsOnly(D0);
  }

  @Test
  void splitsOnlyWhenTheProbesCostFewerRequestsThanThePages() throws IOException {
    // 80 records over 3 days: 4 pages, 3 after the probe, against 3 day probes: read as rows.
    FakeApi eighty = api(concat(List.of(spread(27, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(27, D0 + DAY, D0 + 2 * DAY, "inbound", "carrier", 3000), spread(26, D0 + 2 * DAY, D0 + 3 * DAY, "inbound", "carrier", 3000))));
    GroupCounter.Result r80 = new GroupCounter(eighty.client(), 4, null).count(List.of(days(0, 3)), List.of(BY_DAY));
    assertThat(r80.probes()).isEqualTo(1);
    assertThat(eighty.requests()).hasSize(1);
    assertThat(r80.groups()).isEmpty();
    assertThat(r80.rows()).singleElement().satisfies(w -> {
      assertThat(w.query()).isEqualTo(days(0, 3));
      assertThat(w.count()).isEqualTo(80);
      assertThat(w.remainingPages()).isEqualTo(3);
    });
    assertThat(r80.requests()).isEqualTo(r80.readAllPages()).isEqualTo(4);
    eighty.close();

    // 81 records: 5 pages, 4 after the probe, against 3 probes: split.
    FakeApi more = api(concat(List.of(spread(27, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(27, D0 + DAY, D0 + 2 * DAY, "inbound", "carrier", 3000), spread(27, D0 + 2 * DAY, D0 + 3 * DAY, "inbound", "carrier", 3000))));
    GroupCounter.Result r81 = new GroupCounter(more.client(), 4, null).count(List.of(days(0, 3)), List.of(BY_DAY));
    assertThat(r81.probes()).isEqualTo(1 + 3);
    assertThat(more.requests()).hasSize(4);
    assertThat(r81.rows()).isEmpty();
    assertThat(groups(r81)).isEqualTo(Map.of(List.of(D0), 27L, List.of(D0 + DAY), 27L, List.of(D0 + 2 * DAY), 27L));
    assertThat(r81.requests()).isLessThan(r81.readAllPages());
  }

  @Test
  void aWindowOfAtMostTwentyRecordsIsWholeInItsProbeAndNeverSplit() throws IOException {
    FakeApi api = api(concat(List.of(spread(12, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(8, D0 + DAY, D0 + 2 * DAY, "outbound", "customer", 4410))));
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(days(0, 2)), List.of(BY_DAY, BY_DIRECTION));
    assertThat(api.requests()).hasSize(1);
    assertThat(r.probes()).isEqualTo(1);
    assertThat(r.groups()).isEmpty();
    assertThat(r.rows()).singleElement().satisfies(w -> {
      assertThat(w.whole()).isTrue();
      assertThat(w.remainingPages()).isZero();
      assertThat(w.firstPage().records()).hasSize(20);
    });
    assertThat(r.requests()).isEqualTo(1);
  }

  @Test
  void aValueNoDocumentListsMakesOnlyItsWindowFallBackToRows() throws IOException {
    FakeApi api = api(concat(List.of(
        spread(60, D0, D0 + DAY, "inbound", "customer", 3000),
        spread(40, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(50, D0 + DAY, D0 + 2 * DAY, "inbound", "customer", 3000),
        spread(30, D0 + DAY, D0 + 2 * DAY, "inbound", "carrier", 3000),
        spread(20, D0 + DAY, D0 + 2 * DAY, "inbound", "partner", 3000)))); // not a documented source
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(days(0, 2)), List.of(BY_DAY, BY_SOURCE));
    // root 200 (9 remaining pages > 2): 2 day probes; each day 100 (4 remaining > 3): 3 source probes each
    assertThat(r.probes()).isEqualTo(1 + 2 + 3 + 3);
    assertThat(api.requests()).hasSize(9);
    assertThat(r.unexplained()).isEqualTo(1);
    assertThat(groups(r)).as("day 0 adds up; its empty 'zentrunk' group is not reported")
        .isEqualTo(Map.of(List.of(D0, "customer"), 60L, List.of(D0, "carrier"), 40L));
    assertThat(r.rows()).singleElement().satisfies(w -> {
      assertThat(w.query()).isEqualTo(days(1, 2));
      assertThat(w.count()).isEqualTo(100);
      assertThat(w.remainingPages()).isEqualTo(4);
    });
    assertThat(r.groups().stream().mapToLong(GroupCounter.Group::count).sum() + r.rowRecords()).isEqualTo(r.total()).isEqualTo(200);
  }

  @Test
  void recordsArrivingBetweenProbesMakeTheWindowRows() throws IOException {
    FakeApi api = api(concat(List.of(spread(50, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(50, D0, D0 + DAY, "outbound", "carrier", 3000))));
    // three calls end inside the window after the root probe was answered
    api.afterRequest = n -> {
      if (n == 1) {
        spread(3, D0 + 5 * HOUR, D0 + 6 * HOUR, "inbound", "carrier", 3000).forEach(api::add);
      }
    };
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(days(0, 1)), List.of(BY_DIRECTION));
    assertThat(api.requests()).hasSize(1 + 2);
    assertThat(r.unexplained()).isEqualTo(1);
    assertThat(r.groups()).as("children sum to 103, the parent said 100: no group is trusted").isEmpty();
    assertThat(r.rows()).singleElement().satisfies(w -> {
      assertThat(w.query()).isEqualTo(days(0, 1));
      assertThat(w.count()).isEqualTo(100);
    });
  }

  @Test
  void aWindowAlreadyFilteredByTheColumnOrWithinOneBucketNeedsNoProbe() throws IOException {
    FakeApi api = api(concat(List.of(spread(200, D0 + HOUR, D0 + 5 * HOUR, "outbound", "carrier", 3000),
        spread(50, D0 + HOUR, D0 + 5 * HOUR, "inbound", "carrier", 3000))));
    CdrQuery root = new CdrQuery(D0 + HOUR, D0 + 5 * HOUR, Map.of("call_direction", "outbound"));
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(root), List.of(BY_DAY, BY_DIRECTION));
    assertThat(api.requests()).hasSize(1);
    assertThat(r.probes()).isEqualTo(1);
    assertThat(groups(r)).isEqualTo(Map.of(List.of(D0, "outbound"), 200L));
    assertThat(r.rows()).isEmpty();
  }

  @Test
  void hourBucketsAreAlignedToUtcAndClippedToTheWindow() throws IOException {
    FakeApi api = api(concat(List.of(spread(50, D0 + HOUR / 2, D0 + HOUR, "inbound", "carrier", 3000),
        // 01:00-02:00: none
        spread(50, D0 + 2 * HOUR, D0 + 3 * HOUR, "inbound", "carrier", 3000),
        spread(7, D0 + 3 * HOUR, D0 + 4 * HOUR, "inbound", "carrier", 3000)))); // after the window
    CdrQuery root = new CdrQuery(D0 + HOUR / 2, D0 + 3 * HOUR, Map.of());
    GroupCounter.Result r = new GroupCounter(api.client(), 2, null).count(List.of(root), List.of(BY_HOUR));
    assertThat(api.requests()).extracting(Request::query).containsExactlyInAnyOrder(root,
        new CdrQuery(D0 + HOUR / 2, D0 + HOUR, Map.of()), new CdrQuery(D0 + HOUR, D0 + 2 * HOUR, Map.of()),
        new CdrQuery(D0 + 2 * HOUR, D0 + 3 * HOUR, Map.of()));
    assertThat(groups(r)).as("keys are bucket starts; the empty hour is not a group")
        .isEqualTo(Map.of(List.of(D0), 50L, List.of(D0 + 2 * HOUR), 50L));
  }

  @Test
  void severalRootsAddTheirTotalsAndTheirPages() throws IOException {
    FakeApi api = api(concat(List.of(spread(45, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(20, D0 + 2 * DAY, D0 + 3 * DAY, "outbound", "carrier", 3000))));
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null)
        .count(List.of(days(0, 1), days(1, 2), days(2, 3)), List.of(BY_DIRECTION));
    assertThat(r.total()).isEqualTo(65);
    assertThat(r.readAllPages()).as("3 pages, and one request even for the empty root").isEqualTo(3 + 1 + 1);
    assertThat(r.probes()).isEqualTo(3);
    assertThat(api.requests()).hasSize(3);
    assertThat(r.rows()).extracting(GroupCounter.RowWindow::query).containsExactlyInAnyOrder(days(0, 1), days(2, 3));
    assertThat(r.requests()).isEqualTo(3 + 2);
  }

  @Test
  void manyProbesInFlightKeepEachCountWithItsGroup() throws IOException {
    // 20 days of different sizes, 4 probes in flight: a count paired with the wrong day fails
    List<List<Cdr>> parts = new ArrayList<>();
    Map<List<Object>, Long> expected = new HashMap<>();
    for (int d = 0; d < 20; d++) {
      int n = 30 + 7 * d;
      parts.add(spread(n, D0 + d * DAY, D0 + (d + 1) * DAY, "inbound", "carrier", 3000));
      expected.put(List.of(D0 + d * DAY), (long) n);
    }
    FakeApi api = api(concat(parts));
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(days(0, 20)), List.of(BY_DAY));
    assertThat(r.probes()).isEqualTo(21);
    assertThat(groups(r)).isEqualTo(expected);
  }

  @Test
  void aRefusedProbeFailsTheCountWithTheApiStatus() throws IOException {
    FakeApi api = api(spread(100, D0, D0 + DAY, "inbound", "carrier", 3000));
    api.refuse = q -> "zentrunk".equals(q.filters().get("hangup_source"));
    assertThatThrownBy(() -> new GroupCounter(api.client(), 4, null).count(List.of(days(0, 1)), List.of(BY_SOURCE)))
        .isInstanceOfSatisfying(ZentrunkApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("refused by the test");
  }

  @Test
  void noDimensionAtAllReportsEachNonEmptyRootAsOneGroup() throws IOException {
    FakeApi api = api(spread(70, D0, D0 + DAY, "inbound", "carrier", 3000));
    GroupCounter.Result r = new GroupCounter(api.client(), 1, null).count(List.of(days(0, 1), days(1, 2)), List.of());
    assertThat(r.groups()).containsExactly(new GroupCounter.Group(List.of(), 70));
    assertThat(r.probes()).isEqualTo(2);
  }
}
