package io.zentrunk.spark.jobs;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.Faults;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jobs/run emulator}: serves the Zentrunk API emulator until killed. The options come in
 * groups by what they shape (the account, its traffic, faults, injected traffic); each group
 * checks its own values and sets its part of the {@link EmulatorConfig}.
 */
@Command(
    name = "emulator",
    mixinStandardHelpOptions = true,
    description = "Serve an emulator of Plivo's Zentrunk list-calls API on a local port.")
public final class EmulatorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "18080", description = "Port (0 = ephemeral); default ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address; default ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--auth-id", defaultValue = EmulatorConfig.DEFAULT_AUTH_ID, description = "Account auth id; default ${DEFAULT-VALUE}.")
  String authId;

  @Option(names = "--auth-token", defaultValue = EmulatorConfig.DEFAULT_AUTH_TOKEN, description = "Account auth token.")
  String authToken;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic account; default ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--calls-per-day", defaultValue = "10000", description = "Average calls per day; default ${DEFAULT-VALUE}.")
  long callsPerDay;

  @Option(names = "--now", description = "Fixed clock: YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' (UTC) or ISO-8601; default: live clock.")
  String now;

  @Option(names = "--clock-rate", paramLabel = "X",
      description = "Run the clock at X emulated seconds per real second from --now (or from the real time) on, "
          + "e.g. 60: an emulated minute a second; default: the live clock, or fixed at --now.")
  Double clockRate;

  /** The clock rate to run once started, or 0 to leave the configured clock (live, or fixed at --now) as it is. */
  double clockRate() {
    if (clockRate == null) {
      return 0;
    }
    if (!(clockRate > 0) || clockRate > 1_000_000) {
      throw new ParameterException(spec.commandLine(),
          "--clock-rate: must be a number above 0 and at most 1000000, got " + clockRate);
    }
    return clockRate;
  }

  @Mixin TrafficOptions traffic = new TrafficOptions();

  @Mixin AccountOptions moreAccounts = new AccountOptions();

  @Mixin FaultOptions faults = new FaultOptions();

  @Mixin InjectionOptions injected = new InjectionOptions();

  /** How a group of options reports a bad value: one line naming the option. */
  static final class Checks {
    private final CommandSpec spec;

    Checks(CommandSpec spec) {
      this.spec = spec;
    }

    ParameterException bad(String option, String message) {
      return new ParameterException(spec.commandLine(), option + ": " + message);
    }

    void atLeast(String option, long v, long min) {
      if (v < min) {
        throw bad(option, (min == 0 ? "must not be negative" : "must be >= " + min) + ", got " + v);
      }
    }

    void share(String option, double v) {
      if (!(v >= 0 && v <= 1)) {
        throw bad(option, "must be in [0,1], got " + v);
      }
    }

    /** Runs a builder step; its IllegalArgumentException names the option {@code optionOf} picks from the message. */
    void step(UnaryOperator<String> optionOf, Runnable builderStep) {
      try {
        builderStep.run();
      } catch (IllegalArgumentException e) {
        throw bad(optionOf.apply(e.getMessage()), e.getMessage());
      }
    }
  }

  /** Late arrivals, the rate limit and latency: how the account's traffic reaches a reader. */
  static final class TrafficOptions {
    @Option(names = "--late-share", defaultValue = "0", description = "Share of calls that arrive late, in [0,1].")
    double lateShare;

    @Option(names = "--late-max-minutes", defaultValue = "10", description = "Maximum late delay in minutes; default ${DEFAULT-VALUE}.")
    int lateMaxMinutes;

    @Option(names = "--rate-limit", defaultValue = "300", description = "Requests per window (0 = off); default ${DEFAULT-VALUE}.")
    int rateLimit;

    @Option(names = "--rate-window-seconds", defaultValue = "5", description = "Rate limit window; default ${DEFAULT-VALUE}.")
    int rateWindowSeconds;

    @Option(names = "--fixed-rate-window", description = "Count the rate limit in fixed windows aligned to the clock "
        + "(default: a sliding window).")
    boolean fixedRateWindow;

    @Option(names = "--no-retry-after", description = "Do not send Retry-After on 429.")
    boolean noRetryAfter;

    @Option(names = "--latency-ms", defaultValue = "0", description = "Mean latency per answer.")
    long latencyMs;

    @Option(names = "--jitter-ms", defaultValue = "0", description = "Uniform latency jitter (+/-).")
    long jitterMs;

    void check(Checks c) {
      c.share("--late-share", lateShare);
      if (lateShare > 0) {
        c.atLeast("--late-max-minutes", lateMaxMinutes, 1);
      }
      c.atLeast("--rate-limit", rateLimit, 0);
      c.atLeast("--rate-window-seconds", rateWindowSeconds, 1);
      c.atLeast("--latency-ms", latencyMs, 0);
      c.atLeast("--jitter-ms", jitterMs, 0);
    }

    void apply(EmulatorConfig.Builder b) {
      b.retryAfter(!noRetryAfter).fixedRateWindow(fixedRateWindow).latency(Duration.ofMillis(latencyMs), Duration.ofMillis(jitterMs));
      if (lateShare > 0) {
        b.lateArrival(lateShare, lateMaxMinutes);
      }
      if (rateLimit == 0) {
        b.rateLimitOff();
      } else {
        b.rateLimit(rateLimit, Duration.ofSeconds(rateWindowSeconds));
      }
    }
  }

  /** More accounts than the main one (--auth-id): each its own token, seed and limit, or a limit shared by a group. */
  static final class AccountOptions {
    @Option(names = "--account", paramLabel = "ID:TOKEN:SEED[:LIMIT[:GROUP]]",
        description = "Serve one more account (repeatable): its auth id, token, seed of its calls, requests per "
            + "--rate-window-seconds (default --rate-limit; 0 = none) and a limit group: accounts naming the same group "
            + "share one limit ('main': the --auth-id account's), as subaccounts might share their main account's.")
    java.util.List<String> accounts = new java.util.ArrayList<>();

    void apply(EmulatorConfig.Builder b, Checks c, int defaultLimit) {
      for (String spec : accounts) {
        String[] p = spec.split(":", -1);
        if (p.length < 3 || p.length > 5) {
          throw c.bad("--account", "expected ID:TOKEN:SEED[:LIMIT[:GROUP]], got " + p.length + " fields");
        }
        long seed;
        int limit;
        try {
          seed = Long.parseLong(p[2]);
          limit = p.length > 3 && !p[3].isEmpty() ? Integer.parseInt(p[3]) : defaultLimit;
        } catch (NumberFormatException e) {
          throw c.bad("--account", "account " + p[0] + ": SEED and LIMIT must be whole numbers");
        }
        c.step(m -> "--account", () -> b.account(new EmulatorConfig.Account(p[0], p[1], seed, limit,
            p.length > 4 ? p[4] : null)));
      }
    }
  }

  /** Injected faults: shares of requests that fail, and how long a stall lasts. */
  static final class FaultOptions {
    @Option(names = "--fault-500", defaultValue = "0", description = "Share of requests answered 500.")
    double fault500;

    @Option(names = "--fault-502", defaultValue = "0", description = "Share of requests answered 502.")
    double fault502;

    @Option(names = "--fault-503", defaultValue = "0", description = "Share of requests answered 503.")
    double fault503;

    @Option(names = "--fault-html-share", defaultValue = "0.5", description = "Share of 5xx with an HTML body.")
    double htmlShare;

    @Option(names = "--fault-reset", defaultValue = "0", description = "Share of requests whose connection is reset.")
    double faultReset;

    @Option(names = "--fault-truncate", defaultValue = "0", description = "Share of responses cut short.")
    double faultTruncate;

    @Option(names = "--fault-stall", defaultValue = "0", description = "Share of requests never answered.")
    double faultStall;

    @Option(names = "--stall-seconds", defaultValue = "60", description = "How long a stall lasts.")
    int stallSeconds;

    Faults faults(Checks c) {
      String[] names = {"--fault-500", "--fault-502", "--fault-503", "--fault-html-share",
          "--fault-reset", "--fault-truncate", "--fault-stall"};
      double[] shares = {fault500, fault502, fault503, htmlShare, faultReset, faultTruncate, faultStall};
      for (int i = 0; i < names.length; i++) {
        c.share(names[i], shares[i]);
      }
      c.atLeast("--stall-seconds", stallSeconds, 0);
      if (fault500 + fault502 + fault503 + faultReset + faultTruncate + faultStall > 1) {
        throw c.bad("--fault-*", "fault rates sum to more than 1");
      }
      return Faults.builder().http500(fault500).http502(fault502).http503(fault503)
          .htmlErrorShare(htmlShare).connectionReset(faultReset).truncatedBody(faultTruncate)
          .stall(faultStall).stallDuration(Duration.ofSeconds(stallSeconds)).build();
    }
  }

  /** Injected traffic: a toll-fraud burst on one day, a busy hour on every day. */
  static final class InjectionOptions {
    @Option(names = "--burst-day", paramLabel = "YYYY-MM-DD",
        description = "Inject a toll-fraud (IRSF) burst: outbound calls to --burst-country ending 01:00-05:00 UTC that day.")
    String burstDay;

    @Option(names = "--burst-at", paramLabel = "TS",
        description = "Inject the burst at an emulated time instead: its calls end in the --burst-minutes minutes from TS "
            + "(UTC, a whole minute: 'YYYY-MM-DD HH:MM' or ISO-8601); follows an accelerated --clock-rate.")
    String burstAt;

    @Option(names = "--burst-minutes", defaultValue = "60",
        description = "Minutes over which the calls of a --burst-at burst end; default ${DEFAULT-VALUE}.")
    int burstMinutes;

    @Option(names = "--burst-country", defaultValue = EmulatorConfig.Burst.DEFAULT_COUNTRY,
        description = "Destination of the burst: a premium country the account never calls (CU, SO, LV) or one it does; default ${DEFAULT-VALUE}.")
    String burstCountry;

    @Option(names = "--burst-calls", defaultValue = "" + EmulatorConfig.Burst.DEFAULT_CALLS,
        description = "Calls of the burst; default ${DEFAULT-VALUE}.")
    int burstCalls;

    @Option(names = "--busy-hour", paramLabel = "H",
        description = "A UTC hour (0-23) of every day busy beyond the trunk's limits: extra attempts end 5180/5190.")
    Integer busyHour;

    @Option(names = "--busy-calls", defaultValue = "" + EmulatorConfig.BusyHour.DEFAULT_CALLS,
        description = "Rejected attempts in the busy hour of each day; default ${DEFAULT-VALUE}.")
    int busyCalls;

    @Option(names = "--wangiri-day", paramLabel = "YYYY-MM-DD",
        description = "Inject a Wangiri campaign: one-ring inbound calls from --wangiri-prefix ending 18:00-19:00 UTC that day, callbacks 20:00-22:00.")
    String wangiriDay;

    @Option(names = "--wangiri-prefix", defaultValue = EmulatorConfig.Wangiri.DEFAULT_PREFIX,
        description = "Calling prefix of the campaign (+ and digits from a dial code); default ${DEFAULT-VALUE}.")
    String wangiriPrefix;

    @Option(names = "--wangiri-calls", defaultValue = "" + EmulatorConfig.Wangiri.DEFAULT_CALLS,
        description = "One-ring calls of the campaign; default ${DEFAULT-VALUE}.")
    int wangiriCalls;

    @Option(names = "--wangiri-callbacks", defaultValue = "" + EmulatorConfig.Wangiri.DEFAULT_CALLBACKS,
        description = "Outbound callbacks to the campaign's numbers; default ${DEFAULT-VALUE}.")
    int wangiriCallbacks;

    @Option(names = "--carrier-fault", paramLabel = "CARRIER@TS",
        description = "Degrade one carrier's calls (Insights) from an emulated time on: a carrier's name, e.g. "
            + "'Northwind Mobile', '@', and a UTC time ('YYYY-MM-DD HH:MM' or ISO-8601).")
    String carrierFault;

    @Option(names = "--missing-metrics", defaultValue = "" + EmulatorConfig.DEFAULT_MISSING_METRIC_SHARE,
        description = "Share of each Insights metric left out or sent empty; default ${DEFAULT-VALUE}.")
    double missingMetrics;

    @Option(names = "--hostile-insights", defaultValue = "0",
        description = "Share of Insights bodies that are hostile (a metric \"n/a\", a value out of range, no \"to\").")
    double hostileInsights;

    void apply(EmulatorConfig.Builder b, Checks c) {
      if (carrierFault != null) {
        int at = carrierFault.lastIndexOf('@');
        if (at <= 0) {
          throw c.bad("--carrier-fault", "expected CARRIER@TS, got \"" + carrierFault + "\"");
        }
        java.time.Instant from;
        try {
          from = JobCommand.parseUtc(carrierFault.substring(at + 1), "--carrier-fault");
        } catch (UsageException e) {
          throw c.bad("--carrier-fault", e.getMessage());
        }
        c.step(m -> "--carrier-fault", () -> b.carrierFault(carrierFault.substring(0, at), from));
      }
      c.step(m -> "--missing-metrics", () -> b.missingMetrics(missingMetrics));
      c.step(m -> "--hostile-insights", () -> b.hostileInsights(hostileInsights));
      if (burstDay != null && burstAt != null) {
        throw c.bad("--burst-at", "give --burst-day or --burst-at, not both");
      }
      if (burstAt != null) {
        java.time.Instant at;
        try {
          at = JobCommand.parseUtc(burstAt, "--burst-at");
        } catch (UsageException e) {
          throw c.bad("--burst-at", e.getMessage());
        }
        c.step(m -> m.startsWith("burst country") ? "--burst-country" : m.startsWith("burst calls") ? "--burst-calls"
            : m.startsWith("burst minutes") ? "--burst-minutes" : "--burst-at",
            () -> b.burst(at, burstMinutes, burstCountry.toUpperCase(Locale.ROOT), burstCalls));
      }
      if (burstDay != null) {
        LocalDate day;
        try {
          day = LocalDate.parse(burstDay);
        } catch (DateTimeParseException e) {
          throw c.bad("--burst-day", "expected YYYY-MM-DD, got \"" + burstDay + "\"");
        }
        c.step(m -> m.startsWith("burst country") ? "--burst-country" : "--burst-calls",
            () -> b.burst(day, burstCountry.toUpperCase(Locale.ROOT), burstCalls));
      }
      if (busyHour != null) {
        c.step(m -> m.startsWith("busy hour calls") ? "--busy-calls" : "--busy-hour",
            () -> b.busyHour(busyHour, busyCalls));
      }
      if (wangiriDay != null) {
        LocalDate day;
        try {
          day = LocalDate.parse(wangiriDay);
        } catch (DateTimeParseException e) {
          throw c.bad("--wangiri-day", "expected YYYY-MM-DD, got \"" + wangiriDay + "\"");
        }
        c.step(m -> m.startsWith("wangiri prefix") ? "--wangiri-prefix" : m.startsWith("wangiri calls") ? "--wangiri-calls"
            : "--wangiri-callbacks", () -> b.wangiri(day, wangiriPrefix, wangiriCalls, wangiriCallbacks));
      }
    }
  }

  EmulatorConfig config() {
    Checks c = new Checks(spec);
    if (port < 0 || port > 65535) {
      throw c.bad("--port", "must be in [0,65535], got " + port);
    }
    c.atLeast("--calls-per-day", callsPerDay, 0);
    clockRate();
    traffic.check(c);
    EmulatorConfig.Builder b = EmulatorConfig.builder().host(host).port(port).authId(authId)
        .authToken(authToken).seed(seed).callsPerDay(callsPerDay).faults(faults.faults(c));
    traffic.apply(b);
    moreAccounts.apply(b, c, traffic.rateLimit);
    injected.apply(b, c);
    try {
      if (now != null) {
        b.now(JobCommand.parseUtc(now, "--now"));
      }
      return b.build();
    } catch (UsageException | IllegalArgumentException e) {
      // the accounts' checks across accounts (a group's one limit) run when the config is built
      throw new ParameterException(spec.commandLine(), (e.getMessage().startsWith("account ") ? "--account: " : "")
          + e.getMessage());
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    EmulatorConfig cfg = config();
    double rate = clockRate();
    ZentrunkEmulator api = ZentrunkEmulator.start(cfg);
    if (rate > 0) {
      api.runClock(rate);
    }
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      api.close();
      done.countDown();
    }, "emulator-shutdown"));
    System.out.println("Zentrunk emulator serving " + api.baseUrl() + " auth_id=" + cfg.authId()
        + (cfg.moreAccounts().isEmpty() ? "" : " and " + cfg.moreAccounts().stream()
            .map(EmulatorConfig.Account::authId).collect(java.util.stream.Collectors.joining(",")))
        + " now=" + (cfg.now() == null ? "live" : cfg.now()) + (rate > 0 ? " clock x" + rate : "") + " (Ctrl-C to stop)");
    System.out.flush();
    done.await();
    return 0;
  }
}
