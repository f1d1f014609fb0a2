package io.zentrunk.spark.budget;

import io.zentrunk.spark.client.Budget;
import io.zentrunk.spark.client.ClientConfig;
import io.zentrunk.spark.client.ZentrunkApiException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The driver's permit service over real loopback HTTP, with the executors' client. */
class PermitServiceTest {

  final PermitServer server = PermitServer.start("127.0.0.1", 0, "127.0.0.1");

  @AfterEach
  void stop() {
    server.close();
  }

  static ClientConfig account(int requests, long windowMs) {
    // a fresh account per test: RequestBudget.shared is per JVM
    String id = "MA" + UUID.randomUUID().toString().replace("-", "").substring(0, 18).toUpperCase();
    return new ClientConfig("http://127.0.0.1:1", id, "token", 2_000, 1_000, 0, requests, windowMs);
  }

  @Test
  void wrongOrMissingSecretIsRefusedWithoutDetail() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String form = "op=open&api=http%3A%2F%2F127.0.0.1%3A1&account=MA1&requests=10&window_ms=1000&ttl_ms=10000";
    for (String auth : new String[] {"Bearer wrong", "Basic abc", null, "Bearer " + server.endpoint().secret() + "x"}) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url())).POST(HttpRequest.BodyPublishers.ofString(form));
      if (auth != null) {
        b.header("Authorization", auth);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(String.valueOf(auth)).isEqualTo(401);
      assertThat(r.body()).isEqualTo("unauthorized");
    }
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(server.url()))
        .header("Authorization", "Bearer " + server.endpoint().secret())
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).startsWith("session=");
    HttpResponse<String> stale = http.send(HttpRequest.newBuilder(URI.create(server.url()))
        .header("Authorization", "Bearer " + server.endpoint().secret())
        .POST(HttpRequest.BodyPublishers.ofString("op=lease&session=abc&want=1")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(stale.statusCode()).isEqualTo(410);

    // the executor's side: fails at once, one line, no secret
    PermitEndpoint wrong = new PermitEndpoint(server.url(), "not-the-secret", 30_000);
    PermitClient client = new PermitClient(wrong, account(10, 1000));
    long began = System.nanoTime();
    assertThatThrownBy(client::permit).isInstanceOf(ZentrunkApiException.class)
        .hasMessageContaining("refused this read's secret (HTTP 401)")
        .hasMessageNotContaining("not-the-secret")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(System.nanoTime() - began).as("no waiting on a refused secret").isLessThan(TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  void theSecretIsNeverPrinted() {
    PermitEndpoint e = server.endpoint();
    assertThat(e.toString()).doesNotContain(e.secret()).contains("<hidden>").contains(server.url());
    assertThat(e.secret()).hasSizeGreaterThanOrEqualTo(40);
    PermitServer other = PermitServer.start("127.0.0.1", 0, "127.0.0.1");
    try {
      assertThat(other.endpoint().secret()).as("a secret per service").isNotEqualTo(e.secret());
    } finally {
      other.close();
    }
  }

  @Test
  void executorsShareOneBudgetAndGiveEverythingBackWhenIdle() throws Exception {
    ClientConfig acct = account(20, 1000);
    Claim driverBudget = RequestBudget.shared(acct.apiUrl(), acct.authId(), 20, 1000);
    // two executor JVMs (two clients of the same service) and the driver itself
    List<Budget> users = List.of(new PermitClient(server.endpoint(), acct), new PermitClient(server.endpoint(), acct),
        driverBudget);
    List<Long> starts = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(9);
    List<Future<?>> done = new ArrayList<>();
    long began = System.nanoTime();
    for (int i = 0; i < 9; i++) {
      Budget b = users.get(i % 3);
      done.add(pool.submit(() -> {
        for (int k = 0; k < 10; k++) {
          Budget.Permit p = b.permit();
          starts.add(System.nanoTime());
          Thread.sleep(20); // the request
          p.release();
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    long took = System.nanoTime() - began;
    pool.shutdown();
    List<Long> sorted = new ArrayList<>(starts);
    Collections.sort(sorted);
    assertThat(sorted).hasSize(90);
    for (int i = 0; i < sorted.size(); i++) {
      int j = i;
      while (j < sorted.size() && sorted.get(j) - sorted.get(i) < 1_000_000_000L) {
        j++;
      }
      assertThat(j - i).as("requests started within 1 s from #" + i).isLessThanOrEqualTo(20);
    }
    // 90 requests at 20 per (1 s + 20 ms) need at least 4 windows
    assertThat(took).isGreaterThan(4_000_000_000L);
    // everything is reported back: nothing stays leased once the executors are idle
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (driverBudget.budget().inFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(driverBudget.budget().inFlight()).isZero();
    // and no slot was lost: a window after the last request ended, the whole budget is there at once, and no more
    // (a bound on the test's duration would say the same only on an idle machine)
    Thread.sleep(1_100);
    int granted = 0;
    while (granted < 25 && driverBudget.tryAcquire(0)) {
      granted++;
    }
    for (int i = 0; i < granted; i++) {
      driverBudget.cancel();
    }
    assertThat(granted).as("slots free after an idle window").isEqualTo(20);
  }

  @Test
  void theServiceNamesEachExecutorJvmInItsBook() throws Exception {
    PermitClient client = new PermitClient(server.endpoint(), account(10, 60_000));
    Budget.Permit p = client.permit();
    String me = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
    assertThat(me).matches("\\d+@.+");
    assertThat(server.stats().heldByClient()).as("the permit this JVM holds, under its pid@host").containsKey(me);
    assertThat(server.stats().heldByClient().get(me)).isPositive();
    p.release();
    client.close();
    // a name that is not pid@host-like is not taken into the logs
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url()))
        .header("Authorization", "Bearer " + server.endpoint().secret())
        .POST(HttpRequest.BodyPublishers.ofString("op=open&api=x&account=MA1&requests=10&window_ms=1000&ttl_ms=10000"
            + "&client=%0Aforged+log+line")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(server.stats().heldByClient()).containsKey("unnamed").doesNotContainKey("\nforged log line");
  }

  @Test
  void anUnreachableServiceFailsTheRequestAfterWaitingNeverFallingBack() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    PermitEndpoint gone = new PermitEndpoint("http://127.0.0.1:" + closedPort + "/zentrunk/permits",
        server.endpoint().secret(), 2_000);
    PermitClient client = new PermitClient(gone, account(10, 1000));
    long began = System.nanoTime();
    assertThatThrownBy(client::permit).isInstanceOf(ZentrunkApiException.class)
        .hasMessageStartingWith("the request permit service on the driver (http://127.0.0.1:" + closedPort
            + "/zentrunk/permits) was unreachable for 2 s (ConnectException")
        .hasMessageEndingWith("an executor never reads without the cluster's request budget")
        .hasMessageNotContaining(server.endpoint().secret())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    long waited = System.nanoTime() - began;
    assertThat(waited).as("it waited and retried first").isGreaterThanOrEqualTo(2_000_000_000L);
    // a later request tries again (a task retry) rather than inheriting the failure forever
    long again = System.nanoTime();
    assertThatThrownBy(client::permit).isInstanceOf(ZentrunkApiException.class).hasMessageContaining("unreachable");
    assertThat(System.nanoTime() - again).isGreaterThanOrEqualTo(1_500_000_000L);
  }

  @Test
  void aServiceThatStopsMidReadStopsTheExecutor() throws Exception {
    ClientConfig acct = account(50, 1000);
    PermitClient client = new PermitClient(server.endpoint().withUnreachableMillis(1_500), acct);
    Budget.Permit p = client.permit();
    p.release();
    server.close();
    Thread.sleep(100); // the permits left unused are void without the driver...
    assertThatThrownBy(() -> {
      for (int i = 0; i < 1000; i++) { // ... at most the few already leased are handed out, then it fails
        client.permit().release();
      }
    }).isInstanceOf(ZentrunkApiException.class).hasMessageContaining("unreachable for 1 s");
  }

  /** Starts of {@code perUser} requests of 20 ms from each of 3 threads per budget; sorted. */
  private static List<Long> driveTogether(List<Budget> budgets, int perUser) throws Exception {
    List<Long> starts = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(3 * budgets.size());
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < 3 * budgets.size(); i++) {
      Budget b = budgets.get(i % budgets.size());
      done.add(pool.submit(() -> {
        for (int k = 0; k < perUser; k++) {
          Budget.Permit p = b.permit();
          starts.add(System.nanoTime());
          Thread.sleep(20); // the request
          b.onSuccess();
          p.release();
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    List<Long> sorted = new ArrayList<>(starts);
    Collections.sort(sorted);
    return sorted;
  }

  private static int peak(List<Long> sorted, long windowNanos) {
    int most = 0;
    for (int i = 0, j = 0; i < sorted.size(); i++) {
      while (sorted.get(i) - sorted.get(j) >= windowNanos) {
        j++;
      }
      most = Math.max(most, i - j + 1);
    }
    return most;
  }

  @Test
  void executorsOfReadsWithDifferentSettingsShareTheAccountsOneBudget() throws Exception {
    ClientConfig fixed = account(20, 1000);
    // the same account read with request_budget=auto (it would start at 60 per 1 s alone), from another executor
    ClientConfig auto = new ClientConfig(fixed.apiUrl(), fixed.authId(), "token", 2_000, 1_000, 0,
        ClientConfig.AUTO_BUDGET, 1000);
    try (PermitClient a = new PermitClient(server.endpoint(), fixed); PermitClient b = new PermitClient(server.endpoint(), auto)) {
      List<Long> starts = driveTogether(List.of(a, b), 10);
      assertThat(starts).hasSize(60);
      assertThat(peak(starts, 1_000_000_000L)).as("both reads' requests in any second").isLessThanOrEqualTo(20);
    }
    RequestBudget account = RequestBudget.of(BudgetKey.of(fixed.apiUrl(), fixed.authId()));
    assertThat(account.adaptive().limit()).as("auto did not grow past the fixed read's setting").isEqualTo(60);
  }

  @Test
  void executorsOfReadsWithDifferentWindowsHoldBothSettings() throws Exception {
    ClientConfig perSecond = account(20, 1000);
    ClientConfig perQuarter = new ClientConfig(perSecond.apiUrl(), perSecond.authId(), "token", 2_000, 1_000, 0, 8, 250);
    try (PermitClient a = new PermitClient(server.endpoint(), perSecond);
        PermitClient b = new PermitClient(server.endpoint(), perQuarter)) {
      List<Long> starts = driveTogether(List.of(a, b), 10);
      assertThat(starts).hasSize(60);
      assertThat(peak(starts, 1_000_000_000L)).as("in any second").isLessThanOrEqualTo(20);
      assertThat(peak(starts, 250_000_000L)).as("in any 250 ms").isLessThanOrEqualTo(8);
    }
  }
}
