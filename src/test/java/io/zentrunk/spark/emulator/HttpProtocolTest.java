package io.zentrunk.spark.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The hand-written HTTP/1.1 layer: keep-alive, pipelining, Connection: close, HTTP/1.0. */
class HttpProtocolTest {

  private static final String AUTH =
      Http.basic(EmulatorConfig.DEFAULT_AUTH_ID, EmulatorConfig.DEFAULT_AUTH_TOKEN);

  private static String get(String version, String extraHeader) {
    return "GET " + Http.listPath() + "?limit=1 " + version + "\r\nHost: x\r\nAuthorization: "
        + AUTH + "\r\n" + extraHeader + "\r\n";
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void pipelinedKeepAliveRequestsThenConnectionClose() throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder()
            .now(Instant.parse("2026-11-01T00:00:00Z")).rateLimitOff().build());
        Socket s = new Socket("127.0.0.1", api.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write((get("HTTP/1.1", "") + get("HTTP/1.1", "") + get("HTTP/1.1", "Connection: close\r\n"))
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // readAllBytes returns only because the server closes after the third answer
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(count(all, "HTTP/1.1 200 OK\r\n")).isEqualTo(3);
      assertThat(count(all, "Content-Length: ")).isEqualTo(3);
      assertThat(count(all, "Connection: close\r\n")).isEqualTo(1);
      assertThat(api.stats().listRequests()).isEqualTo(3);
      assertThat(api.stats().connections()).isEqualTo(1);
    }
  }

  @Test
  void http10ClosesAfterTheAnswerAndAStallEndsWhenTheClientLeaves() throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder()
        .now(Instant.parse("2026-11-01T00:00:00Z")).rateLimitOff().build())) {
      try (Socket s = new Socket("127.0.0.1", api.port())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(get("HTTP/1.0", "").getBytes(StandardCharsets.US_ASCII));
        String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(all).startsWith("HTTP/1.1 200 OK").contains("Connection: close");
      }
      api.setFaults(Faults.builder().stall(1.0).stallDuration(Duration.ofSeconds(30)).build());
      long t0 = System.nanoTime();
      try (Socket s = new Socket("127.0.0.1", api.port())) {
        s.setSoTimeout(300);
        s.getOutputStream().write(get("HTTP/1.1", "").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        org.assertj.core.api.Assertions.assertThatThrownBy(in::read)
            .isInstanceOf(java.net.SocketTimeoutException.class);
      }
      assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
      assertThat(api.stats().stalls()).isEqualTo(1);
      // a stall ends after stallDuration with a close, never with an answer
      api.setFaults(Faults.builder().stall(1.0).stallDuration(Duration.ofMillis(200)).build());
      try (Socket s = new Socket("127.0.0.1", api.port())) {
        s.setSoTimeout(5_000);
        s.getOutputStream().write(get("HTTP/1.1", "").getBytes(StandardCharsets.US_ASCII));
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
    }
  }
}
