package io.zentrunk.spark.source;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every option of the {@code zentrunk} source, with its default and meaning, in one place
 * (the README's options table is this list). Keys are case-insensitive, as all Spark options.
 */
public final class ReadOptions {
  private ReadOptions() {}

  // Endpoint and credentials
  public static final String AUTH_ID = "auth_id";
  public static final String AUTH_TOKEN = "auth_token";
  public static final String API_URL = "api_url";
  // Window (half-open: start <= end_time < end)
  public static final String START = "start";
  public static final String END = "end";
  public static final String CLAMP_TO_RETENTION = "clamp_to_retention";
  public static final String NOW = "now";
  // The API's own filters
  public static final String FROM_NUMBER = "from_number";
  public static final String TO_NUMBER = "to_number";
  public static final String CALL_DIRECTION = "call_direction";
  public static final String HANGUP_CAUSE_CODE = "hangup_cause_code";
  public static final String HANGUP_SOURCE = "hangup_source";
  public static final String STIR_VERIFICATION = "stir_verification";
  public static final String BILL_DURATION = "bill_duration";
  // Tuning
  public static final String REQUEST_BUDGET = "request_budget";
  public static final String BUDGET_WINDOW_MS = "budget_window_ms";
  public static final String CONCURRENCY = "concurrency";
  public static final String PARTITION_RECORDS = "partition_records";
  public static final String PLANNING_CONCURRENCY = "planning_concurrency";
  public static final String MAX_RETRIES = "max_retries";
  public static final String MAX_REREADS = "max_rereads";
  public static final String REQUEST_TIMEOUT_MS = "request_timeout_ms";
  public static final String CONNECT_TIMEOUT_MS = "connect_timeout_ms";
  public static final String PUSHDOWN_FILTERS = "pushdown_filters";
  public static final String PUSHDOWN_LIMIT = "pushdown_limit";
  public static final String PUSHDOWN_AGGREGATE = "pushdown_aggregate";

  public static final String ENV_AUTH_ID = "PLIVO_AUTH_ID";
  public static final String ENV_AUTH_TOKEN = "PLIVO_AUTH_TOKEN";

  /** key -> "default | meaning" (the README table). */
  public static final Map<String, String> DOCS = new LinkedHashMap<>();

  static {
    DOCS.put(AUTH_ID, "env PLIVO_AUTH_ID | the account's auth id");
    DOCS.put(AUTH_TOKEN, "env PLIVO_AUTH_TOKEN | the account's auth token (never printed)");
    DOCS.put(API_URL, "https://api.plivo.com | the API's base URL; plain http:// only for loopback hosts");
    DOCS.put(START, "end - 30 days | first end_time read (inclusive), UTC: YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS[.ffffff]]' or ISO-8601 with Z/offset");
    DOCS.put(END, "now | end of the window (exclusive), same formats");
    DOCS.put(CLAMP_TO_RETENTION, "false | true: a window reaching before the API's 90-day retention starts at the earliest time still served instead of failing");
    DOCS.put(NOW, "the system clock | the time the 30-day default and the 90-day retention are counted from (for emulators with a fixed clock)");
    DOCS.put(FROM_NUMBER, "none | API filter: caller number or prefix ('+' is stripped, as the API needs)");
    DOCS.put(TO_NUMBER, "none | API filter: called number or prefix");
    DOCS.put(CALL_DIRECTION, "none | API filter: inbound or outbound");
    DOCS.put(HANGUP_CAUSE_CODE, "none | API filter: one hangup cause code, e.g. 4410");
    DOCS.put(HANGUP_SOURCE, "none | API filter: customer, carrier or zentrunk");
    DOCS.put(STIR_VERIFICATION, "none | API filter: Verified, Not Verified or Not Applicable");
    DOCS.put(BILL_DURATION, "none | API filter: billed seconds equal to; also bill_duration__gt, __gte, __lt, __lte");
    DOCS.put(REQUEST_BUDGET, "250 | requests per budget window for this account, shared by every read of the application (on a cluster the executors lease them from the driver); the account allows 300 per 5 s in all");
    DOCS.put(BUDGET_WINDOW_MS, "5000 | the budget's sliding window");
    DOCS.put(CONCURRENCY, "16 | requests in flight per partition");
    DOCS.put(PARTITION_RECORDS, "10000 | target records per partition (the planner splits windows by their counted records)");
    DOCS.put(PLANNING_CONCURRENCY, "8 | count probes in flight while planning");
    DOCS.put(MAX_RETRIES, "10 | retries of one request on 429, 5xx, I/O errors and malformed bodies (exponential backoff with jitter)");
    DOCS.put(MAX_REREADS, "3 | times a window whose total_count changed during the read is read again before the read fails");
    DOCS.put(REQUEST_TIMEOUT_MS, "30000 | time to wait for one response");
    DOCS.put(CONNECT_TIMEOUT_MS, "10000 | time to wait for a connection");
    DOCS.put(PUSHDOWN_FILTERS, "true | push WHERE predicates into API filters");
    DOCS.put(PUSHDOWN_LIMIT, "true | push LIMIT n (reads only the pages it needs)");
    DOCS.put(PUSHDOWN_AGGREGATE, "true | answer COUNT(*) from total_count");
  }

  /** The bill_duration operators the API knows. */
  public static final String[] BILL_DURATION_KEYS = {
    BILL_DURATION, BILL_DURATION + "__gt", BILL_DURATION + "__gte", BILL_DURATION + "__lt", BILL_DURATION + "__lte"
  };
}
