package io.zentrunk.spark.emulator;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** A parsed end_time value, {@code YYYY-MM-DD HH:MM[:ss[.uuuuuu]]} (UTC), and the precision it was given with. */
record EndTimeStamp(Instant instant, int precision) {

  static final int MINUTE = 0;
  static final int SECOND = 1;
  static final int FRACTION = 2;

  /** The value of parameter {@code name}, null if absent; 400 naming it if malformed. */
  static EndTimeStamp of(Map<String, String> p, String name) throws ApiException {
    String v = p.get(name);
    if (v == null) {
      return null;
    }
    EndTimeStamp s = parse(v);
    if (s == null) {
      throw new ApiException(400, name + " must be a UTC time YYYY-MM-DD HH:MM[:ss[.uuuuuu]]");
    }
    return s;
  }

  /** Parses {@code YYYY-MM-DD HH:MM[:ss[.uuuuuu]]} (UTC), or null if malformed. */
  static EndTimeStamp parse(String v) {
    int n = v.length();
    if (n != 16 && n != 19 && (n < 21 || n > 26)) {
      return null;
    }
    if (v.charAt(4) != '-' || v.charAt(7) != '-' || v.charAt(10) != ' ' || v.charAt(13) != ':') {
      return null;
    }
    int sec = 0;
    int nanos = 0;
    int precision = MINUTE;
    if (n >= 19) {
      if (v.charAt(16) != ':') {
        return null;
      }
      sec = digits(v, 17, 2);
      precision = SECOND;
    }
    if (n >= 21) {
      if (v.charAt(19) != '.') {
        return null;
      }
      nanos = fractionNanos(v, 20, n - 20);
      if (nanos < 0) {
        return null;
      }
      precision = FRACTION;
    }
    return of(digits(v, 0, 4), digits(v, 5, 2), digits(v, 8, 2), digits(v, 11, 2),
        digits(v, 14, 2), sec, nanos, precision);
  }

  private static EndTimeStamp of(int y, int mo, int d, int h, int mi, int sec, int nanos,
      int precision) {
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) {
      return null;
    }
    try {
      LocalDateTime t = LocalDateTime.of(y, mo, d, h, mi, sec, nanos);
      return new EndTimeStamp(t.toInstant(ZoneOffset.UTC), precision);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The fraction digits at {@code from} as nanoseconds, or -1 if they are not digits. */
  private static int fractionNanos(String v, int from, int len) {
    int frac = digits(v, from, len);
    if (frac < 0) {
      return -1;
    }
    for (int i = len; i < 9; i++) {
      frac *= 10;
    }
    return frac;
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
