package io.zentrunk.spark.emulator;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * Immutable settings of one {@link ZentrunkEmulator}. Build with {@link #builder()}; every
 * setting has a default (see the builder methods).
 *
 * @param now the fixed clock instant, or {@code null} for the live (system) clock
 * @param rateLimit admitted requests per {@code rateWindow}; 0 means no rate limit
 * @param unlistedCodeShare share of calls ending with {@link HangupCodes#UNLISTED}, a code the
 *     reference table does not list (0, the default: none)
 * @param cachedCalls calls the generated-minute cache holds (about 1.5 KB each with their JSON)
 * @param noToCountryShare share of calls whose CDR leaves {@code to_country} out (0, the default: none)
 * @param rateClock the monotonic nanosecond clock of the rate limit and of the request statistics
 *     ({@link System#nanoTime()}; tests move their own to test the limit without depending on the machine's speed)
 * @param fixedRateWindow the rate limit counts in fixed windows aligned to the clock instead of a sliding window
 */
public record EmulatorConfig(
    String host,
    int port,
    String authId,
    String authToken,
    long seed,
    long callsPerDay,
    Instant now,
    double lateShare,
    int lateMaxMinutes,
    int rateLimit,
    Duration rateWindow,
    boolean retryAfter,
    Duration latencyMean,
    Duration latencyJitter,
    Faults faults,
    double unlistedCodeShare,
    long cachedCalls,
    Burst burst,
    BusyHour busyHour,
    Wangiri wangiri,
    java.util.function.LongSupplier rateClock,
    boolean fixedRateWindow,
    java.util.List<Account> moreAccounts,
    double noToCountryShare,
    CarrierFault carrierFault,
    double missingMetricShare,
    double hostileInsightsShare,
    TrunkLimit trunkLimit) {

  /**
   * A concurrent-call limit of {@code channels} on the trunk {@code trunkId} for the calls initiated in
   * {@code [from, to)}: a call that finds the trunk full is refused 5190 concurrent_call_limit_exceeded (see
   * {@link TrunkLimiter}). The span is at most 31 days (its calls are swept once).
   */
  public record TrunkLimit(String trunkId, int channels, Instant from, Instant to) {
    public TrunkLimit {
      Objects.requireNonNull(trunkId, "trunkId");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (channels < 1) {
        throw new IllegalArgumentException("trunk limit channels must be >= 1, got " + channels);
      }
      if (!from.isBefore(to) || Duration.between(from, to).compareTo(Duration.ofDays(31)) > 0) {
        throw new IllegalArgumentException("trunk limit span must be non-empty and at most 31 days, got " + from + " to " + to);
      }
    }
  }

  /**
   * A carrier whose calls degrade from an emulated time on: every call with Insights ending at or after {@code from}
   * whose caller or callee is on {@code carrier} (a trading name of {@link Carriers}, e.g. "Northwind Mobile", or the
   * whole label "Northwind Mobile, mobile") gets 4-10 points more packet loss, 20-40 ms more jitter and 80-160 ms
   * more round-trip time, and so a lower score.
   */
  public record CarrierFault(String carrier, Instant from) {
    public CarrierFault {
      Objects.requireNonNull(carrier, "carrier");
      Objects.requireNonNull(from, "from");
      if (Carriers.named(carrier) == null) {
        throw new IllegalArgumentException("no carrier " + carrier + " is emulated; one of " + Carriers.labels());
      }
    }
  }

  /** The default share of each Insights metric left out or sent empty. */
  public static final double DEFAULT_MISSING_METRIC_SHARE = 0.01;

  /**
   * One more account the emulator serves beside the main one ({@code authId}): its own auth ID, token, seed (so its
   * own calls) and sliding-window limit of {@code rateLimit} requests per the main {@code rateWindow} (0: none).
   * Accounts with the same non-null {@code limitGroup} share one limiter (the group's limit: every member must name
   * the same), as subaccounts might share their main account's; the main account's group is {@link #MAIN_GROUP}.
   * Calls per day, late arrivals, injected traffic and latency are the main account's.
   */
  public record Account(String authId, String authToken, long seed, int rateLimit, String limitGroup) {
    public Account {
      Objects.requireNonNull(authId, "authId");
      Objects.requireNonNull(authToken, "authToken");
      if (authId.isEmpty() || !authId.chars().allMatch(Character::isLetterOrDigit)) {
        throw new IllegalArgumentException("account auth id must be non-empty letters and digits, got " + authId);
      }
      if (authToken.isEmpty()) {
        throw new IllegalArgumentException("account " + authId + " needs a non-empty token");
      }
      if (rateLimit < 0) {
        throw new IllegalArgumentException("account " + authId + " rate limit must be >= 0, got " + rateLimit);
      }
      if (limitGroup != null && limitGroup.isEmpty()) {
        limitGroup = null;
      }
    }
  }

  /** The limit group of the main account, for an {@link Account} that shares the main account's limiter. */
  public static final String MAIN_GROUP = "main";

  /**
   * A toll-fraud (IRSF) burst: {@code calls} extra outbound calls from US numbers to {@code country}, answered
   * and long (5 to 60 minutes), ending in the {@code minutes} minutes from {@code start} (a whole minute, UTC),
   * spread evenly over them. {@code country} is one of the account's countries or a premium destination it never
   * calls (CU, SO, LV). A burst of a day ({@link #Burst(LocalDate, String, int)}) ends its calls between 01:00 and
   * 05:00 UTC of that day.
   */
  public record Burst(Instant start, int minutes, String country, int calls) {
    public static final String DEFAULT_COUNTRY = "CU";
    public static final int DEFAULT_CALLS = 300;
    /** A burst of a day: its calls end from 01:00 UTC on, over 240 minutes. */
    public static final int DAY_FIRST_MINUTE = 60;
    public static final int DAY_MINUTES = 240;

    public Burst {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(country, "country");
      if (start.getEpochSecond() % 60 != 0 || start.getNano() != 0) {
        throw new IllegalArgumentException("burst start must be a whole minute, got " + start);
      }
      if (minutes < 1 || minutes > 10_080) {
        throw new IllegalArgumentException("burst minutes must be in [1,10080], got " + minutes);
      }
      if (Countries.byIso(country) == null) {
        throw new IllegalArgumentException("burst country must be one of " + Countries.isoCodes() + ", got " + country);
      }
      if (calls < 1 || calls > 1_000_000) {
        throw new IllegalArgumentException("burst calls must be in [1,1000000], got " + calls);
      }
    }

    /** The burst of a day: calls ending between 01:00 and 05:00 UTC of {@code day}. */
    public Burst(LocalDate day, String country, int calls) {
      this(Objects.requireNonNull(day, "day").atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
          .plusSeconds(60L * DAY_FIRST_MINUTE), DAY_MINUTES, country, calls);
    }

    /** The epoch minute of the burst's first calls' end. */
    public long firstMinute() {
      return start.getEpochSecond() / 60;
    }
  }

  /**
   * A busy hour, every day: {@code calls} extra call attempts in the UTC hour {@code hour}, rejected by the
   * trunk's limits (60% 5180 cps_limit_reached, 40% 5190 concurrent_call_limit_exceeded, within 0-2 s), a few
   * seconds of each minute carrying most of them.
   */
  public record BusyHour(int hour, int calls) {
    public static final int DEFAULT_CALLS = 600;

    public BusyHour {
      if (hour < 0 || hour > 23) {
        throw new IllegalArgumentException("busy hour must be in [0,23], got " + hour);
      }
      if (calls < 1 || calls > 1_000_000) {
        throw new IllegalArgumentException("busy hour calls must be in [1,1000000], got " + calls);
      }
    }
  }

  /**
   * A Wangiri (one-ring callback fraud) campaign on {@code day}: {@code calls} inbound calls from numbers starting
   * with {@code prefix} (a "+" and digits that begin with the dial code of one of the account's or premium
   * countries; filled up with random digits to that country's length), unanswered, ringing 1-4 s, to random numbers
   * of the account, ending 18:00-19:00 UTC; and {@code callbacks} answered outbound calls to some of those numbers
   * (1 to 10 minutes, at the country's outbound rate) ending 20:00-22:00 UTC.
   */
  public record Wangiri(LocalDate day, String prefix, int calls, int callbacks) {
    public static final String DEFAULT_PREFIX = "+535550";
    public static final int DEFAULT_CALLS = 200;
    public static final int DEFAULT_CALLBACKS = 5;

    public Wangiri {
      Objects.requireNonNull(day, "day");
      Objects.requireNonNull(prefix, "prefix");
      Countries.Country c = country(prefix);
      if (c == null || prefix.length() > 1 + c.dialCode().length() + c.nationalDigits()) {
        throw new IllegalArgumentException("wangiri prefix must be + and digits starting with a dial code of "
            + Countries.isoCodes() + ", not longer than that country's numbers, got " + prefix);
      }
      if (calls < 1 || calls > 100_000) {
        throw new IllegalArgumentException("wangiri calls must be in [1,100000], got " + calls);
      }
      if (callbacks < 0 || callbacks > calls) {
        throw new IllegalArgumentException("wangiri callbacks must be in [0,calls], got " + callbacks);
      }
    }

    /** The country whose dial code begins {@code prefix} ("+" and digits), or null. */
    static Countries.Country country(String prefix) {
      if (prefix == null || !prefix.matches("\\+[0-9]+")) {
        return null;
      }
      for (String iso : Countries.isoCodes()) {
        Countries.Country c = Countries.byIso(iso);
        // +1 is shared by US and CA: the first listed (US) stands for it
        if (prefix.startsWith("+" + c.dialCode())) {
          return c;
        }
      }
      return null;
    }
  }

  public static final String DEFAULT_AUTH_ID = "MAEMULATOR0000000000";
  public static final String DEFAULT_AUTH_TOKEN = "emulator-token";

  public EmulatorConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(authId, "authId");
    Objects.requireNonNull(authToken, "authToken");
    Objects.requireNonNull(rateWindow, "rateWindow");
    Objects.requireNonNull(latencyMean, "latencyMean");
    Objects.requireNonNull(latencyJitter, "latencyJitter");
    Objects.requireNonNull(faults, "faults");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0,65535], got " + port);
    }
    if (authId.isEmpty() || !authId.chars().allMatch(Character::isLetterOrDigit)) {
      throw new IllegalArgumentException("authId must be non-empty letters and digits");
    }
    if (callsPerDay < 0 || callsPerDay > 50_000_000L) {
      throw new IllegalArgumentException("callsPerDay must be in [0,50000000], got " + callsPerDay);
    }
    if (!(lateShare >= 0 && lateShare <= 1)) {
      throw new IllegalArgumentException("lateShare must be in [0,1], got " + lateShare);
    }
    if (lateMaxMinutes < 0 || (lateShare > 0 && lateMaxMinutes < 1)) {
      throw new IllegalArgumentException("lateMaxMinutes must be >= 1 when lateShare > 0");
    }
    if (rateLimit < 0) {
      throw new IllegalArgumentException("rateLimit must be >= 0");
    }
    if (rateLimit > 0 && (rateWindow.isZero() || rateWindow.isNegative())) {
      throw new IllegalArgumentException("rateWindow must be positive");
    }
    if (latencyMean.isNegative() || latencyJitter.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative");
    }
    if (cachedCalls < 1_000) {
      throw new IllegalArgumentException("cachedCalls must be >= 1000, got " + cachedCalls);
    }
    if (!(noToCountryShare >= 0 && noToCountryShare <= 1)) {
      throw new IllegalArgumentException("noToCountryShare must be in [0,1], got " + noToCountryShare);
    }
    if (!(unlistedCodeShare >= 0 && unlistedCodeShare <= 1)) {
      throw new IllegalArgumentException("unlistedCodeShare must be in [0,1], got " + unlistedCodeShare);
    }
    if (!(missingMetricShare >= 0 && missingMetricShare <= 1)) {
      throw new IllegalArgumentException("missingMetricShare must be in [0,1], got " + missingMetricShare);
    }
    if (!(hostileInsightsShare >= 0 && hostileInsightsShare <= 1)) {
      throw new IllegalArgumentException("hostileInsightsShare must be in [0,1], got " + hostileInsightsShare);
    }
    moreAccounts = moreAccounts == null ? java.util.List.of() : java.util.List.copyOf(moreAccounts);
    java.util.Map<String, Integer> groupLimits = new java.util.HashMap<>();
    groupLimits.put(MAIN_GROUP, rateLimit);
    java.util.Set<String> ids = new java.util.HashSet<>(java.util.List.of(authId));
    for (Account a : moreAccounts) {
      if (!ids.add(a.authId())) {
        throw new IllegalArgumentException("account " + a.authId() + " is served twice");
      }
      if (a.limitGroup() != null) {
        Integer prior = groupLimits.putIfAbsent(a.limitGroup(), a.rateLimit());
        if (prior != null && prior != a.rateLimit()) {
          throw new IllegalArgumentException("account " + a.authId() + " has limit " + a.rateLimit() + " but its group "
              + a.limitGroup() + " has " + prior + ": the accounts of a group share one limit");
        }
      }
    }
  }

  /** Every account served: the main one first ({@link #MAIN_GROUP}), then {@link #moreAccounts()}. */
  public java.util.List<Account> accounts() {
    java.util.List<Account> all = new java.util.ArrayList<>();
    all.add(new Account(authId, authToken, seed, rateLimit, MAIN_GROUP));
    all.addAll(moreAccounts);
    return all;
  }

  /** This configuration as seen by one account: its id, token, seed and limit, the rest shared. */
  EmulatorConfig forAccount(Account a) {
    return new EmulatorConfig(host, port, a.authId(), a.authToken(), a.seed(), callsPerDay, now, lateShare,
        lateMaxMinutes, a.rateLimit(), rateWindow, retryAfter, latencyMean, latencyJitter, faults, unlistedCodeShare,
        cachedCalls, burst, busyHour, wangiri, rateClock, fixedRateWindow, java.util.List.of(), noToCountryShare,
        carrierFault, missingMetricShare, hostileInsightsShare, trunkLimit);
  }

  /** Late-arrival maximum delay in whole seconds (0 when late arrival is off). */
  long lateMaxSeconds() {
    return lateShare > 0 ? lateMaxMinutes * 60L : 0L;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 0;
    private String authId = DEFAULT_AUTH_ID;
    private String authToken = DEFAULT_AUTH_TOKEN;
    private long seed = 1L;
    private long callsPerDay = 10_000L;
    private Instant now;
    private double lateShare;
    private int lateMaxMinutes;
    private int rateLimit = 300;
    private Duration rateWindow = Duration.ofSeconds(5);
    private boolean fixedRateWindow;
    private boolean retryAfter = true;
    private Duration latencyMean = Duration.ZERO;
    private Duration latencyJitter = Duration.ZERO;
    private Faults faults = Faults.NONE;
    private double unlistedCodeShare;
    private double noToCountryShare;
    private long cachedCalls = 60_000;
    private Burst burst;
    private BusyHour busyHour;
    private Wangiri wangiri;
    private java.util.function.LongSupplier rateClock = System::nanoTime;
    private final java.util.List<Account> moreAccounts = new java.util.ArrayList<>();
    private CarrierFault carrierFault;
    private double missingMetricShare = DEFAULT_MISSING_METRIC_SHARE;
    private double hostileInsightsShare;
    private TrunkLimit trunkLimit;

    /**
     * Limits trunk {@code trunkId} (one of {@link ZentrunkEmulator#trunkIds(long)}) to {@code channels} concurrent
     * calls for the calls initiated in {@code [from, to)} (see {@link TrunkLimit}); default: no limit.
     */
    public Builder trunkLimit(String trunkId, int channels, Instant from, Instant to) {
      this.trunkLimit = new TrunkLimit(trunkId, channels, from, to);
      return this;
    }

    /** Makes one carrier's calls degrade from {@code from} on (see {@link CarrierFault}); default: none. */
    public Builder carrierFault(String carrier, Instant from) {
      this.carrierFault = new CarrierFault(carrier, from);
      return this;
    }

    /**
     * The share of each Insights metric left out of the body or sent empty (half each), drawn per call and metric;
     * default {@link #DEFAULT_MISSING_METRIC_SHARE}: every metric can be missing, as the API does not promise them.
     */
    public Builder missingMetrics(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("missing metric share must be in [0,1], got " + share);
      }
      this.missingMetricShare = share;
      return this;
    }

    /**
     * A share of the calls with Insights whose body is hostile: a metric "n/a", a quality score of 7.5 or 0, a packet
     * loss of 140, a negative round-trip time, or no {@code to} (see {@link EmulatedInsights#oddity()}); default 0.
     */
    public Builder hostileInsights(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("hostile insights share must be in [0,1], got " + share);
      }
      this.hostileInsightsShare = share;
      return this;
    }

    private Builder() {}

    /** Serves one more account (see {@link Account}); default: only the main one. */
    public Builder account(Account a) {
      this.moreAccounts.add(Objects.requireNonNull(a, "account"));
      return this;
    }

    /** Address to bind; default 127.0.0.1. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Port to bind; 0 (the default) picks an ephemeral port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder authId(String authId) {
      this.authId = authId;
      return this;
    }

    public Builder authToken(String authToken) {
      this.authToken = authToken;
      return this;
    }

    /** Seed of the synthetic account; default 1. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Average calls per day (the diurnal and weekly shape vary around it); default 10,000. */
    public Builder callsPerDay(long callsPerDay) {
      this.callsPerDay = callsPerDay;
      return this;
    }

    /** A fixed clock at {@code now}. */
    public Builder now(Instant now) {
      this.now = Objects.requireNonNull(now, "now");
      return this;
    }

    /** The live (system) clock; the default. */
    public Builder liveClock() {
      this.now = null;
      return this;
    }

    /**
     * A share of calls becomes visible only 1..{@code maxMinutes} minutes after its end_time.
     * Default: off.
     */
    public Builder lateArrival(double share, int maxMinutes) {
      this.lateShare = share;
      this.lateMaxMinutes = maxMinutes;
      return this;
    }

    /** Sliding-window rate limit per account; default 300 per 5 s. */
    public Builder rateLimit(int requests, Duration window) {
      if (requests < 1) {
        throw new IllegalArgumentException("rate limit must be >= 1 (use rateLimitOff())");
      }
      this.rateLimit = requests;
      this.rateWindow = Objects.requireNonNull(window, "window");
      return this;
    }

    /**
     * Counts the rate limit in fixed windows aligned to the clock (each starts at a multiple of the window since the
     * epoch; the count starts again at each boundary) instead of the default sliding window.
     */
    public Builder fixedRateWindow(boolean fixed) {
      this.fixedRateWindow = fixed;
      return this;
    }

    public Builder rateLimitOff() {
      this.rateLimit = 0;
      return this;
    }

    /** Whether a 429 carries Retry-After; default true. */
    public Builder retryAfter(boolean retryAfter) {
      this.retryAfter = retryAfter;
      return this;
    }

    /** Delay before each API answer: mean ± uniform jitter; default 0. */
    public Builder latency(Duration mean, Duration jitter) {
      this.latencyMean = Objects.requireNonNull(mean, "mean");
      this.latencyJitter = Objects.requireNonNull(jitter, "jitter");
      return this;
    }

    public Builder faults(Faults faults) {
      this.faults = Objects.requireNonNull(faults, "faults");
      return this;
    }

    /**
     * A share of calls ends with {@link HangupCodes#UNLISTED}, a code the reference table does
     * not list (as a real service may add codes): for testing that readers stay exact. Chosen per
     * call from its own random stream, so the other fields of every call stay as without it.
     * Default: 0 (off).
     */
    public Builder unlistedHangupCodes(double share) {
      this.unlistedCodeShare = share;
      return this;
    }

    /**
     * A share of calls (the account's and injected ones) whose CDR leaves {@code to_country} out, as the API's
     * nullable field allows. Chosen per call from its own random stream: every other field stays as without it.
     * Default: 0 (off).
     */
    public Builder noToCountry(double share) {
      this.noToCountryShare = share;
      return this;
    }

    /**
     * Calls the cache of generated minutes holds; default 60,000 (about 90 MB). A filtered count
     * over a window holding more calls generates the window's calls again for every new filter
     * (0.4 s for 150,000 calls on a loaded 2-core machine): benchmarks that probe 30 days of an
     * account with many filters raise it above the window's calls, so that the emulator's CPU
     * does not stand in for the API's answer time.
     */
    public Builder cachedCalls(long calls) {
      this.cachedCalls = calls;
      return this;
    }

    /** Injects an IRSF burst on a day, 01:00-05:00 UTC (see {@link Burst}); default: none. */
    public Builder burst(LocalDate day, String country, int calls) {
      this.burst = new Burst(day, country, calls);
      return this;
    }

    /** Injects an IRSF burst whose calls end in the {@code minutes} minutes from {@code start} (see {@link Burst}). */
    public Builder burst(Instant start, int minutes, String country, int calls) {
      this.burst = new Burst(start, minutes, country, calls);
      return this;
    }

    /** Makes one UTC hour of every day busy beyond the trunk's limits (see {@link BusyHour}); default: none. */
    public Builder busyHour(int hour, int calls) {
      this.busyHour = new BusyHour(hour, calls);
      return this;
    }

    /** Injects a Wangiri campaign (see {@link Wangiri}); default: none. */
    public Builder wangiri(LocalDate day, String prefix, int calls, int callbacks) {
      this.wangiri = new Wangiri(day, prefix, calls, callbacks);
      return this;
    }

    public EmulatorConfig build() {
      return new EmulatorConfig(
          host, port, authId, authToken, seed, callsPerDay, now, lateShare, lateMaxMinutes,
          rateLimit, rateWindow, retryAfter, latencyMean, latencyJitter, faults, unlistedCodeShare, cachedCalls,
          burst, busyHour, wangiri, rateClock, fixedRateWindow, moreAccounts, noToCountryShare, carrierFault,
          missingMetricShare, hostileInsightsShare, trunkLimit);
    }

    /** The nanosecond clock of the rate limit and the request statistics (default {@link System#nanoTime()}). */
    public Builder rateClock(java.util.function.LongSupplier clock) {
      this.rateClock = Objects.requireNonNull(clock, "clock");
      return this;
    }
  }
}
