package io.zentrunk.spark.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on loopback, built from the project's Maven jars: one master and
 * two workers ({@code --cores 1 --memory 1g}), each its own JVM, as {@code sbin/start-master.sh}
 * and {@code sbin/start-worker.sh} would start them. The workers launch executor JVMs from a
 * SPARK_HOME under {@code target/} (a {@code RELEASE} file and {@code jars/} linking the Spark
 * runtime jars listed in {@code target/spark-classpath.txt}, written by the build).
 *
 * <p>{@link #close()} destroys every process started here and its descendants (executors are
 * children of workers; a driver launched with {@link #start} too); a shutdown hook does the same
 * if the test JVM exits without closing.
 */
public final class StandaloneCluster implements AutoCloseable {

  /** The module flags of the pom's {@code spark.jvm.opens}, as this JVM got them. */
  public static final List<String> JVM_OPENS = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
      .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")).toList();

  private final Path root;
  private final Path sparkHome;
  private final Path logs;
  private int cores = 1;
  private final String classpath;
  private final List<Process> processes = new CopyOnWriteArrayList<>();
  private final Thread hook = new Thread(this::destroyAll, "standalone-cluster-cleanup");
  private final int masterPort;
  private final int masterUiPort;
  private final List<Integer> workerUiPorts = new CopyOnWriteArrayList<>();
  private final List<Process> workers = new CopyOnWriteArrayList<>();

  private StandaloneCluster(String name) throws IOException {
    this.root = Path.of("target", name).toAbsolutePath();
    Path cpFile = Path.of("target", "spark-classpath.txt");
    if (!Files.isRegularFile(cpFile)) {
      throw new IllegalStateException(cpFile + " is missing: run the build (mvn generate-test-resources) first");
    }
    this.classpath = Files.readString(cpFile).trim();
    this.sparkHome = this.root.resolve("spark-home");
    this.logs = Path.of("target", "cluster-logs", name).toAbsolutePath();
    Files.createDirectories(logs);
    buildSparkHome();
    this.masterPort = freePort();
    this.masterUiPort = freePort();
  }

  /**
   * Starts a master and {@code workers} workers (SPARK_HOME and work dirs under {@code target/<name>},
   * logs in {@code target/cluster-logs/<name>}) and waits until all registered.
   */
  public static StandaloneCluster start(String name, int workers) {
    return start(name, workers, 1);
  }

  /** As above, each worker offering {@code cores} task slots (for reads, which wait on the API, not on a CPU). */
  public static StandaloneCluster start(String name, int workers, int cores) {
    StandaloneCluster c = null;
    try {
      c = new StandaloneCluster(name);
      c.cores = cores;
      Runtime.getRuntime().addShutdownHook(c.hook);
      c.startMaster();
      for (int i = 0; i < workers; i++) {
        c.startWorker(i);
      }
      c.awaitWorkers(workers, Duration.ofSeconds(90));
      return c;
    } catch (IOException e) {
      if (c != null) {
        c.close();
      }
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      if (c != null) {
        c.close();
      }
      throw e;
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  public String masterUiUrl() {
    return "http://127.0.0.1:" + masterUiPort;
  }

  /** The workers' web UI ports (executor log URLs name them: which worker ran an executor). */
  public List<Integer> workerUiPorts() {
    return List.copyOf(workerUiPorts);
  }

  /** The Spark runtime classpath (for a spark-submit child JVM). */
  public String sparkClasspath() {
    return classpath;
  }

  public Path sparkHome() {
    return sparkHome;
  }

  public Path logs() {
    return logs;
  }

  /** The environment every cluster JVM gets. */
  public Map<String, String> environment() {
    return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1");
  }

  /**
   * Starts a JVM of {@code mainClass} with the Spark classpath, the module flags, the cluster's
   * environment plus {@code env}, output to {@code logs/<logName>.log}; it is destroyed on close.
   */
  public Process start(String logName, List<String> jvmArgs, String mainClass, List<String> args, Map<String, String> env)
      throws IOException {
    return start(logName, jvmArgs, mainClass, args, env, null);
  }

  /** As above, with {@code extraClasspath} (e.g. test classes) after the Spark jars. */
  public Process start(String logName, List<String> jvmArgs, String mainClass, List<String> args, Map<String, String> env,
      String extraClasspath) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(JVM_OPENS);
    cmd.add("-cp");
    cmd.add(extraClasspath == null ? classpath : classpath + java.io.File.pathSeparator + extraClasspath);
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(logs.resolve(logName + ".log").toFile());
    pb.environment().putAll(environment());
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private void startMaster() throws IOException {
    start("master", List.of("-Xmx256m"), "org.apache.spark.deploy.master.Master",
        List.of("--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort)),
        Map.of());
  }

  /** Starts one more worker (it registers with the master a few seconds later). */
  public synchronized void addWorker() {
    try {
      startWorker(workers.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills worker {@code i} and the executors it launched at once (SIGKILL), as a machine that fails. */
  public void killWorker(int i) {
    Process w = workers.get(i);
    List<ProcessHandle> tree = new ArrayList<>(w.descendants().toList());
    tree.add(w.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : tree) {
      h.onExit().join();
    }
  }

  /** The executor JVMs that worker {@code i} runs now (its children: a worker forks nothing else). */
  public List<ProcessHandle> executors(int i) {
    return workers.get(i).children().filter(ProcessHandle::isAlive).toList();
  }

  private void startWorker(int i) throws IOException {
    int ui = freePort();
    workerUiPorts.add(ui);
    Path work = root.resolve("worker-" + i);
    Files.createDirectories(work);
    workers.add(start("worker-" + i, List.of("-Xmx256m"), "org.apache.spark.deploy.worker.Worker",
        List.of("--host", "127.0.0.1", "--port", String.valueOf(freePort()), "--webui-port", String.valueOf(ui),
            "--cores", String.valueOf(cores), "--memory", "1g", "--work-dir", work.toString(), masterUrl()),
        Map.of()));
  }

  private void awaitWorkers(int n, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a cluster JVM exited with " + p.exitValue() + "; see " + logs);
        }
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(masterUiUrl() + "/json/"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        last = r.body();
        int alive = 0;
        for (JsonNode w : json.readTree(r.body()).path("workers")) {
          if ("ALIVE".equals(w.path("state").asText())) {
            alive++;
          }
        }
        if (alive >= n) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(300);
    }
    throw new IllegalStateException(n + " workers did not register in " + timeout + "; last master answer: " + last
        + "; logs in " + logs);
  }

  /** SPARK_HOME as the worker's executor launcher needs it: a RELEASE file and jars/. */
  private void buildSparkHome() throws IOException {
    Path jars = sparkHome.resolve("jars");
    Files.createDirectories(jars);
    Files.writeString(sparkHome.resolve("RELEASE"), "Spark (jars of the zentrunk-spark build) for tests\n");
    Set<String> names = new HashSet<>();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      Path jar = Path.of(entry);
      String name = jar.getFileName().toString();
      if (!name.endsWith(".jar") || !names.add(name)) {
        continue;
      }
      Path link = jars.resolve(name);
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, jar.toAbsolutePath());
      }
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Destroys every process started here, descendants first, and waits for them to exit. */
  @Override
  public void close() {
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // already in the hook
    }
  }

  private void destroyAll() {
    List<ProcessHandle> all = new ArrayList<>();
    for (Process p : processes) {
      p.descendants().forEach(all::add); // executors (children of workers), anything a driver forked
      all.add(p.toHandle());
    }
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle h : all) {
      long left = deadline - System.nanoTime();
      try {
        h.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
      } catch (Exception notYet) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : all) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  /** The processes started here that are still alive, with their descendants. */
  public List<ProcessHandle> alive() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process p : processes) {
      p.descendants().filter(ProcessHandle::isAlive).forEach(out::add);
      if (p.isAlive()) {
        out.add(p.toHandle());
      }
    }
    return out;
  }
}
