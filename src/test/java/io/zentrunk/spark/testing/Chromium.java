package io.zentrunk.spark.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium, driven over the Chrome DevTools Protocol with the JDK's WebSocket client: what a
 * WebDriver does, without a driver whose version must match the browser's. It records every request the page
 * makes ({@code Network.requestWillBeSent}), every console message and uncaught exception
 * ({@code Runtime.consoleAPICalled}, {@code Runtime.exceptionThrown}) and every browser log entry
 * ({@code Log.entryAdded}: CSP violations, failed loads), evaluates script in the page and takes screenshots.
 */
public final class Chromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<JsonNode>> waiters = new CopyOnWriteArrayList<>();
  private final List<String> waitingFor = new CopyOnWriteArrayList<>();

  /** The browser's binary: {@code -Dchromium=PATH}, else {@code chromium} on the PATH. */
  public static String binary() {
    String b = System.getProperty("chromium");
    if (b != null) {
      return b;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, "chromium");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException("no chromium on the PATH: jobs/test installs Debian's chromium (apt-get install chromium)");
  }

  /** Starts a headless browser with a fresh profile and attaches to its first page. */
  public static Chromium start(Path workDir) throws Exception {
    Path profile = Files.createTempDirectory(workDir, "chromium-profile");
    Process p = new ProcessBuilder(binary(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile, "--window-size=1280,900",
        "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      String browserWs = listening(p);
      URI u = URI.create(browserWs);
      HttpClient http = HttpClient.newHttpClient();
      String list = http.send(HttpRequest.newBuilder(URI.create("http://" + u.getHost() + ":" + u.getPort() + "/json/list"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
      String pageWs = null;
      for (JsonNode t : JSON.readTree(list)) {
        if (t.path("type").asText().equals("page")) {
          pageWs = t.path("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (pageWs == null) {
        throw new IllegalStateException("chromium has no page target: " + list);
      }
      return new Chromium(p, profile, http, pageWs);
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** Reads the browser's stderr until it says where DevTools listen (then keeps draining it). */
  private static String listening(Process p) throws Exception {
    BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> url = new CompletableFuture<>();
    StringBuilder seen = new StringBuilder();
    Thread t = new Thread(() -> {
      try {
        String line;
        while ((line = err.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            url.complete(m.group(1));
          } else if (!url.isDone() && seen.length() < 4000) {
            seen.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        // the browser is gone
      }
      url.completeExceptionally(new IllegalStateException("chromium exited before listening: " + seen));
    }, "chromium-stderr");
    t.setDaemon(true);
    t.start();
    return url.get(60, TimeUnit.SECONDS);
  }

  private Chromium(Process process, Path profile, HttpClient http, String pageWs) throws Exception {
    this.process = process;
    this.profile = profile;
    this.socket = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new WebSocket.Listener() {
      private final StringBuilder buf = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        buf.append(data);
        if (last) {
          receive(buf.toString());
          buf.setLength(0);
        }
        ws.request(1);
        return null;
      }
    }).get(30, TimeUnit.SECONDS);
    for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
      call(domain + ".enable", JSON.createObjectNode());
    }
  }

  private void receive(String text) {
    try {
      JsonNode m = JSON.readTree(text);
      if (m.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
        if (f != null) {
          if (m.has("error")) {
            f.completeExceptionally(new IllegalStateException("CDP error: " + m.get("error")));
          } else {
            f.complete(m.path("result"));
          }
        }
      } else {
        events.add(m);
        String method = m.path("method").asText();
        for (int i = 0; i < waitingFor.size(); i++) {
          if (waitingFor.get(i).equals(method)) {
            waiters.get(i).complete(m);
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends a DevTools command and waits for its result. */
  public JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params);
    socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
    return f.get(60, TimeUnit.SECONDS);
  }

  /** Opens {@code url} and waits for its load event. */
  public void open(String url) throws Exception {
    CompletableFuture<JsonNode> loaded = new CompletableFuture<>();
    waiters.add(loaded);
    waitingFor.add("Page.loadEventFired");
    JsonNode r = call("Page.navigate", JSON.createObjectNode().put("url", url));
    if (r.has("errorText")) {
      throw new IllegalStateException("cannot open " + url + ": " + r.get("errorText"));
    }
    loaded.get(60, TimeUnit.SECONDS);
  }

  /** Evaluates {@code expression} in the page; returns its value (JSON). */
  public JsonNode eval(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** A PNG of the whole page (up to {@code maxHeight} CSS pixels tall). */
  public void screenshot(Path png, int maxHeight) throws Exception {
    JsonNode size = call("Page.getLayoutMetrics", JSON.createObjectNode()).path("cssContentSize");
    ObjectNode clip = JSON.createObjectNode().put("x", 0).put("y", 0).put("width", size.path("width").asDouble())
        .put("height", Math.min(maxHeight, size.path("height").asDouble())).put("scale", 1);
    ObjectNode params = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
    params.set("clip", clip);
    String data = call("Page.captureScreenshot", params).path("data").asText();
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(data));
  }

  /** The URL of every request the page made, in order (the page itself first). */
  public List<String> requests() {
    List<String> out = new ArrayList<>();
    for (JsonNode e : events) {
      if (e.path("method").asText().equals("Network.requestWillBeSent")) {
        out.add(e.path("params").path("request").path("url").asText());
      }
    }
    return out;
  }

  /** Console messages of level error or warning, uncaught exceptions and browser log entries of level error. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    for (JsonNode e : events) {
      String method = e.path("method").asText();
      JsonNode p = e.path("params");
      switch (method) {
        case "Runtime.consoleAPICalled" -> {
          String type = p.path("type").asText();
          if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
            out.add("console." + type + ": " + p.path("args"));
          }
        }
        case "Runtime.exceptionThrown" -> out.add("exception: " + p.path("exceptionDetails"));
        case "Log.entryAdded" -> {
          String level = p.path("entry").path("level").asText();
          if (level.equals("error") || level.equals("warning")) {
            out.add("log." + level + ": " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
          }
        }
        case "Network.loadingFailed" -> out.add("failed load: " + p);
        default -> { }
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      socket.abort();
    } finally {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      deleteQuietly(profile);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover profile in the test's temp folder
    }
  }
}
