package io.zentrunk.spark.emulator;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server over a plain {@link ServerSocket}: one thread per connection (so a
 * latency sleep or a stall never blocks other clients), keep-alive, Content-Length on every
 * response. Written by hand because the faults need control of the socket: a reset is a close
 * with SO_LINGER 0, a truncated body is a short write then a close, a stall is silence.
 */
final class MiniHttpServer implements Closeable {

  /** A parsed request line and headers (header names in lower case). */
  record Request(String method, String path, String rawQuery, Map<String, String> headers) {}

  interface Handler {
    HttpReply handle(Request request);

    /** The time the answers' Date header states: the server's clock (the emulator's, which tests move or speed up). */
    default java.time.Instant now() {
      return java.time.Instant.now();
    }
  }

  private static final int IDLE_TIMEOUT_MS = 60_000;
  private static final int MAX_LINE = 16 * 1024;

  private final ServerSocket server;
  private final Handler handler;
  private final ExecutorService pool;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Runnable onConnection;
  private volatile boolean closed;

  MiniHttpServer(String host, int port, Handler handler, Runnable onConnection) throws IOException {
    this.handler = handler;
    this.onConnection = onConnection;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 512);
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "zentrunk-emulator-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.execute(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        open.add(s);
        onConnection.run();
        pool.execute(() -> serve(s));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      } catch (RuntimeException e) { // pool shut down while accepting
        return;
      }
    }
  }

/** One request read off a connection, and whether the connection stays open after its answer. */
  private record Incoming(Request request, boolean keepAlive) {}

  private void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      s.setSoTimeout(IDLE_TIMEOUT_MS);
      InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
      OutputStream out = s.getOutputStream();
      while (!closed) {
        String line = readLine(in);
        if (line == null) {
          return;
        }
        if (line.isEmpty()) {
          continue;
        }
        Incoming req = readRequest(line, in, out);
        if (req == null || !answer(s, in, out, req)) {
          return;
        }
      }
    } catch (IOException e) {
      // client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(s);
    }
  }

  /** The request after its request line, or null (after a 400 where one is due) to close the connection. */
  private Incoming readRequest(String line, InputStream in, OutputStream out)
      throws IOException {
    String[] parts = line.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
      write(out, HttpReply.json(400, "{\"error\":\"malformed request line\"}"), false, date());
      return null;
    }
    Map<String, String> headers = readHeaders(in);
    if (headers == null) {
      return null;
    }
    String cl = headers.get("content-length");
    if (cl != null) {
      try {
        in.skipNBytes(Long.parseLong(cl));
      } catch (NumberFormatException e) {
        write(out, HttpReply.json(400, "{\"error\":\"bad Content-Length\"}"), false, date());
        return null;
      }
    }
    String conn = headers.getOrDefault("connection", "");
    boolean keepAlive =
        parts[2].equals("HTTP/1.1")
            ? !conn.equalsIgnoreCase("close")
            : conn.equalsIgnoreCase("keep-alive");
    String target = parts[1];
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? null : target.substring(q + 1);
    return new Incoming(new Request(parts[0], path, query, headers), keepAlive);
  }

  /** Header names in lower case, or null at end of stream or past 100 headers. */
  private static Map<String, String> readHeaders(InputStream in) throws IOException {
    Map<String, String> headers = new HashMap<>();
    String h;
    int count = 0;
    while ((h = readLine(in)) != null && !h.isEmpty()) {
      if (++count > 100) {
        return null;
      }
      int c = h.indexOf(':');
      if (c > 0) {
        headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
      }
    }
    return h == null ? null : headers;
  }

  /** Answers one request, or injects its fault; true if the connection serves the next request. */
  private boolean answer(Socket s, InputStream in, OutputStream out, Incoming req)
      throws IOException, InterruptedException {
    HttpReply r = handler.handle(req.request());
    if (r.delayNanos() > 0) {
      TimeUnit.NANOSECONDS.sleep(r.delayNanos());
    }
    switch (r.action()) {
      case RESET -> {
        s.setSoLinger(true, 0);
        return false; // serve's try-with-resources closes: RST
      }
      case STALL -> {
        stall(s, in, r.stallNanos());
        return false;
      }
      case TRUNCATE -> {
        writeTruncated(out, r, date());
        return false;
      }
      default -> {
        write(out, r, req.keepAlive(), date());
        return req.keepAlive();
      }
    }
  }

  private void stall(Socket s, InputStream in, long nanos) throws IOException {
    long deadline = System.nanoTime() + nanos;
    while (!closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
      try {
        if (in.read() < 0) {
          return; // client closed
        }
      } catch (SocketTimeoutException e) {
        // loop re-checks the deadline
      } catch (SocketException e) {
        return;
      }
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  /** The Date header's value (RFC 1123, whole seconds) at the handler's clock. */
  private String date() {
    return java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(handler.now().atOffset(java.time.ZoneOffset.UTC));
  }

  private static byte[] head(HttpReply r, int contentLength, boolean keepAlive, String date) {
    StringBuilder sb = new StringBuilder(160);
    sb.append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n")
        .append("Date: ").append(date).append("\r\n")
        .append("Content-Type: ").append(r.contentType()).append("\r\n")
        .append("Content-Length: ").append(contentLength).append("\r\n");
    if (r.retryAfter() != null) {
      sb.append("Retry-After: ").append(r.retryAfter()).append("\r\n");
    }
    if (r.status() == 401) {
      sb.append("WWW-Authenticate: Basic realm=\"Zentrunk\"\r\n");
    }
    if (r.status() == 405) {
      sb.append("Allow: GET\r\n");
    }
    if (!keepAlive) {
      sb.append("Connection: close\r\n");
    }
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void write(OutputStream out, HttpReply r, boolean keepAlive, String date)
      throws IOException {
    byte[] h = head(r, r.body().length, keepAlive, date);
    byte[] all = new byte[h.length + r.body().length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(r.body(), 0, all, h.length, r.body().length);
    out.write(all);
    out.flush();
  }

  private static void writeTruncated(OutputStream out, HttpReply r, String date) throws IOException {
    out.write(head(r, r.body().length, true, date));
    out.write(r.body(), 0, r.body().length / 2);
    out.flush();
  }

  /** Reads one line (without CR LF) as ISO-8859-1, or null at end of stream. */
  private static String readLine(InputStream in) throws IOException {
    byte[] buf = LINE.get();
    int n = 0;
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        if (n > 0 && buf[n - 1] == '\r') {
          n--;
        }
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      }
      if (n == buf.length) {
        throw new IOException("line too long");
      }
      buf[n++] = (byte) c;
    }
    return null;
  }

  private static final ThreadLocal<byte[]> LINE = ThreadLocal.withInitial(() -> new byte[MAX_LINE]);

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // ignore
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // ignore
      }
    }
    pool.shutdownNow();
  }
}
