package io.zentrunk.spark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy (3.1, in-memory {@code transient} provider) as its own process on a free loopback port: an S3 endpoint
 * for the integration tests, with conditional writes ({@code If-None-Match: *} and {@code If-Match} on PUT answer
 * 412 when they do not hold). Measured: S3Proxy 2.6 and 2.7 ignore them; 3.1's {@code filesystem-nio2} provider
 * honours them but lists directory markers without a size, which S3A's recursive delete fails on (NPE); its
 * {@code filesystem} provider fails plain PUTs; {@code transient} does all of it. The jar is put in {@code target/s3proxy/} by the build (maven-dependency-plugin).
 * {@link #close()} kills the process tree and deletes the folder, also when start-up failed half way.
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String ACCESS_KEY = "local-identity";
  public static final String SECRET_KEY = "local-credential";

  private final Path dir;
  private final int port;
  private Process process;
  private final Thread reaper;

  private S3ProxyServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
    this.reaper = new Thread(this::stop, "s3proxy-reaper");
  }

  public static S3ProxyServer start() throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run 'mvn -o generate-test-resources' (the build copies it)");
    }
    Path dir = Files.createTempDirectory("s3proxy-");
    S3ProxyServer server = new S3ProxyServer(dir, freePort());
    try {
      server.launch(jar);
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void launch(Path jar) throws IOException, InterruptedException {
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=" + endpoint(),
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=transient",
        ""), StandardCharsets.UTF_8);
    Path log = dir.resolve("s3proxy.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toAbsolutePath().toString(), "--properties", props.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    Runtime.getRuntime().addShutdownHook(reaper);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not listen on port " + port + " within 60 s: "
              + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public void createBucket(String bucket) {
    try (S3Client s3 = S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  /** The Hadoop settings of S3A for this endpoint (what a user passes as spark.hadoop.fs.s3a.*). */
  public Map<String, String> s3aSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("fs.s3a.endpoint", endpoint());
    m.put("fs.s3a.path.style.access", "true");
    m.put("fs.s3a.connection.ssl.enabled", "false");
    m.put("fs.s3a.endpoint.region", "us-east-1");
    m.put("fs.s3a.access.key", ACCESS_KEY);
    m.put("fs.s3a.secret.key", SECRET_KEY);
    m.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    m.put("fs.s3a.committer.staging.tmp.path", dir.resolve("staging").toUri().toString());
    m.put("fs.s3a.buffer.dir", dir.resolve("buffer").toString());
    m.put("fs.s3a.attempts.maximum", "2");
    m.put("fs.s3a.retry.limit", "2");
    return m;
  }

  private synchronized void stop() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException | IllegalArgumentException alreadyGoneOrShuttingDown) {
      // nothing to remove
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
