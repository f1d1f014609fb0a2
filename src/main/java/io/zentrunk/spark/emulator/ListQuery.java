package io.zentrunk.spark.emulator;

import io.zentrunk.spark.client.ApiRules;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsing and validation of the list call's query string, following zentrunk-api.md.
 *
 * <p>Time semantics (end_time has whole-second resolution in the CDRs):
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
 * naming the parameter; unknown parameters are ignored; a repeated parameter keeps its last value.
 */
final class ListQuery {

  /** "A range given with end_time__gt/gte and end_time__lt/lte may span at most 90 days" (not the retention rule). */
  static final Duration MAX_RANGE = Duration.ofDays(90);

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

  /** Decodes {@code a=1&b=2} (form encoding: '+' is a space); last value wins. */
  static Map<String, String> decode(String rawQuery) throws ApiException {
    Map<String, String> m = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return m;
    }
    try {
      int i = 0;
      int n = rawQuery.length();
      while (i <= n) {
        int amp = rawQuery.indexOf('&', i);
        if (amp < 0) {
          amp = n;
        }
        if (amp > i) {
          String part = rawQuery.substring(i, amp);
          int eq = part.indexOf('=');
          String k = eq < 0 ? part : part.substring(0, eq);
          String v = eq < 0 ? "" : part.substring(eq + 1);
          m.put(dec(k), dec(v));
        }
        i = amp + 1;
      }
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "malformed query string");
    }
    return m;
  }

  private static String dec(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  static ListQuery parse(Map<String, String> p, Instant now) throws ApiException {
    Map<String, String> filterParams = new LinkedHashMap<>();
    for (String k : FILTER_PARAMS) {
      String v = p.get(k);
      if (v != null) {
        filterParams.put(k, v);
      }
    }
    String from = number(p, "from_number");
    String to = number(p, "to_number");
    // Plivo matches the digits without '+': a value with '+' matches nothing
    boolean noMatch = plusPrefixed(p, "from_number") || plusPrefixed(p, "to_number");
    String dir = oneOf(p, "call_direction", "inbound", "outbound");
    Long billEq = integer(p, "bill_duration");
    Long billGt = integer(p, "bill_duration__gt");
    Long billGte = integer(p, "bill_duration__gte");
    Long billLt = integer(p, "bill_duration__lt");
    Long billLte = integer(p, "bill_duration__lte");
    Integer code = null;
    if (p.containsKey("hangup_cause_code")) {
      Long c = integer(p, "hangup_cause_code");
      if (c < 0 || c > 99_999 || HangupCodes.get(c.intValue()) == null) {
        throw new ApiException(400, "hangup_cause_code: unknown hangup cause code " + c);
      }
      code = c.intValue();
    }
    String source = oneOf(p, "hangup_source", "customer", "carrier", "zentrunk");
    String stir = oneOf(p, "stir_verification", "Verified", "Not Verified", "Not Applicable");
    int limit = ApiRules.PAGE_LIMIT;
    if (p.containsKey("limit")) {
      Long l = integerOrNull(p.get("limit"));
      if (l == null || l < 1 || l > ApiRules.PAGE_LIMIT) {
        throw new ApiException(400, "limit must be an integer between 1 and " + ApiRules.PAGE_LIMIT);
      }
      limit = l.intValue();
    }
    int offset = 0;
    if (p.containsKey("offset")) {
      Long o = integerOrNull(p.get("offset"));
      if (o == null || o < 0 || o > Integer.MAX_VALUE) {
        throw new ApiException(400, "offset must be a non-negative integer");
      }
      offset = o.intValue();
    }

    // end_time
    long lo = Long.MIN_VALUE;
    long hi = Long.MAX_VALUE;
    Instant lower = null;
    Instant upper = null;
    boolean eq = false;
    Stamp s;
    if ((s = stamp(p, "end_time")) != null) {
      eq = true;
      long sec = s.instant.getEpochSecond();
      if (s.precision == Stamp.MINUTE) {
        lo = Math.max(lo, sec);
        hi = Math.min(hi, sec + 60);
      } else if (s.instant.getNano() == 0) {
        lo = Math.max(lo, sec);
        hi = Math.min(hi, sec + 1);
      } else {
        lo = Math.max(lo, sec + 1);
        hi = Math.min(hi, sec + 1);
      }
    }
    if ((s = stamp(p, "end_time__gt")) != null) {
      lo = Math.max(lo, s.instant.getEpochSecond() + 1);
      lower = max(lower, s.instant);
    }
    if ((s = stamp(p, "end_time__gte")) != null) {
      lo = Math.max(lo, ceilSec(s.instant));
      lower = max(lower, s.instant);
    }
    if ((s = stamp(p, "end_time__lt")) != null) {
      hi = Math.min(hi, ceilSec(s.instant));
      upper = min(upper, s.instant);
    }
    if ((s = stamp(p, "end_time__lte")) != null) {
      hi = Math.min(hi, s.instant.getEpochSecond() + 1);
      upper = min(upper, s.instant);
    }
    if (upper != null && lower == null && !eq) {
      throw new ApiException(
          400, "end_time__lt/end_time__lte requires a lower bound end_time__gt or end_time__gte");
    }
    if (upper != null && lower != null && Duration.between(lower, upper).compareTo(MAX_RANGE) > 0) {
      throw new ApiException(400, "end_time range exceeds the maximum search window of 90 days");
    }
    if (!eq && lower == null) {
      lo = ceilSec(now.minus(ApiRules.DEFAULT_WINDOW));
    }
    lo = Math.max(lo, ceilSec(now.minus(ApiRules.RETENTION)));
    hi = Math.min(hi, now.getEpochSecond() + 1);
    if (hi < lo) {
      hi = lo;
    }
    CallFilter f =
        new CallFilter(from, to, dir, billEq, billGt, billGte, billLt, billLte, code, source, stir,
            noMatch);
    return new ListQuery(f, lo, hi, limit, offset, filterParams);
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

  private static Instant max(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  private static Instant min(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  static long ceilSec(Instant t) {
    return t.getNano() == 0 ? t.getEpochSecond() : t.getEpochSecond() + 1;
  }

  /** True if the number filter {@code name} is given with a leading '+' (or the space a raw '+' decodes to). */
  private static boolean plusPrefixed(Map<String, String> p, String name) {
    String v = p.get(name);
    return v != null && (v.startsWith("+") || v.startsWith(" "));
  }

  /** The digits of the number filter {@code name}, or null; 400 unless it is digits with an optional '+'. */
  private static String number(Map<String, String> p, String name) throws ApiException {
    String v = p.get(name);
    if (v == null) {
      return null;
    }
    // a raw '+' in a query string decodes to a space: treat it as the '+' it was meant to be
    int start = (v.startsWith("+") || v.startsWith(" ")) ? 1 : 0;
    if (v.length() == start || v.length() > 20) {
      throw new ApiException(400, name + " must be a phone number or a prefix of digits");
    }
    for (int i = start; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        throw new ApiException(400, name + " must be a phone number or a prefix of digits");
      }
    }
    return v.substring(start);
  }

  private static String oneOf(Map<String, String> p, String name, String... allowed)
      throws ApiException {
    String v = p.get(name);
    if (v == null) {
      return null;
    }
    for (String a : allowed) {
      if (a.equals(v)) {
        return a;
      }
    }
    throw new ApiException(400, name + " must be one of " + String.join(", ", allowed));
  }

  private static Long integer(Map<String, String> p, String name) throws ApiException {
    String v = p.get(name);
    if (v == null) {
      return null;
    }
    Long l = integerOrNull(v);
    if (l == null) {
      throw new ApiException(400, name + " must be an integer");
    }
    return l;
  }

  private static Long integerOrNull(String v) {
    if (v.isEmpty() || v.length() > 18) {
      return null;
    }
    int i = v.charAt(0) == '-' ? 1 : 0;
    if (i == v.length()) {
      return null;
    }
    long r = 0;
    for (; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      r = r * 10 + (c - '0');
    }
    return v.charAt(0) == '-' ? -r : r;
  }

  /** A parsed end_time value and the precision it was given with. */
  record Stamp(Instant instant, int precision) {
    static final int MINUTE = 0;
    static final int SECOND = 1;
    static final int FRACTION = 2;
  }

  private static Stamp stamp(Map<String, String> p, String name) throws ApiException {
    String v = p.get(name);
    if (v == null) {
      return null;
    }
    Stamp s = parseStamp(v);
    if (s == null) {
      throw new ApiException(400, name + " must be a UTC time YYYY-MM-DD HH:MM[:ss[.uuuuuu]]");
    }
    return s;
  }

  /** Parses {@code YYYY-MM-DD HH:MM[:ss[.uuuuuu]]} (UTC), or null if malformed. */
  static Stamp parseStamp(String v) {
    int n = v.length();
    if (n != 16 && n != 19 && (n < 21 || n > 26)) {
      return null;
    }
    if (v.charAt(4) != '-' || v.charAt(7) != '-' || v.charAt(10) != ' ' || v.charAt(13) != ':') {
      return null;
    }
    int y = digits(v, 0, 4);
    int mo = digits(v, 5, 2);
    int d = digits(v, 8, 2);
    int h = digits(v, 11, 2);
    int mi = digits(v, 14, 2);
    int sec = 0;
    int nanos = 0;
    int precision = Stamp.MINUTE;
    if (n >= 19) {
      if (v.charAt(16) != ':') {
        return null;
      }
      sec = digits(v, 17, 2);
      precision = Stamp.SECOND;
    }
    if (n >= 21) {
      if (v.charAt(19) != '.') {
        return null;
      }
      int frac = digits(v, 20, n - 20);
      if (frac < 0) {
        return null;
      }
      for (int i = n - 20; i < 9; i++) {
        frac *= 10;
      }
      nanos = frac;
      precision = Stamp.FRACTION;
    }
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) {
      return null;
    }
    try {
      LocalDateTime t = LocalDateTime.of(y, mo, d, h, mi, sec, nanos);
      return new Stamp(t.toInstant(ZoneOffset.UTC), precision);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static int digits(String v, int from, int len) {
    int r = 0;
    for (int i = from; i < from + len; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      r = r * 10 + (c - '0');
    }
    return r;
  }
}
