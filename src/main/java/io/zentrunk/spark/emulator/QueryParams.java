package io.zentrunk.spark.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoded query string and its typed values: each reader answers 400 naming the parameter when
 * the value is malformed, and null when the parameter is absent.
 */
final class QueryParams {

  private QueryParams() {}

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

  /** True if the number filter {@code name} is given with a leading '+' (or the space a raw '+' decodes to). */
  static boolean plusPrefixed(Map<String, String> p, String name) {
    String v = p.get(name);
    return v != null && (v.startsWith("+") || v.startsWith(" "));
  }

  /** The digits of the number filter {@code name}, or null; 400 unless it is digits with an optional '+'. */
  static String number(Map<String, String> p, String name) throws ApiException {
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

  static String oneOf(Map<String, String> p, String name, String... allowed)
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

  static Long integer(Map<String, String> p, String name) throws ApiException {
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

  static Long integerOrNull(String v) {
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
}
