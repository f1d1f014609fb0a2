package io.zentrunk.spark.emulator;

import static io.zentrunk.spark.emulator.Http.list;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Faults, rate limit, latency and request statistics. */
class EmulatorFaultsTest {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

  static EmulatorConfig.Builder base() {
    return EmulatorConfig.builder().seed(3).callsPerDay(2_000).now(NOW).rateLimitOff();
  }

  enum Outcome { OK, S500, S502, S503, RESET, TRUNCATED, TIMEOUT, OTHER }

  record Result(Outcome outcome, boolean html) {}

  static Result call(HttpClient client, ZentrunkEmulator api, Duration timeout) {
    HttpRequest req = Http.request(api.baseUrl() + Http.listPath() + "?limit=2",
        EmulatorConfig.DEFAULT_AUTH_ID, EmulatorConfig.DEFAULT_AUTH_TOKEN)
        .timeout(timeout).GET().build();
    try {
      HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
      boolean html = r.headers().firstValue("Content-Type").orElse("").startsWith("text/html");
      return switch (r.statusCode()) {
        case 200 -> {
          Http.JSON.readTree(r.body()); // must parse
          yield new Result(Outcome.OK, false);
        }
        case 500 -> new Result(Outcome.S500, html);
        case 502 -> new Result(Outcome.S502, html);
        case 503 -> new Result(Outcome.S503, html);
        default -> new Result(Outcome.OTHER, html);
      };
    } catch (HttpTimeoutException e) {
      return new Result(Outcome.TIMEOUT, false);
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage()) + " " + e.getClass().getName();
      if (m.contains("content-length") || m.contains("EOF") || m.contains("header parser")
          || m.contains("received")) {
        return new Result(Outcome.TRUNCATED, false);
      }
      return new Result(Outcome.RESET, false);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  static long count(List<Result> rs, Outcome o) {
    return rs.stream().filter(r -> r.outcome() == o).count();
  }

  @Test
  void http5xxFaultsHappenAtTheirRatesWithJsonOrHtmlBodies() {
    Faults f = Faults.builder().http500(0.1).http502(0.1).http503(0.1).htmlErrorShare(0.5).build();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(base().faults(f).build())) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<Result> rs = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        rs.add(call(client, api, Duration.ofSeconds(10)));
      }
      for (Outcome o : List.of(Outcome.S500, Outcome.S502, Outcome.S503)) {
        assertThat(count(rs, o)).as(o.name()).isBetween(60L, 140L);
      }
      assertThat(count(rs, Outcome.OK)).isBetween(620L, 780L);
      long errors = count(rs, Outcome.S500) + count(rs, Outcome.S502) + count(rs, Outcome.S503);
      long html = rs.stream().filter(Result::html).count();
      assertThat(html).isBetween((long) (errors * 0.35), (long) (errors * 0.65));
      EmulatorStats s = api.stats();
      assertThat(s.faultsInjected()).isEqualTo(errors);
      assertThat(s.status(500)).isEqualTo(count(rs, Outcome.S500));
      assertThat(s.status(200)).isEqualTo(count(rs, Outcome.OK));
      assertThat(s.requests()).isEqualTo(1000);
      assertThat(s.listRequests()).isEqualTo(1000);
      assertThat(s.rowsServed()).isEqualTo(2 * count(rs, Outcome.OK));
      // a JSON 5xx body carries api_id and error
      api.setFaults(Faults.builder().http503(1.0).htmlErrorShare(0).build());
      Http.Resp r = list(api);
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.json().has("api_id")).isTrue();
      assertThat(r.error()).isNotEmpty();
      api.setFaults(Faults.builder().http502(1.0).htmlErrorShare(1).build());
      assertThat(list(api).body()).startsWith("<html>").contains("502 Bad Gateway");
      api.setFaults(Faults.NONE);
      assertThat(list(api).status()).isEqualTo(200);
    }
  }

  @Test
  void connectionResetsAndTruncatedBodiesHappenAtTheirRates() {
    Faults f = Faults.builder().connectionReset(0.1).truncatedBody(0.1).build();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(base().faults(f).build())) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<Result> rs = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        rs.add(call(client, api, Duration.ofSeconds(10)));
      }
      EmulatorStats s = api.stats();
      // java.net.http retries an idempotent GET once when a reused connection dies before any
      // response byte, so the server can see more than 1000 requests: rates are per request seen
      long seen = s.requests();
      assertThat(seen).isBetween(1000L, 1200L);
      assertThat((double) s.connectionResets() / seen).isBetween(0.06, 0.14);
      assertThat((double) s.truncatedBodies() / seen).isBetween(0.06, 0.14);
      assertThat(count(rs, Outcome.OK)).isEqualTo(s.status(200) - s.truncatedBodies());
      assertThat(count(rs, Outcome.OK) + count(rs, Outcome.RESET) + count(rs, Outcome.TRUNCATED))
          .isEqualTo(1000);
      assertThat(count(rs, Outcome.RESET) + count(rs, Outcome.TRUNCATED)).isPositive();
      assertThat(count(rs, Outcome.OTHER)).isZero();
      assertThat(s.faultsInjected()).isEqualTo(s.connectionResets() + s.truncatedBodies());
    }
  }

  static String rawRequest(ZentrunkEmulator api) {
    return "GET " + Http.listPath() + "?limit=3 HTTP/1.1\r\nHost: x\r\nAuthorization: "
        + Http.basic(EmulatorConfig.DEFAULT_AUTH_ID, EmulatorConfig.DEFAULT_AUTH_TOKEN)
        + "\r\n\r\n";
  }

  @Test
  void aResetIsATcpResetAndATruncatedBodyIsShorterThanItsContentLength() throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(
        base().faults(Faults.builder().connectionReset(1.0).build()).build())) {
      try (java.net.Socket so = new java.net.Socket("127.0.0.1", api.port())) {
        so.getOutputStream().write(rawRequest(api).getBytes(StandardCharsets.US_ASCII));
        so.getOutputStream().flush();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> so.getInputStream().read())
            .isInstanceOf(java.net.SocketException.class).hasMessageContaining("reset");
      }
      api.setFaults(Faults.builder().truncatedBody(1.0).build());
      try (java.net.Socket so = new java.net.Socket("127.0.0.1", api.port())) {
        so.getOutputStream().write(rawRequest(api).getBytes(StandardCharsets.US_ASCII));
        so.getOutputStream().flush();
        byte[] all = so.getInputStream().readAllBytes();
        String text = new String(all, StandardCharsets.UTF_8);
        int sep = text.indexOf("\r\n\r\n");
        assertThat(text).startsWith("HTTP/1.1 200 ");
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("Content-Length: (\\d+)").matcher(text);
        assertThat(m.find()).isTrue();
        int declared = Integer.parseInt(m.group(1));
        int got = all.length - (sep + 4);
        assertThat(got).isPositive().isLessThan(declared);
      }
    }
  }

  @Test
  void stallsNeverAnswerAndHappenAtTheirRate() throws Exception {
    Faults f = Faults.builder().stall(0.1).stallDuration(Duration.ofSeconds(30)).build();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(base().faults(f).build())) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      // 16 clients x 25 requests, 0.5 s timeout: stalls overlap, slow-but-answered requests are rare
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(16);
      List<java.util.concurrent.Future<List<Result>>> fs = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        fs.add(pool.submit(() -> {
          List<Result> mine = new ArrayList<>();
          for (int i = 0; i < 25; i++) {
            mine.add(call(client, api, Duration.ofMillis(500)));
          }
          return mine;
        }));
      }
      List<Result> rs = new ArrayList<>();
      for (java.util.concurrent.Future<List<Result>> part : fs) {
        rs.addAll(part.get());
      }
      pool.shutdown();
      long timeouts = count(rs, Outcome.TIMEOUT);
      assertThat(timeouts).isBetween(24L, 56L).isEqualTo(api.stats().stalls());
      assertThat(count(rs, Outcome.OK)).isEqualTo(400 - timeouts);
    }
  }

  @Test
  void rateLimitAnswers429WithRetryAfterAndRefusalsUseNoBudget() throws Exception {
    // the limit's clock is the test's: 40 requests arrive at one instant however slow the machine is
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
    try (ZentrunkEmulator api = ZentrunkEmulator.start(
        base().rateLimit(30, Duration.ofSeconds(2)).rateClock(clock::get).build())) {
      List<Http.Resp> rs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        rs.add(list(api, "limit", "1"));
        clock.addAndGet(1_000_000L); // 1 ms apart: all 40 within 40 ms
      }
      assertThat(rs.subList(0, 30)).allMatch(r -> r.status() == 200);
      assertThat(rs.subList(30, 40)).allMatch(r -> r.status() == 429);
      Http.Resp limited = rs.get(35);
      assertThat(limited.error()).isEqualTo("Too Many Requests");
      assertThat(limited.json().get("api_id").asText()).matches("[0-9a-f-]{36}");
      assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1, 2);
      EmulatorStats s = api.stats();
      assertThat(s.status(429)).isEqualTo(10);
      assertThat(s.rateLimited()).isEqualTo(10);
      assertThat(s.peakRequestsPer5s()).isEqualTo(40);
      // after the window the full budget is back (the 429s used none of it)
      clock.addAndGet(2_100_000_000L);
      long ok = 0;
      for (int i = 0; i < 31; i++) {
        if (list(api, "limit", "1").status() == 200) {
          ok++;
        }
      }
      assertThat(ok).isEqualTo(30);
      assertThat(api.stats().peakRequestsPer5s()).isEqualTo(71);
      api.resetStats();
      assertThat(api.stats().peakRequestsPer5s()).isZero();
      assertThat(api.stats().requests()).isZero();
      // admin paths are not limited nor counted
      for (int i = 0; i < 5; i++) {
        assertThat(Http.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/_emulator/stats"))
            .GET().build()).status()).isEqualTo(200);
      }
      assertThat(api.stats().requests()).isZero();
      api.setRateLimitOff();
      for (int i = 0; i < 50; i++) {
        assertThat(list(api, "limit", "1").status()).isEqualTo(200);
      }
    }
  }

  @Test
  void defaultRateLimitIs300Per5sAndRetryAfterCanBeOff() throws Exception {
    // a clock that stands still: the 310 requests arrive within one window however loaded the machine is
    try (ZentrunkEmulator api = ZentrunkEmulator.start(
        EmulatorConfig.builder().now(NOW).callsPerDay(1000).retryAfter(false).rateClock(() -> 7_000_000_000L).build())) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
      List<java.util.concurrent.Future<Http.Resp>> fs = new ArrayList<>();
      for (int i = 0; i < 310; i++) {
        fs.add(pool.submit(() -> list(api, "limit", "1")));
      }
      int ok = 0;
      int limited = 0;
      Http.Resp last = null;
      for (java.util.concurrent.Future<Http.Resp> f : fs) {
        Http.Resp r = f.get();
        if (r.status() == 200) {
          ok++;
        } else if (r.status() == 429) {
          limited++;
          last = r;
        }
      }
      pool.shutdown();
      assertThat(ok).isEqualTo(300);
      assertThat(limited).isEqualTo(10);
      assertThat(last.headers().firstValue("Retry-After")).isEmpty();
      assertThat(api.stats().peakRequestsPer5s()).isEqualTo(310);
    }
  }

  @Test
  void latencyDelaysAnswersWithoutBlockingOtherConnections() throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(base().build())) {
      api.setLatency(Duration.ofMillis(200), Duration.ZERO);
      long t0 = System.nanoTime();
      assertThat(list(api).status()).isEqualTo(200);
      assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(200_000_000L);
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
      t0 = System.nanoTime();
      for (int i = 0; i < 8; i++) {
        fs.add(client.sendAsync(Http.request(api.baseUrl() + Http.listPath(),
            EmulatorConfig.DEFAULT_AUTH_ID, EmulatorConfig.DEFAULT_AUTH_TOKEN).GET().build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : fs) {
        assertThat(f.get().statusCode()).isEqualTo(200);
      }
      long elapsed = System.nanoTime() - t0;
      assertThat(elapsed).isBetween(200_000_000L, 1_000_000_000L);
      api.setLatency(Duration.ZERO, Duration.ZERO);
      t0 = System.nanoTime();
      list(api);
      assertThat(System.nanoTime() - t0).isLessThan(150_000_000L);
    }
  }
}
