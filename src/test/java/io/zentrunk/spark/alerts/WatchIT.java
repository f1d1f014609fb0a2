package io.zentrunk.spark.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.StageMarkers;
import io.zentrunk.spark.testing.JobRunner;
import io.zentrunk.spark.testing.TestSpark;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/run watch} as users run it (spark-submit code path, a JVM of its own) against the emulator with an
 * accelerated clock: a burst injected at an emulated time T is alerted within the bound, once, with the ground
 * truth's figures; 24 emulated hours of the same traffic without a burst raise nothing; SIGKILLed right after it
 * wrote an alert and restarted, the alert is there exactly once; SIGTERM stops it between batches.
 */
class WatchIT {

  static final Instant T = Instant.parse("2026-10-28T12:00:00Z");
  static final int RATE = 10; // emulated seconds per real second
  static final Duration LAG = Duration.ofMinutes(2);
  static final int EVERY_SECONDS = 2;
  static final int BURST_MINUTES = 10;

  static ZentrunkEmulator emulator(long callsPerDay, boolean burst, Instant now) {
    EmulatorConfig.Builder b = EmulatorConfig.builder().seed(21).callsPerDay(callsPerDay).now(now).rateLimitOff();
    if (burst) {
      b.burst(T, BURST_MINUTES, "CU", 100);
    }
    return ZentrunkEmulator.start(b.build());
  }

  static Process watch(ZentrunkEmulator api, Path tmp, String log, List<String> jvm, String... more) throws Exception {
    return watch(api, tmp, log, EVERY_SECONDS, jvm, more);
  }

  static Process watch(ZentrunkEmulator api, Path tmp, String log, int every, List<String> jvm, String... more)
      throws Exception {
    return watch(api, tmp, log, every, jvm, Map.of(), more);
  }

  static Process watch(ZentrunkEmulator api, Path tmp, String log, int every, List<String> jvm, Map<String, String> env,
      String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("watch", "--api-url", api.baseUrl(), "--checkpoint", tmp.resolve("chk").toString(),
        "--alerts", tmp.resolve("alerts").toString(), "--every", every + " seconds", "--lag", "2 minutes",
        "--start", api.now().minus(Duration.ofMinutes(10)).toString()));
    args.addAll(List.of(more));
    List<String> j = new ArrayList<>(List.of("-D" + StageMarkers.DIR_PROPERTY + "=" + Files.createDirectories(tmp.resolve("stages"))));
    j.addAll(jvm);
    return JobRunner.submit(api, tmp.resolve(log), j, List.of(), env, args.toArray(String[]::new));
  }

  static void await(String what, Duration max, Process p, Path log, BooleanSupplier done) throws Exception {
    long until = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(p.isAlive()).as(what + ": the job ended early; its log:\n" + tail(log)).isTrue();
      assertThat(System.nanoTime()).as("waited " + max + " for " + what + "; the job's log:\n" + tail(log)).isLessThan(until);
      Thread.sleep(100);
    }
  }

  static String tail(Path log) throws Exception {
    List<String> l = Files.readAllLines(log);
    return String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
  }

  /**
   * The alerts raised (trigger rows) in the store: Parquet files appear there only when a write commits (Spark writes
   * under {@code _temporary}, which readers skip).
   */
  static List<Row> alerts(Path tmp) {
    return events(tmp, AlertStore.TRIGGER);
  }

  /** Whether the store holds a committed Parquet file (Spark moves them out of {@code _temporary} on commit). */
  static boolean stored(Path tmp) {
    try (var s = Files.list(tmp.resolve("alerts"))) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith(".parquet"));
    } catch (Exception e) {
      return false;
    }
  }

  static List<Row> events(Path tmp, String event) {
    Path a = tmp.resolve("alerts");
    if (!stored(tmp)) {
      return List.of();
    }
    return TestSpark.session().read().schema(AlertStore.SCHEMA).parquet(a.toString())
        .filter(org.apache.spark.sql.functions.col(AlertStore.EVENT).equalTo(event))
        .orderBy("batch", "kind", "destination").collectAsList();
  }

  /** The minutes judged, as the job's stop line says them. */
  static long minutesJudged(Path log) throws Exception {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("; (\\d+) minutes judged since the job started")
        .matcher(Files.readString(log));
    assertThat(m.find()).as("the stop line with the minutes judged; the log:\n" + tail(log)).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** A loopback webhook receiver that counts the POSTs it takes, by their status. */
  static final class Receiver implements AutoCloseable {
    final HttpServer server;
    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    final List<String> paths = new CopyOnWriteArrayList<>();

    Receiver() throws Exception {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/hook", ex -> {
        paths.add(ex.getRequestURI().getPath());
        bodies.add(new ObjectMapper().readTree(ex.getRequestBody().readAllBytes()));
        ex.sendResponseHeaders(200, -1);
        ex.close();
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The webhook flags that make the job POST here in Alertmanager's format, which {@link #triggers()} reads. */
    List<String> flags() {
      return List.of("--webhook", url(), "--webhook-format", "alertmanager");
    }

    /** "kind destination" of every firing alert POSTed, sorted. */
    List<String> triggers() {
      return bodies.stream().filter(b -> b.get("status").asText().equals("firing"))
          .map(b -> b.get("alerts").get(0).get("labels"))
          .map(l -> l.get("alertname").asText() + " " + l.get("destination").asText()).sorted().toList();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** The end of the stream's latest batch, from the offset log. */
  static Instant offset(Path chk) throws Exception {
    Path offsets = chk.resolve("offsets");
    if (!Files.isDirectory(offsets)) {
      return Instant.EPOCH;
    }
    long last;
    try (var s = Files.list(offsets)) {
      last = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).mapToLong(Long::parseLong).max().orElse(-1);
    }
    if (last < 0) {
      return Instant.EPOCH;
    }
    List<String> lines = Files.readAllLines(offsets.resolve(Long.toString(last)));
    return Instant.parse(new ObjectMapper().readTree(lines.get(lines.size() - 1)).get("end_time").asText());
  }

  /** The mean real seconds between the commits of the batches after the first {@code skip}. */
  static double meanCommitInterval(Path commits, long skip) throws Exception {
    List<Long> times;
    try (var s = Files.list(commits)) {
      times = s.filter(p -> p.getFileName().toString().matches("\\d+"))
          .sorted(java.util.Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString())))
          .skip(skip).map(p -> p.toFile().lastModified()).toList();
    }
    return times.size() < 2 ? 0 : (times.get(times.size() - 1) - times.get(0)) / 1000.0 / (times.size() - 1);
  }

  static long count(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d+")).count();
    }
  }

  static Instant instant(Object t) {
    return t instanceof java.sql.Timestamp s ? s.toInstant() : (Instant) t;
  }

  /** The alert's amount and calls as the ground truth has them: outbound calls to CU in its window. */
  static void matchesGroundTruth(ZentrunkEmulator api, Row alert) {
    Instant from = instant(alert.getAs("window_start"));
    Instant to = instant(alert.getAs("window_end"));
    List<EmulatedCall> cu = api.groundTruth(from, to).stream()
        .filter(c -> c.callDirection().equals("outbound") && c.toCountry().equals("CU")).toList();
    assertThat(alert.<Long>getAs("calls")).isEqualTo(cu.size());
    assertThat(alert.<BigDecimal>getAs("amount"))
        .isEqualByComparingTo(cu.stream().map(EmulatedCall::totalAmount).reduce(BigDecimal.ZERO, BigDecimal::add));
    assertThat(Duration.between(from, to)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aBurstAtAnEmulatedTimeIsAlertedWithinTheBoundOnceAndPostedToTheWebhook(@TempDir Path tmp) throws Exception {
    List<String> bodies = new CopyOnWriteArrayList<>();
    AtomicInteger posts = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      boolean fail = posts.incrementAndGet() == 1; // the first POST fails: the job retries
      if (!fail) {
        bodies.add(body);
      }
      ex.sendResponseHeaders(fail ? 503 : 200, -1);
      ex.close();
    });
    receiver.start();
    // the first batch reads to 4 emulated minutes before the burst (2 before now, the lag)
    try (ZentrunkEmulator api = emulator(2_000, true, T.minus(Duration.ofMinutes(2)))) {
      Process p = watch(api, tmp, "watch.log", List.of(),
          "--webhook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
      try {
        Path firstDone = tmp.resolve("stages").resolve(WatchBatch.STAGE_BATCH_DONE);
        await("the first batch", Duration.ofMinutes(2), p, tmp.resolve("watch.log"), () -> Files.exists(firstDone));
        long requestsAtStart = api.stats().requests();
        long batchesAtStart = count(tmp.resolve("chk/commits"));
        api.runClock(RATE);
        // the alert is in the store once its first Parquet file is (the store had none: nothing else raised or
        // resolved before the burst); read back below. Not polled with a Spark read: this JVM's query time is no
        // part of the job's detection delay
        await("the IRSF alert", Duration.ofMinutes(2), p, tmp.resolve("watch.log"), () -> stored(tmp));
        Instant seen = api.now();
        assertThat(alerts(tmp)).as("the store's first rows: the alert").hasSize(1);
        Duration delay = Duration.between(T, seen);
        // the bound from the settings alone: the burst's minutes, the lag, the next minute boundary, two triggers
        // (--every at the emulated clock's rate). A machine slower than the trigger cannot meet it: said, not widened.
        Duration trigger = Duration.ofSeconds((long) EVERY_SECONDS * RATE);
        Duration bound = Duration.ofMinutes(BURST_MINUTES).plus(LAG).plus(Duration.ofMinutes(1)).plus(trigger.multipliedBy(2));
        double interval = meanCommitInterval(tmp.resolve("chk/commits"), batchesAtStart);
        System.out.println("watch: detection delay " + delay.toSeconds() + " emulated s (burst at " + T + ", alert seen at "
            + seen + "; bound " + bound.toSeconds() + " s: the burst's " + BURST_MINUTES + " minutes + lag " + LAG.toSeconds()
            + " s + a minute boundary + two triggers of " + trigger.toSeconds() + " emulated s; batches came every "
            + String.format("%.1f", interval) + " real s against --every " + EVERY_SECONDS + " s)");
        assertThat(delay).as(interval > EVERY_SECONDS * 1.5
            ? "this machine could not keep up: a batch every " + String.format("%.1f", interval) + " real s against --every "
                + EVERY_SECONDS + " s, so the emulated clock outran the job; the bound is not widened for it"
            : "detection delay within the bound").isPositive().isLessThanOrEqualTo(bound);
        await("the webhook's POST", Duration.ofSeconds(30), p, tmp.resolve("watch.log"), () -> !bodies.isEmpty());
        // a few more batches while the burst keeps firing (it stays in the IRSF rule's hour): still one alert
        long batchesAtAlert = count(tmp.resolve("chk/commits"));
        await("3 more batches", Duration.ofMinutes(1), p, tmp.resolve("watch.log"), () -> {
          try {
            return count(tmp.resolve("chk/commits")) >= batchesAtAlert + 3;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        long batches = count(tmp.resolve("chk/commits")) - batchesAtStart;
        long requests = api.stats().requests() - requestsAtStart;
        System.out.printf("watch: steady state %d requests in %d batches (%.1f a batch, a batch every %.0f emulated s)%n",
            requests, batches, (double) requests / batches, meanCommitInterval(tmp.resolve("chk/commits"), batchesAtStart) * RATE);
        p.destroy(); // SIGTERM: stops between batches
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("SIGTERM stops the job; its log:\n" + tail(tmp.resolve("watch.log")))
            .isTrue();
        assertThat(tmp.resolve("stages").resolve("watch-stopped")).exists();
        assertThat(Files.readString(tmp.resolve("watch.log"))).contains("watch: stopped between batches");
      } finally {
        p.destroyForcibly();
        receiver.stop(0);
      }
      List<Row> got = alerts(tmp);
      assertThat(got).hasSize(1);
      Row a = got.get(0);
      assertThat(a.<String>getAs("kind") + " " + a.getAs("destination")).isEqualTo("irsf CU");
      matchesGroundTruth(api, a);
      assertThat(Files.readString(tmp.resolve("watch.log"))).containsOnlyOnce("watch: ALERT irsf CU");
      // one delivered POST per alert (after one refused attempt), with its id and no credential
      assertThat(posts.get()).isEqualTo(2);
      assertThat(bodies).hasSize(1);
      JsonNode body = new ObjectMapper().readTree(bodies.get(0));
      // a loopback receiver gets Slack's body (the format detected from the host): the line, with the alert id
      assertThat(body.get("text").asText()).startsWith("ALERT irsf CU [").contains(a.<String>getAs("reason"))
          .endsWith("(alert " + a.<String>getAs("alert_id") + ")");
      assertThat(bodies.get(0)).doesNotContain(api.config().authToken());
    }
  }

  @Test
  void theSameTrafficWithoutABurstRaisesNothingFor24EmulatedHours(@TempDir Path tmp) throws Exception {
    Instant start = Instant.parse("2026-10-28T00:30:00Z");
    try (ZentrunkEmulator api = emulator(10_000, false, start)) {
      Instant streamStart = api.now().minus(Duration.ofMinutes(10));
      Process p = watch(api, tmp, "watch.log", 3, List.of());
      try {
        await("the first batch", Duration.ofMinutes(2), p, tmp.resolve("watch.log"),
            () -> Files.exists(tmp.resolve("stages").resolve(WatchBatch.STAGE_BATCH_DONE)));
        long requestsAtStart = api.stats().requests();
        api.runClock(2_880); // an emulated day in half a minute: a batch judges a few hours
        await("24 emulated hours", Duration.ofMinutes(3), p, tmp.resolve("watch.log"), () -> {
          try {
            return !offset(tmp.resolve("chk")).isBefore(start.plus(Duration.ofHours(24)));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        api.runClock(0); // the clock stops: the batch in flight is the last
        await("the last batch", Duration.ofMinutes(1), p, tmp.resolve("watch.log"), () -> {
          try {
            return count(tmp.resolve("chk/commits")) == count(tmp.resolve("chk/offsets"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        System.out.println("watch: 24 emulated hours of 10,000 calls a day in " + count(tmp.resolve("chk/commits"))
            + " batches: " + api.stats().requests() + " requests, " + requestsAtStart
            + " of them before the clock ran (the first batch and the day's IRSF baseline: 7 days of outbound CDRs)");
        assertThat(Files.readString(tmp.resolve("watch.log")))
            .contains("the IRSF baseline of 2026-10-28", "the IRSF baseline of 2026-10-29").doesNotContain("watch: ALERT");
        assertThat(alerts(tmp)).isEmpty();
        Instant last = offset(tmp.resolve("chk"));
        p.destroy();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("SIGTERM stops the job; its log:\n" + tail(tmp.resolve("watch.log")))
            .isTrue();
        // every minute boundary from the stream's start to the last batch's end judged once: at least the 1,440 of
        // 24 hours
        long expected = Math.floorDiv(last.getEpochSecond(), 60) - Math.floorDiv(streamStart.getEpochSecond(), 60);
        assertThat(minutesJudged(tmp.resolve("watch.log"))).isEqualTo(expected).isGreaterThanOrEqualTo(1_440);
      } finally {
        p.destroyForcibly();
      }
    }
  }

  /** A PagerDuty routing key and a secret URL path: neither may appear in any output of the job. */
  static final String ROUTING_KEY = "R0UTINGKEY0123456789abcdefabcdef";
  static final String SECRET_PATH = "s3cr3t-path-0123456789";

  @Test
  void killedRightAfterWritingAnAlertAndRestartedTheAlertIsThereExactlyOnceAndPagerDutyGetsTriggerThenResolve(
      @TempDir Path tmp) throws Exception {
    // the job starts 4 emulated minutes into the burst: its first batch, which reads to 2 minutes (the lag) before
    // now, holds the burst's first minutes and writes the alert (the clock need not run through them)
    try (ZentrunkEmulator api = emulator(2_000, true, T.plus(Duration.ofMinutes(4))); Receiver hook = new Receiver()) {
      Path stages = tmp.resolve("stages");
      Map<String, String> env = Map.of(Webhook.ENV_PAGERDUTY_ROUTING_KEY, ROUTING_KEY);
      String[] pagerDuty = {"--webhook", hook.url() + "/" + SECRET_PATH, "--webhook-format", "pagerduty"};
      Process p = watch(api, tmp, "watch1.log", EVERY_SECONDS,
          List.of("-D" + StageMarkers.PAUSE_PROPERTY + "=" + WatchBatch.STAGE_ALERTS_WRITTEN), env, pagerDuty);
      long killedBatch;
      try {
        Path written = stages.resolve(WatchBatch.STAGE_ALERTS_WRITTEN);
        await("an alert written", Duration.ofMinutes(3), p, tmp.resolve("watch1.log"), () -> Files.exists(written));
        // the job is paused right after writing the alert rows: before printing, posting and Spark's commit
        assertThat(p.isAlive()).isTrue();
        assertThat(Files.readString(written).split(" ")[0]).isEqualTo(Long.toString(p.pid()));
        killedBatch = count(tmp.resolve("chk/offsets")) - 1;
        p.destroyForcibly().waitFor(); // SIGKILL
      } finally {
        p.destroyForcibly();
      }
      assertThat(tmp.resolve("chk/commits/" + killedBatch)).as("the killed batch was not committed").doesNotExist();
      assertThat(alerts(tmp)).hasSize(1);
      assertThat(Files.readString(tmp.resolve("watch1.log"))).doesNotContain("watch: ALERT");

      assertThat(hook.bodies).as("killed before its POST").isEmpty();
      Process q = watch(api, tmp, "watch2.log", EVERY_SECONDS, List.of(), env, pagerDuty);
      try {
        // the restart replays the killed batch (the clock stopped: its offsets, nothing newer) and commits it
        await("the killed batch replayed", Duration.ofMinutes(3), q, tmp.resolve("watch2.log"),
            () -> Files.exists(tmp.resolve("chk/commits/" + killedBatch)));
        // the burst leaves the IRSF rule's hour: the first judged minute after the alert's window where it no longer
        // holds resolves it (an emulated hour at 120 emulated seconds a real second: a batch judges a few minutes)
        api.runClock(120);
        await("PagerDuty's resolves", Duration.ofMinutes(3), q, tmp.resolve("watch2.log"), () -> {
          long resolves = hook.bodies.stream().filter(b -> b.path("event_action").asText().equals("resolve")).count();
          return resolves > 0 && resolves == hook.bodies.size() - resolves;
        });
        api.runClock(0);
        q.destroy();
        assertThat(q.waitFor(2, TimeUnit.MINUTES)).isTrue();
      } finally {
        q.destroyForcibly();
      }
      List<Row> got = alerts(tmp);
      // the clock ran on through the burst's hour: the next hour's window, which no longer overlaps the first alert's,
      // raised a second one; the killed batch's alert is there once
      assertThat(got.stream().map(r -> r.<String>getAs("alert_id")).distinct().count()).isEqualTo(got.size());
      List<Row> killed = got.stream().filter(r -> ((Number) r.getAs("batch")).longValue() == killedBatch).toList();
      assertThat(killed).hasSize(1);
      Row a = killed.get(0);
      assertThat(a.<String>getAs("kind") + " " + a.getAs("destination")).isEqualTo("irsf CU");
      matchesGroundTruth(api, a);
      // the replayed batch raised it again (same id, same folder) and printed it, once: one line per alert in the store
      String log2 = Files.readString(tmp.resolve("watch2.log"));
      assertThat(log2.split("watch: ALERT irsf CU", -1).length - 1).isEqualTo(got.size());
      assertThat(log2).contains(a.<String>getAs("alert_id"));

      // PagerDuty, through the job: one trigger, then one resolve, one dedup_key (the alert's id), the routing key from
      // the environment
      // the routing key from the environment; for each alert one trigger, then one resolve with its dedup_key
      Map<String, List<String>> actions = new java.util.LinkedHashMap<>();
      for (JsonNode b : hook.bodies) {
        assertThat(b.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
        actions.computeIfAbsent(b.get("dedup_key").asText(), k -> new ArrayList<>()).add(b.get("event_action").asText());
      }
      assertThat(actions.keySet()).containsExactlyInAnyOrderElementsOf(got.stream().map(r -> r.<String>getAs("alert_id")).toList());
      assertThat(actions.values()).allSatisfy(l -> assertThat(l).containsExactly("trigger", "resolve"));
      assertThat(actions.keySet().iterator().next()).as("the replayed alert's trigger came first").isEqualTo(a.<String>getAs("alert_id"));
      JsonNode trigger = hook.bodies.get(0);
      assertThat(trigger.get("payload").get("class").asText()).isEqualTo("irsf");
      assertThat(trigger.get("payload").get("component").asText()).isEqualTo("CU");
      assertThat(hook.paths).allMatch(path -> path.equals("/hook/" + SECRET_PATH));
      assertThat(events(tmp, AlertStore.RESOLVE)).hasSize(got.size());
      // neither the routing key nor the URL's path in any output: the logs, the checkpoint, the alert store
      List<Path> files;
      try (var walk = Files.walk(tmp)) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      assertThat(files).extracting(f -> f.getFileName().toString()).contains("watch1.log", "watch2.log");
      for (Path f : files) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(text).as(tmp.relativize(f).toString()).doesNotContain(ROUTING_KEY, SECRET_PATH);
      }
    }
  }

  @Test
  void stoppedBeforeABurstAndRestarted20MinutesLaterTheBurstIsAlertedOnceLateAndANewCheckpointRaisesNothingAgain(
      @TempDir Path tmp) throws Exception {
    // a share of the CDRs without to_country, the burst's included: '??' is judged as a destination of its own
    EmulatorConfig.Builder b = EmulatorConfig.builder().seed(21).callsPerDay(2_000).now(T.minus(Duration.ofMinutes(5)))
        .rateLimitOff().burst(T, BURST_MINUTES, "CU", 100).noToCountry(0.3);
    try (ZentrunkEmulator api = ZentrunkEmulator.start(b.build()); Receiver hook = new Receiver()) {
      Process p = watch(api, tmp, "watch1.log", List.of(), hook.flags().toArray(String[]::new));
      try {
        await("the first batch", Duration.ofMinutes(2), p, tmp.resolve("watch1.log"),
            () -> Files.exists(tmp.resolve("stages").resolve(WatchBatch.STAGE_BATCH_DONE)));
        p.destroy(); // SIGTERM before the burst
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
      } finally {
        p.destroyForcibly();
      }
      Instant stoppedAt = offset(tmp.resolve("chk"));
      assertThat(stoppedAt).as("stopped before the burst").isBefore(T);
      // down 20 minutes: the burst [T, T + 10 min) happens meanwhile
      api.setNow(T.minus(Duration.ofMinutes(5)).plus(Duration.ofMinutes(20)));
      Instant until = api.now().minus(LAG);
      Process q = watch(api, tmp, "watch2.log", List.of(), hook.flags().toArray(String[]::new));
      try {
        await("the catch-up batch", Duration.ofMinutes(3), q, tmp.resolve("watch2.log"), () -> {
          try {
            return !offset(tmp.resolve("chk")).isBefore(until) && count(tmp.resolve("chk/commits")) == count(tmp.resolve("chk/offsets"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        api.runClock(RATE); // three more batches while the burst's hour still fires
        long caughtUp = count(tmp.resolve("chk/commits"));
        await("3 more batches", Duration.ofMinutes(2), q, tmp.resolve("watch2.log"), () -> {
          try {
            return count(tmp.resolve("chk/commits")) >= caughtUp + 3 && offset(tmp.resolve("chk")).isAfter(until);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        api.runClock(0);
        q.destroy();
        assertThat(q.waitFor(2, TimeUnit.MINUTES)).isTrue();
      } finally {
        q.destroyForcibly();
      }
      List<Row> got = alerts(tmp);
      assertThat(got.stream().map(r -> r.getAs("kind") + " " + r.getAs("destination")).toList())
          .containsExactly("irsf ??", "irsf CU");
      for (Row a : got) {
        assertThat(a.<Boolean>getAs("late")).as("judged in the catch-up, after its minute").isTrue();
        assertThat((Object) a.getAs("detected_at")).isNotNull();
        assertThat(instant(a.getAs("window_end"))).isAfter(T).isBefore(until.plusSeconds(1));
      }
      assertThat(hook.triggers()).containsExactly("irsf ??", "irsf CU");
      List<String> rows = TestSpark.lines(TestSpark.session().read().parquet(tmp.resolve("alerts").toString())
          .orderBy("alert_id", "event"));

      // a new checkpoint over the same alerts, from before the burst: every earlier row stays, nothing is POSTed again
      Process r = JobRunner.submit(api, tmp.resolve("watch3.log"),
          List.of("-D" + StageMarkers.DIR_PROPERTY + "=" + Files.createDirectories(tmp.resolve("stages3"))), List.of(),
          "watch", "--api-url", api.baseUrl(), "--checkpoint", tmp.resolve("chk3").toString(), "--alerts",
          tmp.resolve("alerts").toString(), "--every", EVERY_SECONDS + " seconds", "--lag", "2 minutes", "--start",
          T.minus(Duration.ofMinutes(70)).toString(), "--webhook", hook.url(), "--webhook-format", "alertmanager");
      try {
        await("the new checkpoint's first batch", Duration.ofMinutes(3), r, tmp.resolve("watch3.log"),
            () -> Files.exists(tmp.resolve("stages3").resolve(WatchBatch.STAGE_BATCH_DONE)));
        r.destroy();
        assertThat(r.waitFor(2, TimeUnit.MINUTES)).isTrue();
      } finally {
        r.destroyForcibly();
      }
      assertThat(TestSpark.lines(TestSpark.session().read().parquet(tmp.resolve("alerts").toString())
          .orderBy("alert_id", "event"))).containsAll(rows);
      assertThat(alerts(tmp)).hasSize(2);
      assertThat(hook.triggers()).containsExactly("irsf ??", "irsf CU");
      assertThat(Files.readString(tmp.resolve("watch3.log"))).doesNotContain("watch: ALERT");
    }
  }
}
