package io.zentrunk.spark.bench;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What scenarios share: the Spark session, the mode, the figures and measurements of this run. */
final class BenchContext {

  /** The emulators' fixed clock: every scenario reads settled data (no late arrivals). */
  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

  final SparkSession spark;
  final boolean quick;
  final PrintStream out;
  final List<Figure> figures = new ArrayList<>();
  /** Measurements later scenarios reuse (e.g. the scale model uses the rate efficiency). */
  final Map<String, Double> measured = new HashMap<>();

  BenchContext(SparkSession spark, boolean quick, PrintStream out) {
    this.spark = spark;
    this.quick = quick;
    this.out = out;
  }

  void add(Figure f) {
    figures.add(f);
    out.printf("  %-44s %-18s %-6s %s%n", f.name(), f.valueText(), f.status(),
        f.target() == null ? "" : "(target " + f.target().text() + ")");
  }

  private static final java.util.concurrent.atomic.AtomicLong ACCOUNTS = new java.util.concurrent.atomic.AtomicLong();

  /**
   * An emulator of an account of its own: a budget is the account's (API host and auth ID) for the JVM's life, so
   * an emulator on a port an earlier one had, with the same auth ID, would inherit what that account's reads learned
   * (a budget shrunk by an earlier test's 429s holds a read far below the limit: 0.215 of it in BenchQuickIT run
   * after the other ITs).
   */
  static ZentrunkEmulator emulator(EmulatorConfig.Builder b) {
    return ZentrunkEmulator.start(b.now(NOW).authId(String.format("MABENCH%013d", ACCOUNTS.incrementAndGet())).build());
  }

  /** The latest start such that [start, end) holds at least {@code n} records (1-second steps). */
  static Instant startFor(ZentrunkEmulator api, Instant end, long n) {
    long hi = end.getEpochSecond() - 1;
    long lo = end.getEpochSecond() - 89L * 86_400;
    if (api.groundTruthCount(Instant.ofEpochSecond(lo), end) < n) {
      throw new IllegalStateException("the emulator holds fewer than " + n + " records before " + end);
    }
    while (hi - lo > 1) { // invariant: count(lo) >= n, count(hi) < n
      long mid = lo + (hi - lo) / 2;
      if (api.groundTruthCount(Instant.ofEpochSecond(mid), end) >= n) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Instant.ofEpochSecond(lo);
  }

  /**
   * A timestamp value of a collected row as an instant, whichever external type the session gives: {@code Instant}
   * with {@code spark.sql.datetime.java8API.enabled} (as the test suite's shared session, which an in-process bench
   * run may be given), else {@code java.sql.Timestamp}.
   */
  static Instant instant(Object v) {
    return v instanceof Instant i ? i : ((java.sql.Timestamp) v).toInstant();
  }

  static Map<String, String> options(ZentrunkEmulator api, Instant from, Instant to) {
    Map<String, String> o = new HashMap<>();
    o.put("api_url", api.baseUrl());
    o.put("auth_id", api.config().authId());
    o.put("auth_token", api.config().authToken());
    o.put("now", api.now().toString());
    o.put("start", from.toString());
    o.put("end", to.toString());
    // experiments: -Dbench.opt.concurrency=16 (via BENCH_JAVA_OPTS) sets that source option everywhere
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.opt."))
        .forEach(k -> o.put(k.substring("bench.opt.".length()), System.getProperty(k)));
    return o;
  }

  Dataset<Row> read(Map<String, String> o) {
    return spark.read().format("zentrunk").options(o).load();
  }

  /** Reads every row of {@code df} into Spark's no-op sink (full materialization); returns the wall nanos. */
  static long materialize(Dataset<Row> df) {
    long t0 = System.nanoTime();
    df.write().format("noop").mode("overwrite").save();
    return System.nanoTime() - t0;
  }

  static long pages(long records) {
    return (records + 19) / 20;
  }
}
