package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ClientConfig;
import static io.zentrunk.spark.source.ReadOption.FilterKind.EQUAL;
import static io.zentrunk.spark.source.ReadOption.FilterKind.PREFIX;
import static io.zentrunk.spark.source.ReadOption.FilterKind.RANGE;
import static io.zentrunk.spark.source.ReadOption.apiUrl;
import static io.zentrunk.spark.source.ReadOption.authId;
import static io.zentrunk.spark.source.ReadOption.authIds;
import static io.zentrunk.spark.source.ReadOption.sharedBudget;
import static io.zentrunk.spark.source.ReadOption.bool;
import static io.zentrunk.spark.source.ReadOption.digits;
import static io.zentrunk.spark.source.ReadOption.duration;
import static io.zentrunk.spark.source.ReadOption.fraction;
import static io.zentrunk.spark.source.ReadOption.integer;
import static io.zentrunk.spark.source.ReadOption.integerOrAuto;
import static io.zentrunk.spark.source.ReadOption.oneOf;
import static io.zentrunk.spark.source.ReadOption.text;
import static io.zentrunk.spark.source.ReadOption.time;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every option of the {@code zentrunk} source, declared once: key, default, accepted values and
 * meaning, in the order of the generated options reference (docs/reference/read-options.md, which a test
 * compares with this table). Keys are case-insensitive, as all Spark options.
 *
 * <p>To add one of the API's filters: declare it here with {@link ReadOption#filter} (an
 * equality filter then works as an option and as a pushed {@code column = value} at once), regenerate
 * the reference ({@code jobs/docs --regenerate}), and, only if its predicates need more than equality, its translation in
 * {@link FilterPushdown}.
 */
public final class ReadOptions {
  private ReadOptions() {}

  // What to read
  public static final ReadOption<String> TABLE = ReadOption.of("table", "calls", oneOf("calls", "call_insights",
      "insights"), "calls: the CDRs; call_insights (or insights): one row of quality metrics per call of the window "
          + "after the API filters, one Insights request per call (see Call Insights)");
  // The default at the default budget (250 per 5 s): about 3.3 minutes of requests
  public static final ReadOption<Integer> MAX_REQUESTS = ReadOption.of("max_requests", 10_000,
      integer(1, Integer.MAX_VALUE), "call_insights: the read is refused, before any Insights request, when the "
          + "window's calls (total_count, times sample) exceed this many");
  public static final ReadOption<Double> SAMPLE = ReadOption.described("sample", "1 (every call)", fraction(),
      "call_insights: the share of calls read, kept by a hash of call_uuid (the same calls on every run): 0.1 reads "
          + "about a tenth");
  // Endpoint and credentials
  public static final ReadOption<String> AUTH_ID = ReadOption.described("auth_id", "env PLIVO_AUTH_ID", authId(),
      "the account's auth id");
  public static final ReadOption<String> AUTH_TOKEN = ReadOption.described("auth_token", "env PLIVO_AUTH_TOKEN", text(),
      "the account's auth token (never printed)");
  public static final ReadOption<String> AUTH_IDS = ReadOption.described("auth_ids", "auth_id alone", authIds(),
      "several accounts in one read: auth ids separated by commas, each token from the environment variable "
          + "PLIVO_AUTH_TOKEN_<AUTH_ID> or credentials_file (never an option); every row carries its account_id");
  public static final ReadOption<String> CREDENTIALS_FILE = ReadOption.described("credentials_file", "none",
      text(), "tokens of auth_ids: a file of AUTH_ID=TOKEN lines that only its owner may read (refused if its group or "
          + "others can)");
  public static final ReadOption<String> SHARED_BUDGET = ReadOption.described("shared_budget",
      "all if a subaccount (SA...) is listed, else none", sharedBudget(),
      "which accounts of auth_ids draw on one request budget: none (each its own), all, or groups of auth ids "
          + "(ID,ID;ID,ID; the others each their own)");
  public static final ReadOption<String> API_URL = ReadOption.of("api_url", ClientConfig.DEFAULT_API_URL, apiUrl(),
      "the API's base URL; plain http:// only for loopback hosts");
  // Window (half-open: start <= end_time < end)
  public static final ReadOption<Long> START = ReadOption.described("start", "end - 30 days", time(),
      "first end_time read (inclusive), UTC: YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS[.ffffff]]' or ISO-8601 with Z/offset");
  public static final ReadOption<Long> END = ReadOption.described("end", "now", time(),
      "end of the window (exclusive), same formats");
  public static final ReadOption<Boolean> CLAMP_TO_RETENTION = ReadOption.of("clamp_to_retention", false, bool(),
      "true: a window reaching before the API's 90-day retention starts at the earliest time still served instead of failing");
  public static final ReadOption<Long> NOW = ReadOption.described("now", "the system clock", time(),
      "the time the 30-day default and the 90-day retention are counted from (for emulators with a fixed clock)");
  // The API's own filters (ReadRequest validates options and pushed predicates with these parsers)
  public static final ReadOption<String> FROM_NUMBER = ReadOption.filter("from_number", PREFIX, digits(),
      "API filter: caller number or prefix ('+' is stripped, as the API needs)");
  public static final ReadOption<String> TO_NUMBER = ReadOption.filter("to_number", PREFIX, digits(),
      "API filter: called number or prefix");
  public static final ReadOption<String> CALL_DIRECTION = ReadOption.filter("call_direction", EQUAL,
      oneOf("inbound", "outbound"), "API filter: inbound or outbound");
  public static final ReadOption<Integer> HANGUP_CAUSE_CODE = ReadOption.filter("hangup_cause_code", EQUAL,
      integer(1000, 9999), "API filter: one hangup cause code, e.g. 4410");
  public static final ReadOption<String> HANGUP_SOURCE = ReadOption.filter("hangup_source", EQUAL,
      oneOf("customer", "carrier", "zentrunk"), "API filter: customer, carrier or zentrunk");
  public static final ReadOption<String> STIR_VERIFICATION = ReadOption.filter("stir_verification", EQUAL,
      oneOf("Verified", "Not Verified", "Not Applicable"), "API filter: Verified, Not Verified or Not Applicable");
  public static final ReadOption<Integer> BILL_DURATION = ReadOption.filter("bill_duration", RANGE,
      integer(0, Integer.MAX_VALUE), "API filter: billed seconds equal to; also bill_duration__gt, __gte, __lt, __lte");
  // Tuning
  public static final ReadOption<Integer> REQUEST_BUDGET = ReadOption.of("request_budget", ClientConfig.DEFAULT_BUDGET_REQUESTS,
      integerOrAuto(1, 1_000_000, ClientConfig.AUTO_BUDGET),
      "requests per budget window for this account; the account has one budget (per API host and auth ID) shared by "
          + "every read of the application whatever its settings, each read's setting holding while it runs (on a cluster "
          + "the executors lease them from the driver); the account allows 300 per 5 s in all. auto: start at 300 and "
          + "find the account's limit by probing (raise while no 429, back off on 429), inside any fixed setting running");
  public static final ReadOption<Integer> BUDGET_WINDOW_MS = ReadOption.of("budget_window_ms", ClientConfig.DEFAULT_BUDGET_WINDOW_MS,
      integer(100, 3_600_000), "the budget's sliding window (reads of one account with different windows each hold "
          + "their own setting)");
  // One partition makes about concurrency / latency requests per second, and reads of fewer
  // than partition_records CDRs (and the last partition of any read) have one: 8 in flight
  // make 65-70 req/s at 100 ms latency (jobs/bench rate --quick), barely above the default
  // limit of 60/s and below it at the 150-300 ms of a real network; 16 make 130 req/s.
  // Requests beyond the budget wait in RequestBudget, so more in flight never means more sent.
  public static final ReadOption<Integer> CONCURRENCY = ReadOption.of("concurrency", 16, integer(1, 256),
      "requests in flight per partition");
  public static final ReadOption<Integer> PARTITION_RECORDS = ReadOption.of("partition_records", 10_000, integer(20, 100_000_000),
      "target records per partition (the planner splits windows by their counted records)");
  public static final ReadOption<Integer> PLANNING_CONCURRENCY = ReadOption.of("planning_concurrency", 8, integer(1, 256),
      "count probes in flight while planning");
  public static final ReadOption<Integer> MAX_RETRIES = ReadOption.of("max_retries", ClientConfig.DEFAULT_MAX_RETRIES, integer(0, 100),
      "retries of one request on 429, 5xx, I/O errors and malformed bodies (exponential backoff with jitter)");
  public static final ReadOption<Integer> MAX_REREADS = ReadOption.of("max_rereads", 3, integer(0, 100),
      "times a window whose total_count changed during the read is read again before the read fails");
  public static final ReadOption<Integer> REQUEST_TIMEOUT_MS = ReadOption.of("request_timeout_ms",
      ClientConfig.DEFAULT_REQUEST_TIMEOUT_MS, integer(100, 3_600_000), "time to wait for one response");
  public static final ReadOption<Integer> CONNECT_TIMEOUT_MS = ReadOption.of("connect_timeout_ms",
      ClientConfig.DEFAULT_CONNECT_TIMEOUT_MS, integer(100, 600_000), "time to wait for a connection");
  public static final ReadOption<Boolean> PUSHDOWN_FILTERS = ReadOption.of("pushdown_filters", true, bool(),
      "push WHERE predicates into API filters");
  public static final ReadOption<Boolean> PUSHDOWN_LIMIT = ReadOption.of("pushdown_limit", true, bool(),
      "push LIMIT n and ORDER BY end_time DESC or ASC LIMIT n (reads only the pages they need)");
  public static final ReadOption<Boolean> PUSHDOWN_AGGREGATE = ReadOption.of("pushdown_aggregate", true, bool(),
      "answer COUNT(*) from total_count");
  public static final ReadOption<Boolean> PUSHDOWN_GROUP_COUNT = ReadOption.of("pushdown_group_count", true, bool(),
      "answer GROUP BY call_direction, hangup_source, stir_verification, hangup_cause_code, to_date/hour(end_time) with "
          + "COUNT(*) from total_count probes where they cost fewer requests than the rows (needs pushdown_aggregate)");

  // Streams (readStream): where the offset stays, how much one batch reads
  // The emulator's late CDRs become visible 1 to --late-max-minutes (default 10) minutes after they end: a lag of
  // 10 minutes reads every one of them; a later one is counted again and reported, never lost silently.
  public static final long DEFAULT_LAG_MICROS = 600_000_000L;
  /** Streams: the default of option late_check_horizon, 24 hours. */
  public static final long DEFAULT_LATE_CHECK_HORIZON_MICROS = 86_400_000_000L;
  public static final ReadOption<Long> LAG = ReadOption.described("lag", "10 minutes", duration(0, 90L * 86_400_000_000L),
      "streams: the offset stays this far behind the API's clock, as CDRs become visible after they end: '10m', '90s', "
          + "'10 minutes' or ISO-8601 'PT10M'");
  public static final ReadOption<Long> LATE_CHECK_HORIZON = ReadOption.described("late_check_horizon", "24 hours",
      duration(3600L * 1_000_000L, 89L * 86_400_000_000L), "streams: each window read is counted again every hour until "
          + "this long after the offset passed it, and the CDRs it gained (visible later than lag) are named and counted "
          + "as lateCdrs: '24h', '2d' (at least 1 hour); past it a count a day is kept (90 days) and a CDR appearing "
          + "later is warned with its day and the count");
  public static final ReadOption<Integer> MAX_REQUESTS_PER_TRIGGER = ReadOption.described("max_requests_per_trigger", "no cap",
      integer(1, 1_000_000), "streams: a batch reads a window of at most this many pages of records (20 each), so a query "
          + "that was down catches up in bounded batches");

  public static final String ENV_AUTH_ID = "PLIVO_AUTH_ID";
  public static final String ENV_AUTH_TOKEN = "PLIVO_AUTH_TOKEN";
  /** The token of one of several accounts ({@code auth_ids}): this prefix and the auth id. */
  public static final String ENV_AUTH_TOKEN_PREFIX = "PLIVO_AUTH_TOKEN_";

  /** Every option, by key, in declaration order (the options reference's order). */
  public static final Map<String, ReadOption<?>> ALL = collect();

  /** The API filters, in declaration order. */
  static final List<ReadOption<?>> FILTERS =
      ALL.values().stream().filter(o -> o.filterKind() != null).toList();

  private static Map<String, ReadOption<?>> collect() {
    Map<String, ReadOption<?>> out = new LinkedHashMap<>();
    for (ReadOption<?> o : ReadOption.declared()) {
      if (out.put(o.key(), o) != null) {
        throw new AssertionError("option " + o.key() + " declared twice");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** The option of {@code key} (lower case), or null. */
  static ReadOption<?> byKey(String key) {
    return ALL.get(key);
  }

  /** The filter option whose column is {@code column}, or null. */
  static ReadOption<?> filterOf(String column) {
    ReadOption<?> o = ALL.get(column);
    return o != null && o.filterKind() != null ? o : null;
  }
}
