package io.zentrunk.spark.source;

import static io.zentrunk.spark.source.ReadOptions.*;

import io.zentrunk.spark.budget.BudgetKey;
import io.zentrunk.spark.budget.Budgets;
import io.zentrunk.spark.budget.PermitEndpoint;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ClientConfig;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.ZentrunkClient;
import io.zentrunk.spark.window.WindowReader;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The options of one read, parsed and checked once on the driver, before any request, with the
 * declarations of {@link ReadOptions}. Every mistake is an {@link IllegalArgumentException} with
 * one line that names the option and what it accepts. Immutable and serializable;
 * {@link #toString()} hides the token.
 */
public final class ReadConf implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The first account's (the only one's, but for a read of {@code auth_ids}). */
  final ClientConfig client;
  /** Every account read, in the order of {@code auth_ids} (one for a read of {@code auth_id}). */
  final java.util.List<ClientConfig> accounts;
  /** The driver's permit service (executors on a cluster), or null: this JVM's own budget. */
  final PermitEndpoint permits;
  /** What the options ask the API for: window bounds (open where not given) and filters. */
  final ReadRequest request;
  final Long nowMicros;
  final boolean clampToRetention;
  final int concurrency;
  final long partitionRecords;
  final int planningConcurrency;
  final int maxRereads;
  final boolean pushdownFilters;
  final boolean pushdownLimit;
  final boolean pushdownAggregate;
  final boolean pushdownGroupCount;
  /** Streams: how far the offset stays behind the API's clock. */
  final long lagMicros;
  /** Streams: pages of records one batch may read, or null. */
  final Integer maxRequestsPerTrigger;
  /** The table read: {@code calls} or {@code call_insights} ({@code insights} is read as it). */
  final String table;
  final int maxRequests;
  /** call_insights: the share of calls kept (1: all). */
  final double sample;

  private ReadConf(Map<String, String> o, Function<String, String> env) {
    for (String k : o.keySet()) {
      if (byKey(k) == null && rangeFilterOf(k) == null && !k.equals("path")) {
        throw new IllegalArgumentException("Unknown option '" + k + "'; the zentrunk source accepts: "
            + String.join(", ", ALL.keySet()) + ", " + BILL_DURATION.key() + "__gt/__gte/__lt/__lte");
      }
    }
    String apiUrl = API_URL.get(o);
    int requestTimeout = REQUEST_TIMEOUT_MS.get(o);
    int connectTimeout = CONNECT_TIMEOUT_MS.get(o);
    int maxRetries = MAX_RETRIES.get(o);
    int budget = REQUEST_BUDGET.get(o);
    int budgetWindow = BUDGET_WINDOW_MS.get(o);
    this.concurrency = CONCURRENCY.get(o);
    this.partitionRecords = PARTITION_RECORDS.get(o);
    this.planningConcurrency = PLANNING_CONCURRENCY.get(o);
    this.maxRereads = MAX_REREADS.get(o);
    this.pushdownFilters = PUSHDOWN_FILTERS.get(o);
    this.pushdownLimit = PUSHDOWN_LIMIT.get(o);
    this.pushdownAggregate = PUSHDOWN_AGGREGATE.get(o);
    this.pushdownGroupCount = PUSHDOWN_GROUP_COUNT.get(o);
    Long lag = LAG.get(o);
    this.lagMicros = lag != null ? lag : DEFAULT_LAG_MICROS;
    this.maxRequestsPerTrigger = MAX_REQUESTS_PER_TRIGGER.get(o);
    this.table = TABLE.get(o).equals("insights") ? INSIGHTS_TABLE : TABLE.get(o);
    this.maxRequests = MAX_REQUESTS.get(o);
    Double s = SAMPLE.get(o);
    this.sample = s == null ? 1.0 : s;
    if (!insights()) {
      for (ReadOption<?> only : java.util.List.of(MAX_REQUESTS, SAMPLE)) {
        if (o.containsKey(only.key())) {
          throw new IllegalArgumentException("Option '" + only.key() + "' is an option of table call_insights, not of "
              + "table " + table);
        }
      }
    }
    this.clampToRetention = CLAMP_TO_RETENTION.get(o);
    this.nowMicros = NOW.get(o);
    this.request = request(o);
    // Credentials last: a wrong option value is the more specific mistake to report.
    String authIds = AUTH_IDS.get(o);
    String credentialsFile = CREDENTIALS_FILE.get(o);
    String sharedBudget = SHARED_BUDGET.get(o);
    if (authIds != null) {
      for (ReadOption<String> single : java.util.List.of(AUTH_ID, AUTH_TOKEN)) {
        if (o.containsKey(single.key())) {
          throw new IllegalArgumentException("Option '" + single.key() + "' does not go with option '" + AUTH_IDS.key()
              + "': list every account in " + AUTH_IDS.key() + ", its token in " + ENV_AUTH_TOKEN_PREFIX + "<AUTH_ID> or "
              + CREDENTIALS_FILE.key());
        }
      }
      ClientConfig base = new ClientConfig(apiUrl, "-", "-", requestTimeout, connectTimeout, maxRetries, budget,
          budgetWindow);
      this.accounts = java.util.List.copyOf(Accounts.parse(authIds, credentialsFile, sharedBudget, base, env));
    } else {
      for (ReadOption<String> multi : java.util.List.of(CREDENTIALS_FILE, SHARED_BUDGET)) {
        if (o.containsKey(multi.key())) {
          throw new IllegalArgumentException("Option '" + multi.key() + "' needs option '" + AUTH_IDS.key() + "'");
        }
      }
      String authId = credential(o, AUTH_ID, env.apply(ENV_AUTH_ID), ENV_AUTH_ID);
      String token = credential(o, AUTH_TOKEN, env.apply(ENV_AUTH_TOKEN), ENV_AUTH_TOKEN);
      this.accounts = java.util.List.of(
          new ClientConfig(apiUrl, authId, token, requestTimeout, connectTimeout, maxRetries, budget, budgetWindow));
    }
    this.client = accounts.get(0);
    this.permits = null;
  }

  private ReadConf(ReadConf o, PermitEndpoint permits) {
    this(o, permits, o.accounts);
  }

  private ReadConf(ReadConf o, PermitEndpoint permits, java.util.List<ClientConfig> accounts) {
    this.accounts = java.util.List.copyOf(accounts);
    this.client = this.accounts.get(0);
    this.permits = permits;
    this.request = o.request;
    this.nowMicros = o.nowMicros;
    this.clampToRetention = o.clampToRetention;
    this.concurrency = o.concurrency;
    this.partitionRecords = o.partitionRecords;
    this.planningConcurrency = o.planningConcurrency;
    this.maxRereads = o.maxRereads;
    this.pushdownFilters = o.pushdownFilters;
    this.pushdownLimit = o.pushdownLimit;
    this.pushdownAggregate = o.pushdownAggregate;
    this.pushdownGroupCount = o.pushdownGroupCount;
    this.lagMicros = o.lagMicros;
    this.maxRequestsPerTrigger = o.maxRequestsPerTrigger;
    this.table = o.table;
    this.maxRequests = o.maxRequests;
    this.sample = o.sample;
  }

  /** The name of the Insights table (option {@code table}, and the catalog's table). */
  static final String INSIGHTS_TABLE = "call_insights";

  /** Whether the read is of the Insights table. */
  boolean insights() {
    return table.equals(INSIGHTS_TABLE);
  }

  /** The window and filter options as a request, through the same builder as pushed predicates. */
  private static ReadRequest request(Map<String, String> o) {
    ReadRequest.Builder b = ReadRequest.builder();
    Long start = START.get(o);
    Long end = END.get(o);
    if (start != null && end != null && start >= end) {
      throw new IllegalArgumentException("Option '" + START.key() + "' (" + ApiTime.display(start)
          + ") must be before option '" + END.key() + "' (" + ApiTime.display(end) + "): the window is start <= end_time < end");
    }
    if (start != null) {
      b.endTimeAtLeast(start, ReadRequest.Origin.OPTION);
    }
    if (end != null) {
      b.endTimeBefore(end, ReadRequest.Origin.OPTION);
    }
    for (Map.Entry<String, String> e : o.entrySet()) {
      ReadOption<?> filter = byKey(e.getKey());
      ReadRequest.Op op = ReadRequest.Op.EQ;
      if (filter == null || filter.filterKind() == null) {
        filter = rangeFilterOf(e.getKey());
        if (filter == null) {
          continue;
        }
        op = switch (e.getKey().substring(filter.key().length())) {
          case "__gt" -> ReadRequest.Op.GT;
          case "__gte" -> ReadRequest.Op.GTE;
          case "__lt" -> ReadRequest.Op.LT;
          case "__lte" -> ReadRequest.Op.LTE;
          default -> throw new IllegalArgumentException("Unknown option '" + e.getKey() + "'; " + filter.key()
              + " takes " + filter.key() + ", __gt, __gte, __lt or __lte");
        };
      }
      b.filter(filter, op, "Option '" + e.getKey() + "'", e.getValue(), ReadRequest.Origin.OPTION);
    }
    return b.build();
  }

  /** The range filter whose comparison option {@code key} is ({@code bill_duration__gt}), or null. */
  private static ReadOption<?> rangeFilterOf(String key) {
    for (ReadOption<?> f : FILTERS) {
      if (f.filterKind() == ReadOption.FilterKind.RANGE && key.startsWith(f.key() + "__")) {
        return f;
      }
    }
    return null;
  }

  private static String credential(Map<String, String> o, ReadOption<String> option, String fromEnv, String envName) {
    String v = o.containsKey(option.key()) ? option.get(o) : fromEnv == null ? null : option.parse(fromEnv);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("Option '" + option.key() + "' is required (or set the environment variable " + envName + ")");
    }
    return v.trim();
  }

  /** The same read of some of its accounts only (at least one), each with its budget as before. */
  ReadConf withAccounts(java.util.List<ClientConfig> some) {
    return new ReadConf(this, permits, some);
  }

  /** The same read, its executors leasing permits from the driver's service. */
  ReadConf withPermits(PermitEndpoint permits) {
    return new ReadConf(this, permits);
  }

  /** A client of the API for one reader, under the read's budget (this JVM's, or the driver's service). */
  ZentrunkClient newClient(ReadStats stats) {
    return newClient(stats, 0);
  }

  /** A client of the {@code account}-th account ({@link #accounts}) under its budget. */
  ZentrunkClient newClient(ReadStats stats, int account) {
    ClientConfig c = accounts.get(account);
    // one budget per API host and account, or per group of accounts sharing one limit (shared_budget)
    return new ZentrunkClient(c, Budgets.of(BudgetKey.of(c.apiUrl(), c.budgetAccount()), c, permits), stats);
  }

  /** The auth id of the {@code account}-th account: the {@code account_id} of its rows. */
  String accountId(int account) {
    return accounts.get(account).authId();
  }

  /** A reader of one window's CDRs (the {@code wanted} columns) with this read's concurrency and rereads. */
  WindowReader.Builder windowReader(CdrQuery query, boolean[] wanted, ReadStats stats) {
    return windowReader(query, wanted, stats, 0);
  }

  /** As {@link #windowReader(CdrQuery, boolean[], ReadStats)}, of the {@code account}-th account. */
  WindowReader.Builder windowReader(CdrQuery query, boolean[] wanted, ReadStats stats, int account) {
    return WindowReader.over(newClient(stats, account), query).columns(wanted).concurrency(concurrency).maxRereads(maxRereads)
        .stats(stats);
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

  /** The reference clock in epoch microseconds. */
  long now() {
    return nowMicros != null ? nowMicros : ApiTime.toMicros(java.time.Instant.now());
  }

  @Override
  public String toString() {
    return "ReadConf{" + (accounts.size() == 1 ? client : accounts) + ", " + request + "}";
  }
}
