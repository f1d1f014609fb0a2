package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.testing.DocumentedBlocks;
import io.zentrunk.spark.testing.DocumentedBlocks.Block;
import io.zentrunk.spark.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java and SQL blocks of the README and the site that are marked {@code <!-- run by: } this file {@code -->},
 * run as written against the emulator: the Java block compiled into a method that is given the session, the SQL
 * block statement by statement (a {@code -- key=value} comment line is the session setting it names). Where a reader
 * has credentials in the environment, the session here has the emulator's as the source's session settings
 * ({@code spark.datasource.zentrunk.*}, {@code spark.sql.catalog.zentrunk.*}). What each prints or returns is
 * compared with the emulator's ground truth.
 */
class DocumentedExamplesIT {

  static final String RUNNER = "src/test/java/io/zentrunk/spark/jobs/DocumentedExamplesIT.java";
  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  // the window every block reads: 2026-10-01 to 2026-10-08
  static final Instant FROM = Instant.parse("2026-10-01T00:00:00Z");
  static final Instant TO = Instant.parse("2026-10-08T00:00:00Z");

  static ZentrunkEmulator api;
  static SparkSession spark;
  static List<EmulatedCall> truth;

  @BeforeAll
  static void start() {
    api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(42).callsPerDay(600).now(NOW).rateLimitOff().build());
    // the test JVM's shared context (TestSpark), in a session of its own: no Spark start-up of this test's own
    spark = TestSpark.session().newSession();
    Map<String, String> site = Map.of("api_url", api.baseUrl(), "auth_id", api.config().authId(),
        "auth_token", api.config().authToken(), "now", NOW.toString(), "request_budget", "100000");
    site.forEach((k, v) -> {
      spark.conf().set("spark.datasource.zentrunk." + k, v);
      spark.conf().set("spark.sql.catalog.zentrunk." + k, v);
    });
    truth = api.groundTruth(FROM, TO);
    assertThat(truth).hasSizeGreaterThan(3_000);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  static List<Block> blocks(String language) {
    List<Block> b = DocumentedBlocks.runBy(RUNNER).stream().filter(x -> x.language().equals(language))
        .filter(x -> !x.text().contains("readStream()")).toList();
    assertThat(b).as(language + " blocks marked as run by this test (the README's and the reading page's)")
        .extracting(Block::page).contains("README.md", "docs/reading.md");
    return b;
  }

  @Test
  void theJavaBlockPrintsTheOutboundCallsOverAMinuteByCountryOfTheGroundTruth(@TempDir Path tmp) throws Exception {
    Map<String, Long> expected = truth.stream()
        .filter(c -> "outbound".equals(c.callDirection()) && c.billDuration() > 60)
        .collect(Collectors.groupingBy(c -> Objects.toString(c.toCountry(), "NULL"), Collectors.counting()));
    // the same text on several pages is run once
    for (String text : blocks("java").stream().map(Block::text).distinct().toList()) {
      String out = printed(() -> runJava(tmp, text));
      Map<String, Long> shown = shownTable(out, "to_country", "count");
      assertThat(shown).as("rows that show() printed").isNotEmpty().hasSize(Math.min(20, expected.size()));
      shown.forEach((country, n) -> assertThat(n).as(country).isEqualTo(expected.get(country)));
    }
  }

  @Test
  void theSqlBlockCountsHangupCausesOfTheGroundTruthAndItsViewReadsTheWindow() {
    Map<String, Long> expected = truth.stream()
        .collect(Collectors.groupingBy(c -> Objects.toString(c.hangupCauseName(), "NULL"), Collectors.counting()));
    for (String text : blocks("sql").stream().map(Block::text).distinct().toList()) {
      List<Row> last = runSql(text);
      Map<String, Long> got = new LinkedHashMap<>();
      for (Row r : last) {
        got.put(Objects.toString(r.get(0), "NULL"), r.getLong(1));
      }
      assertThat(got).isEqualTo(expected);
      assertThat(new ArrayList<>(got.values())).as("ORDER BY 2 DESC")
          .isSortedAccordingTo((x, y) -> Long.compare(y, x));
      assertThat(spark.table("calls").count()).as("the block's view").isEqualTo(truth.size());
      spark.catalog().dropTempView("calls");
    }
  }

  /**
   * The streaming page's Java block, as written but for its paths under /data/zentrunk (here a temporary directory)
   * and with the reader's Iceberg catalog {@code lake} a Hadoop catalog there. Its query runs until stopped (a trigger
   * a minute), so the test takes it from the session's active queries once the block has started it, waits until its
   * first batch has written the window, and stops it: each outbound CDR of the window in the table once.
   */
  @Test
  void theStreamingBlockWritesEachOutboundCallOfItsWindowToTheIcebergTableOnce(@TempDir Path tmp) throws Exception {
    List<String> texts = DocumentedBlocks.runBy(RUNNER).stream()
        .filter(b -> b.language().equals("java") && b.text().contains("readStream()"))
        .map(Block::text).distinct().toList();
    assertThat(texts).as("the streaming page's Java block").hasSize(1);
    String text = texts.get(0);
    assertThat(text).contains("/data/zentrunk/", "\"2026-10-27 00:00\"", "\"10 minutes\"", "lake.zentrunk.calls_live");
    // a catalog is looked up in the active session's settings: this test's session, not the shared default one
    scala.Option<SparkSession> before = SparkSession.getActiveSession();
    SparkSession.setActiveSession(spark);
    spark.conf().set("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set("spark.sql.catalog.lake.type", "hadoop");
    spark.conf().set("spark.sql.catalog.lake.warehouse", tmp.resolve("warehouse").toString());
    assertThat(spark.streams().active()).as("no query before the block").isEmpty();
    try {
      runStreamingBlock(tmp, text);
    } finally {
      // the thread's session as it was: a thread without one resolves catalogs with Spark's defaults
      if (before.isDefined()) {
        SparkSession.setActiveSession(before.get());
      } else {
        SparkSession.clearActiveSession();
      }
    }
  }

  void runStreamingBlock(Path tmp, String text) throws Exception {
    // its first batch reads the whole window (far under max_requests_per_trigger); the next trigger is a minute later
    java.util.concurrent.CountDownLatch firstBatch = new java.util.concurrent.CountDownLatch(1);
    org.apache.spark.sql.streaming.StreamingQueryListener listener =
        new org.apache.spark.sql.streaming.StreamingQueryListener() {
          @Override
          public void onQueryStarted(QueryStartedEvent event) {}

          @Override
          public void onQueryProgress(QueryProgressEvent event) {
            if (event.progress().numInputRows() > 0) {
              firstBatch.countDown();
            }
          }

          @Override
          public void onQueryTerminated(QueryTerminatedEvent event) {
            firstBatch.countDown();
          }
        };
    spark.streams().addListener(listener);
    org.apache.spark.sql.streaming.StreamingQuery[] started;
    try {
      runJava(tmp, text.replace("/data/zentrunk/", tmp + "/"));
      started = spark.streams().active();
      assertThat(started).as("the query the block started").hasSize(1);
      try {
        assertThat(firstBatch.await(3, java.util.concurrent.TimeUnit.MINUTES)).as("its first batch ended").isTrue();
        assertThat(started[0].exception().isEmpty()).as("the query failed: " + started[0].exception()).isTrue();
      } finally {
        started[0].stop();
      }
    } finally {
      spark.streams().removeListener(listener);
    }
    List<String> written = spark.table("lake.zentrunk.calls_live").select("call_uuid", "end_time").collectAsList()
        .stream().map(r -> r.getString(0) + " " + r.get(1)).toList();
    assertThat(written).as("no CDR written twice").doesNotHaveDuplicates();
    // the stream stays `lag` behind the API's clock (NOW); before the last hour no CDR can still be arriving late
    Instant start = Instant.parse("2026-10-27T00:00:00Z");
    Instant settled = NOW.minus(java.time.Duration.ofHours(1));
    List<String> expected = api.groundTruth(start, settled).stream()
        .filter(c -> "outbound".equals(c.callDirection())).map(EmulatedCall::callUuid).sorted().toList();
    assertThat(expected).hasSizeGreaterThan(500);
    List<String> uuids = spark.table("lake.zentrunk.calls_live")
        .where(org.apache.spark.sql.functions.col("end_time").lt(java.sql.Timestamp.from(settled)))
        .select("call_uuid").collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    assertThat(uuids).as("the outbound CDRs of the window's settled part").isEqualTo(expected);
    java.util.Set<String> window = api.groundTruth(start, NOW).stream()
        .filter(c -> "outbound".equals(c.callDirection())).map(EmulatedCall::callUuid)
        .collect(Collectors.toSet());
    assertThat(spark.table("lake.zentrunk.calls_live").select("call_uuid").collectAsList())
        .as("every row an outbound CDR of the window").allMatch(r -> window.contains(r.getString(0)));
  }

  /** Runs the statements of a SQL block; returns the rows of the last one. */
  static List<Row> runSql(String text) {
    List<Row> last = List.of();
    StringBuilder stmt = new StringBuilder();
    for (String line : text.split("\n")) {
      String t = line.trim();
      if (t.startsWith("--")) {
        String c = t.substring(2).trim();
        if (c.matches("spark\\.[A-Za-z0-9_.]+=\\S+")) {
          spark.conf().set(c.substring(0, c.indexOf('=')), c.substring(c.indexOf('=') + 1));
        }
        continue;
      }
      stmt.append(line).append('\n');
      if (t.endsWith(";")) {
        String s = stmt.toString().trim();
        last = spark.sql(s.substring(0, s.length() - 1)).collectAsList();
        stmt.setLength(0);
      }
    }
    assertThat(stmt.toString().trim()).as("a statement without ';'").isEmpty();
    return last;
  }

  /** Compiles the block as the body of a method given {@code spark}, with a reader's imports, and runs it. */
  static void runJava(Path dir, String block) {
    try {
      String name = "DocumentedExample";
      String source = "import java.util.*;\nimport org.apache.spark.sql.*;\nimport org.apache.spark.sql.streaming.*;\n"
          + "import io.zentrunk.spark.source.*;\npublic class " + name + " {\n"
          + "  public static void run(SparkSession spark) throws Exception {\n" + block + "\n  }\n}\n";
      Path src = dir.resolve(name + ".java");
      Files.writeString(src, source);
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int rc = javac.run(null, null, err, "-proc:none", "-implicit:none", "-classpath",
          System.getProperty("java.class.path"), "-d", dir.toString(), src.toString());
      assertThat(rc).as("javac of the block:\n" + err.toString(StandardCharsets.UTF_8)).isZero();
      try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()},
          DocumentedExamplesIT.class.getClassLoader())) {
        cl.loadClass(name).getMethod("run", SparkSession.class).invoke(null, spark);
      }
    } catch (Exception e) {
      throw new AssertionError("the block failed: " + e, e);
    }
  }

  /** What {@code body} printed through Scala's Console (where Dataset.show prints) and System.out. */
  static String printed(Runnable body) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
    PrintStream old = System.out;
    System.setOut(ps);
    try {
      scala.Console.withOut(ps, new scala.runtime.AbstractFunction0<Object>() {
        @Override
        public Object apply() {
          body.run();
          return null;
        }
      });
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    old.print(out);
    return out;
  }

  /** The rows of the table show() printed under the header |key|value|, as key -> value. */
  static Map<String, Long> shownTable(String out, String key, String value) {
    Function<String, List<String>> cells = l -> List.of(l.substring(1, l.length() - 1).split("\\|", -1)).stream()
        .map(String::trim).toList();
    List<String> lines = out.lines().toList();
    int header = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("|") && cells.apply(lines.get(i)).equals(List.of(key, value))) {
        header = i;
      }
    }
    assertThat(header).as("show()'s header |" + key + "|" + value + "| in:\n" + out).isGreaterThanOrEqualTo(0);
    Map<String, Long> rows = new LinkedHashMap<>();
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      List<String> c = cells.apply(lines.get(i));
      rows.put(c.get(0), Long.parseLong(c.get(1)));
    }
    return rows;
  }
}
