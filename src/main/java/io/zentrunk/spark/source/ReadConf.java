package io.zentrunk.spark.source;

import static io.zentrunk.spark.source.ReadOptions.*;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.ClientConfig;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The options of one read, parsed and checked once on the driver, before any request.
 * Every mistake is an {@link IllegalArgumentException} with one line that names the option and
 * what it accepts. Immutable and serializable; {@link #toString()} hides the token.
 */
public final class ReadConf implements Serializable {
  private static final long serialVersionUID = 1L;

  static final Set<String> DIRECTIONS = Set.of("inbound", "outbound");
  static final Set<String> SOURCES = Set.of("customer", "carrier", "zentrunk");
  static final Set<String> STIR = Set.of("Verified", "Not Verified", "Not Applicable");

  final ClientConfig client;
  final Long startMicros;
  final Long endMicros;
  final Long nowMicros;
  final boolean clampToRetention;
  /** API equality filters from options: call_direction, hangup_source, stir_verification, hangup_cause_code, number prefixes. */
  final TreeMap<String, String> equalities = new TreeMap<>();
  /** bill_duration bounds from options, inclusive; null = unbounded. */
  final Long billMin;
  final Long billMax;
  final int concurrency;
  final long partitionRecords;
  final int planningConcurrency;
  final int maxRereads;
  final boolean pushdownFilters;
  final boolean pushdownLimit;
  final boolean pushdownAggregate;

  private ReadConf(Map<String, String> o, Function<String, String> env) {
    for (String key : o.keySet()) {
      String k = key.toLowerCase(Locale.ROOT);
      if (!DOCS.containsKey(k) && !k.startsWith(BILL_DURATION) && !k.equals("path")) {
        throw new IllegalArgumentException("Unknown option '" + key + "'; the zentrunk source accepts: "
            + String.join(", ", DOCS.keySet()) + ", bill_duration__gt/__gte/__lt/__lte");
      }
    }
    String apiUrl = text(o, API_URL, ClientConfig.DEFAULT_API_URL);
    String urlProblem = ClientConfig.checkApiUrl(apiUrl);
    if (urlProblem != null) {
      throw new IllegalArgumentException("Option 'api_url' (" + apiUrl + ") " + urlProblem);
    }
    int budget = integer(o, REQUEST_BUDGET, 250, 1, 1_000_000);
    int budgetWindow = integer(o, BUDGET_WINDOW_MS, 5000, 100, 3_600_000);
    int maxRetries = integer(o, MAX_RETRIES, 10, 0, 100);
    int requestTimeout = integer(o, REQUEST_TIMEOUT_MS, 30_000, 100, 3_600_000);
    int connectTimeout = integer(o, CONNECT_TIMEOUT_MS, 10_000, 100, 600_000);
    // One partition makes about concurrency / latency requests per second, and reads of fewer
    // than partition_records CDRs (and the last partition of any read) have one: 8 in flight
    // made 65-70 req/s at 100 ms latency (jobs/bench rate --quick), barely above the default
    // limit of 60/s and below it at the 150-300 ms of a real network; 16 made 130 req/s.
    // Requests beyond the budget wait in RequestBudget, so more in flight never means more sent.
    this.concurrency = integer(o, CONCURRENCY, 16, 1, 256);
    this.partitionRecords = integer(o, PARTITION_RECORDS, 10_000, 20, 100_000_000);
    this.planningConcurrency = integer(o, PLANNING_CONCURRENCY, 8, 1, 256);
    this.maxRereads = integer(o, MAX_REREADS, 3, 0, 100);
    this.pushdownFilters = bool(o, PUSHDOWN_FILTERS, true);
    this.pushdownLimit = bool(o, PUSHDOWN_LIMIT, true);
    this.pushdownAggregate = bool(o, PUSHDOWN_AGGREGATE, true);
    this.clampToRetention = bool(o, CLAMP_TO_RETENTION, false);
    this.nowMicros = o.containsKey(NOW) ? ApiTime.parseUserTime("Option 'now'", o.get(NOW)) : null;
    this.startMicros = o.containsKey(START) ? ApiTime.parseUserTime("Option 'start'", o.get(START)) : null;
    this.endMicros = o.containsKey(END) ? ApiTime.parseUserTime("Option 'end'", o.get(END)) : null;
    if (startMicros != null && endMicros != null && startMicros >= endMicros) {
      throw new IllegalArgumentException("Option 'start' (" + ApiTime.display(startMicros)
          + ") must be before option 'end' (" + ApiTime.display(endMicros) + "): the window is start <= end_time < end");
    }
    enumOption(o, CALL_DIRECTION, DIRECTIONS);
    enumOption(o, HANGUP_SOURCE, SOURCES);
    enumOption(o, STIR_VERIFICATION, STIR);
    if (o.containsKey(HANGUP_CAUSE_CODE)) {
      equalities.put(HANGUP_CAUSE_CODE, Integer.toString(integer(o, HANGUP_CAUSE_CODE, 0, 1000, 9999)));
    }
    numberOption(o, FROM_NUMBER);
    numberOption(o, TO_NUMBER);
    long lo = Long.MIN_VALUE;
    long hi = Long.MAX_VALUE;
    for (String k : BILL_DURATION_KEYS) {
      if (o.containsKey(k)) {
        long v = integer(o, k, 0, 0, Integer.MAX_VALUE);
        switch (k.substring(BILL_DURATION.length())) {
          case "" -> { lo = Math.max(lo, v); hi = Math.min(hi, v); }
          case "__gt" -> lo = Math.max(lo, v + 1);
          case "__gte" -> lo = Math.max(lo, v);
          case "__lt" -> hi = Math.min(hi, v - 1);
          case "__lte" -> hi = Math.min(hi, v);
          default -> throw new AssertionError(k);
        }
      }
    }
    for (String key : o.keySet()) {
      String k = key.toLowerCase(Locale.ROOT);
      if (k.startsWith(BILL_DURATION) && !java.util.Arrays.asList(BILL_DURATION_KEYS).contains(k)) {
        throw new IllegalArgumentException("Unknown option '" + key + "'; bill_duration takes bill_duration, __gt, __gte, __lt or __lte");
      }
    }
    this.billMin = lo == Long.MIN_VALUE ? null : lo;
    this.billMax = hi == Long.MAX_VALUE ? null : hi;
    // Credentials last: a wrong option value is the more specific mistake to report.
    String authId = text(o, AUTH_ID, env.apply(ENV_AUTH_ID));
    if (authId == null || authId.isBlank()) {
      throw new IllegalArgumentException("Option 'auth_id' is required (or set the environment variable " + ENV_AUTH_ID + ")");
    }
    if (!authId.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("Option 'auth_id' must hold only letters, digits, '_' and '-'");
    }
    String token = text(o, AUTH_TOKEN, env.apply(ENV_AUTH_TOKEN));
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("Option 'auth_token' is required (or set the environment variable " + ENV_AUTH_TOKEN + ")");
    }
    this.client = new ClientConfig(apiUrl, authId.trim(), token.trim(), requestTimeout, connectTimeout, maxRetries, budget, budgetWindow);
  }

  private ReadConf(ReadConf o, ClientConfig client) {
    this.client = client;
    this.startMicros = o.startMicros;
    this.endMicros = o.endMicros;
    this.nowMicros = o.nowMicros;
    this.clampToRetention = o.clampToRetention;
    this.equalities.putAll(o.equalities);
    this.billMin = o.billMin;
    this.billMax = o.billMax;
    this.concurrency = o.concurrency;
    this.partitionRecords = o.partitionRecords;
    this.planningConcurrency = o.planningConcurrency;
    this.maxRereads = o.maxRereads;
    this.pushdownFilters = o.pushdownFilters;
    this.pushdownLimit = o.pushdownLimit;
    this.pushdownAggregate = o.pushdownAggregate;
  }

  /** The same read, its executors leasing permits from the driver's service. */
  ReadConf withPermits(io.zentrunk.spark.client.PermitEndpoint permits) {
    return new ReadConf(this, client.withPermits(permits));
  }

  /** Parses options (a case-insensitive map as Spark gives them); credentials default to the environment. */
  public static ReadConf parse(Map<String, String> options) {
    return parse(options, System::getenv);
  }

  static ReadConf parse(Map<String, String> options, Function<String, String> env) {
    TreeMap<String, String> lower = new TreeMap<>();
    options.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    return new ReadConf(lower, env);
  }

  private static String text(Map<String, String> o, String key, String dflt) {
    String v = o.get(key);
    return v == null ? dflt : v;
  }

  private static int integer(Map<String, String> o, String key, int dflt, int min, int max) {
    String v = o.get(key);
    if (v == null) {
      return dflt;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Option '" + key + "' must be a whole number from " + min + " to " + max + ", not '" + v + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("Option '" + key + "' must be from " + min + " to " + max + ", not " + n);
    }
    return (int) n;
  }

  private static boolean bool(Map<String, String> o, String key, boolean dflt) {
    String v = o.get(key);
    if (v == null) {
      return dflt;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("Option '" + key + "' must be true or false, not '" + v + "'");
    };
  }

  private void enumOption(Map<String, String> o, String key, Set<String> allowed) {
    String v = o.get(key);
    if (v == null) {
      return;
    }
    if (!allowed.contains(v)) {
      throw new IllegalArgumentException("Option '" + key + "' must be one of " + new java.util.TreeSet<>(allowed) + ", not '" + v + "'");
    }
    equalities.put(key, v);
  }

  private void numberOption(Map<String, String> o, String key) {
    String v = o.get(key);
    if (v == null) {
      return;
    }
    String digits = v.trim().startsWith("+") ? v.trim().substring(1) : v.trim();
    if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("Option '" + key + "' must be a phone number or prefix of digits (a leading '+' is allowed), not '" + v + "'");
    }
    equalities.put(key, digits);
  }

  /** The reference clock in epoch microseconds. */
  long now() {
    return nowMicros != null ? nowMicros : ApiTime.toMicros(java.time.Instant.now());
  }

  @Override
  public String toString() {
    return "ReadConf{" + client + ", start=" + startMicros + ", end=" + endMicros + ", filters=" + equalities + "}";
  }
}
