package io.zentrunk.spark.emulator;

import io.zentrunk.spark.client.ApiRules;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsing and validation of the list call's query string, following zentrunk-api.md.
 *
 * <p>Time semantics (end_time has whole-second resolution in the CDRs; computed by {@link EndTimeRange}):
 *
 * <ul>
 *   <li>{@code end_time__gt/__gte/__lt/__lte} compare the exact instant given (a value with minute
 *       precision means second :00 of that minute).
 *   <li>{@code end_time=X} is equality at the precision given: {@code 2021-03-21 11:47} matches the
 *       whole minute, {@code 11:47:30} the whole second, {@code 11:47:30.000000} that second and a
 *       non-zero fraction nothing.
 *   <li>An upper bound ({@code __lt/__lte}) without a lower one ({@code __gt/__gte}) is a 400;
 *       {@code end_time=} counts as both bounds. An explicit range (lower to upper instant) wider
 *       than 90 days is a 400.
 *   <li>No end_time filter: the last 30 days. Always: nothing older than now - 90 days and nothing
 *       ending after now.
 * </ul>
 *
 * Other rules: limit 1..20 (default 20), offset >= 0 (default 0); malformed values answer 400
 * naming the parameter (checked in the order of the fields below); unknown parameters are ignored;
 * a repeated parameter keeps its last value.
 */
final class ListQuery {

  /** Filter parameters in the order they are repeated in next/previous URLs. */
  static final List<String> FILTER_PARAMS =
      List.of(
          "from_number", "to_number", "call_direction",
          "bill_duration", "bill_duration__gt", "bill_duration__gte", "bill_duration__lt",
          "bill_duration__lte",
          "end_time", "end_time__gt", "end_time__gte", "end_time__lt", "end_time__lte",
          "hangup_cause_code", "hangup_source", "stir_verification");

  final CallFilter filter;
  /** Inclusive lower and exclusive upper bound on end_time, epoch seconds. */
  final long loSec;
  final long hiSec;
  final int limit;
  final int offset;
  /** The filter parameters as received (decoded), for next/previous URLs. */
  final Map<String, String> filterParams;

  private ListQuery(
      CallFilter filter, long loSec, long hiSec, int limit, int offset,
      Map<String, String> filterParams) {
    this.filter = filter;
    this.loSec = loSec;
    this.hiSec = hiSec;
    this.limit = limit;
    this.offset = offset;
    this.filterParams = filterParams;
  }

  static ListQuery parse(Map<String, String> p, Instant now) throws ApiException {
    CallFilter f = filter(p);
    int limit = limit(p);
    int offset = offset(p);
    EndTimeRange.Seconds range = EndTimeRange.of(p, now);
    return new ListQuery(f, range.lo(), range.hi(), limit, offset, filterParams(p));
  }

  private static Map<String, String> filterParams(Map<String, String> p) {
    Map<String, String> filterParams = new LinkedHashMap<>();
    for (String k : FILTER_PARAMS) {
      String v = p.get(k);
      if (v != null) {
        filterParams.put(k, v);
      }
    }
    return filterParams;
  }

  /** The non-time filters; a 400 names the first malformed one. */
  private static CallFilter filter(Map<String, String> p) throws ApiException {
    String from = QueryParams.number(p, "from_number");
    String to = QueryParams.number(p, "to_number");
    // Plivo matches the digits without '+': a value with '+' matches nothing
    boolean noMatch = QueryParams.plusPrefixed(p, "from_number")
        || QueryParams.plusPrefixed(p, "to_number");
    String dir = QueryParams.oneOf(p, "call_direction", "inbound", "outbound");
    Long billEq = QueryParams.integer(p, "bill_duration");
    Long billGt = QueryParams.integer(p, "bill_duration__gt");
    Long billGte = QueryParams.integer(p, "bill_duration__gte");
    Long billLt = QueryParams.integer(p, "bill_duration__lt");
    Long billLte = QueryParams.integer(p, "bill_duration__lte");
    Integer code = hangupCode(p);
    String source = QueryParams.oneOf(p, "hangup_source", "customer", "carrier", "zentrunk");
    String stir = QueryParams.oneOf(p, "stir_verification", "Verified", "Not Verified",
        "Not Applicable");
    return new CallFilter(from, to, dir, billEq, billGt, billGte, billLt, billLte, code, source,
        stir, noMatch);
  }

  private static Integer hangupCode(Map<String, String> p) throws ApiException {
    if (!p.containsKey("hangup_cause_code")) {
      return null;
    }
    Long c = QueryParams.integer(p, "hangup_cause_code");
    if (c < 0 || c > 99_999 || HangupCodes.get(c.intValue()) == null) {
      throw new ApiException(400, "hangup_cause_code: unknown hangup cause code " + c);
    }
    return c.intValue();
  }

  private static int limit(Map<String, String> p) throws ApiException {
    if (!p.containsKey("limit")) {
      return ApiRules.PAGE_LIMIT;
    }
    Long l = QueryParams.integerOrNull(p.get("limit"));
    if (l == null || l < 1 || l > ApiRules.PAGE_LIMIT) {
      throw new ApiException(400, "limit must be an integer between 1 and " + ApiRules.PAGE_LIMIT);
    }
    return l.intValue();
  }

  private static int offset(Map<String, String> p) throws ApiException {
    if (!p.containsKey("offset")) {
      return 0;
    }
    Long o = QueryParams.integerOrNull(p.get("offset"));
    if (o == null || o < 0 || o > Integer.MAX_VALUE) {
      throw new ApiException(400, "offset must be a non-negative integer");
    }
    return o.intValue();
  }

  /** The relative URL of the page at {@code newOffset} with the same filters. */
  String pageUrl(String authId, int newOffset) {
    StringBuilder sb = new StringBuilder(96);
    sb.append("/v1/Account/").append(authId).append("/Zentrunk/Call/?limit=").append(limit)
        .append("&offset=").append(newOffset);
    for (Map.Entry<String, String> e : filterParams.entrySet()) {
      sb.append('&').append(e.getKey()).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }
}
