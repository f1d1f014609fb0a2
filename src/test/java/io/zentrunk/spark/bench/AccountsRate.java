package io.zentrunk.spark.bench;

import io.zentrunk.spark.bench.Figure.Target;
import io.zentrunk.spark.cluster.StandaloneCluster;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario "accounts": four accounts of 5,000 calls a day in one read on the standalone cluster (three workers),
 * against one account's read of the same window in the same application ({@link AccountsRateApp}), at 60 +- 20 ms a
 * request. Rate = the phase's requests / its first-to-last request span; the figure is the four accounts' rate over
 * the one account's (each account at its own limit, 300 per 5 s, and the connector's default budget of 250). Then
 * the four accounts with {@code shared_budget=all} against an emulator whose four accounts share one limit of 300 per
 * 5 s: the most requests in any 5 s (all accounts together) against that limit, and the 429s.
 *
 * <p>{@code -Dbench.accounts.cores=N} gives each worker N task slots (default 1, the README's cluster). A partition
 * holds a slice of each account's budget and its task reads them at once, so three one-slot workers keep all four
 * budgets busy (with one account's slice a task, three one-slot workers would read at most three accounts at once:
 * a ceiling of 3 times one account's rate). Skipped by {@code --quick}.
 */
final class AccountsRate implements Scenario {

  static final int BUDGET = 250;
  static final int LIMIT = 300;
  static final List<String> IDS = List.of("MABENCHACCOUNT000001", "MABENCHACCOUNT000002", "MABENCHACCOUNT000003",
      "MABENCHACCOUNT000004");

  @Override
  public String name() {
    return "accounts";
  }

  @Override
  public String title() {
    return "Four accounts in one read on a 3-worker standalone cluster: rate against one account's, shared budget";
  }

  static ZentrunkEmulator emulator(String group) {
    EmulatorConfig.Builder b = EmulatorConfig.builder().seed(21).callsPerDay(5_000).now(BenchContext.NOW)
        .authId(IDS.get(0)).authToken("token-0").rateLimit(LIMIT, Duration.ofSeconds(5))
        .latency(Duration.ofMillis(60), Duration.ofMillis(20));
    for (int i = 1; i < IDS.size(); i++) {
      b.account(new EmulatorConfig.Account(IDS.get(i), "token-" + i, 21 + i, LIMIT, group));
    }
    return ZentrunkEmulator.start(b.build());
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    if (ctx.quick) {
      ctx.out.println("  skipped in quick mode: an application on a 3-worker standalone cluster (jobs/bench accounts)");
      return;
    }
    int cores = Integer.getInteger("bench.accounts.cores", 1);
    Path jar = ReportDuty.appJar();
    Instant from = Instant.parse("2026-10-20T00:00:00Z");
    Instant to = from.plus(Duration.ofDays(Integer.getInteger("bench.accounts.days", 5)));
    try (ZentrunkEmulator apart = emulator(null);
        ZentrunkEmulator together = emulator(EmulatorConfig.MAIN_GROUP);
        StandaloneCluster cluster = StandaloneCluster.start("bench-accounts", 3, cores)) {
      Map<String, String> env = new HashMap<>(Map.of("PLIVO_AUTH_ID", IDS.get(0), "PLIVO_AUTH_TOKEN", "token-0"));
      for (int i = 0; i < IDS.size(); i++) {
        env.put("PLIVO_AUTH_TOKEN_" + IDS.get(i), "token-" + i);
      }
      apart.recordArrivals();
      together.recordArrivals();
      long nanoEpoch = System.nanoTime() - System.currentTimeMillis() * 1_000_000L;
      Process p = cluster.start("accounts-driver", List.of("-Xmx1g"), AccountsRateApp.class.getName(),
          List.of(cluster.masterUrl(), apart.baseUrl(), together.baseUrl(), jar.toString(), from.toString(),
              to.toString(), apart.now().toString(), String.join(",", IDS)),
          env, jar + File.pathSeparator + Path.of("target", "test-classes").toAbsolutePath());
      Path log = cluster.logs().resolve("accounts-driver.log");
      boolean done = p.waitFor(15, TimeUnit.MINUTES);
      if (!done || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("the accounts application failed (" + (done ? "exit " + p.exitValue()
            : "timeout") + "); see " + log);
      }
      String out = Files.readString(log);
      Map<String, long[]> phases = new HashMap<>();
      Matcher m = Pattern.compile("(?m)^PHASE (\\S+) (START|END) (\\d+)$").matcher(out);
      while (m.find()) {
        phases.computeIfAbsent(m.group(1), k -> new long[2])[m.group(2).equals("START") ? 0 : 1] =
            nanoEpoch + Long.parseLong(m.group(3)) * 1_000_000L;
      }
      Map<String, Long> rows = new HashMap<>();
      Matcher r = Pattern.compile("(?m)^RESULT (\\S+) (\\d+)$").matcher(out);
      while (r.find()) {
        rows.put(r.group(1), Long.parseLong(r.group(2)));
      }
      long one = apart.groundTruth(IDS.get(0), from, to).size();
      long four = 0;
      for (String id : IDS) {
        four += apart.groundTruth(id, from, to).size();
      }
      if (rows.getOrDefault("one", -1L) != one || rows.getOrDefault("four", -1L) != four
          || rows.getOrDefault("shared", -1L) != four) {
        throw new IllegalStateException("rows read " + rows + " against the ground truth: one " + one + ", four " + four);
      }
      long[] a = apart.arrivals();
      Phase p1 = Phase.of("one", between(a, phases.get("one")));
      Phase p4 = Phase.of("four", between(a, phases.get("four")));
      Phase ps = Phase.of("shared", between(together.arrivals(), phases.get("shared")));
      long throttledApart = apart.stats().rateLimited();
      long throttledShared = together.stats().rateLimited();
      ctx.out.printf(Locale.ROOT, "  %d workers x %d task slot(s); %s to %s, one account %,d CDRs, four %,d; log %s%n",
          3, cores, from, to, one, four, log);
      for (Phase x : List.of(p1, p4, ps)) {
        ctx.out.printf(Locale.ROOT, "  %-6s %,6d requests in %5.1f s: %5.1f requests/s; most in any 5 s: %d%n", x.name,
            x.requests, x.span, x.rate(), x.peak);
      }
      double ratio = p4.rate() / p1.rate();
      ctx.out.printf(Locale.ROOT, "  four accounts / one account: %.2f x (%d answered 429 with a limit each);"
          + " shared budget: peak %d per 5 s of the shared limit %d (budget %d), %d answered 429%n", ratio,
          throttledApart, ps.peak, LIMIT, BUDGET, throttledShared);
      String slots = 3 + " workers x " + cores + " slot(s)";
      ctx.add(Figure.info("accounts", "one account's rate", p1.rate(), "req/s", slots + "; budget 50 per s"));
      ctx.add(Figure.info("accounts", "four accounts' rate", p4.rate(), "req/s", slots + "; budgets 4 x 50 per s"));
      ctx.add(new Figure("accounts", "four accounts / one account", ratio, "x", Target.atLeast(3.5, 0, ">= 3.5"),
          slots + (cores * 3 < IDS.size() ? ": at most " + cores * 3 + " accounts read at once (one per task)" : "")));
      ctx.add(new Figure("accounts", "shared budget: most requests in 5 s", ps.peak, "", Target.atMost(LIMIT, 0,
          "<= " + LIMIT), "four accounts under one limit of " + LIMIT + " per 5 s; " + throttledShared + " answered 429"));
      ctx.add(new Figure("accounts", "429s (own limits, shared limit)", throttledApart + throttledShared, "",
          Target.atMost(0, 0, "0"), ""));
    }
  }

  static long[] between(long[] arrivals, long[] phase) {
    if (phase == null || phase[0] == 0 || phase[1] == 0) {
      throw new IllegalStateException("a phase of the accounts application is missing from its log");
    }
    return Arrays.stream(arrivals).filter(t -> t >= phase[0] && t <= phase[1]).toArray();
  }

  /** One read's requests, their first-to-last span and the most in any 5 s. */
  record Phase(String name, int requests, double span, int peak) {
    static Phase of(String name, long[] t) {
      if (t.length < 2) {
        throw new IllegalStateException("phase " + name + ": " + t.length + " requests");
      }
      int best = 0;
      for (int i = 0, j = 0; i < t.length; i++) {
        while (j < t.length && t[j] - t[i] < 5_000_000_000L) {
          j++;
        }
        best = Math.max(best, j - i);
      }
      return new Phase(name, t.length, (t[t.length - 1] - t[0]) / 1e9, best);
    }

    double rate() {
      return requests / span;
    }
  }
}
