package io.zentrunk.spark.client;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Times as the API writes and reads them: UTC, {@code YYYY-MM-DD HH:MM[:ss[.uuuuuu]]}.
 *
 * <p>All instants inside the connector are microseconds since the epoch, the resolution of the
 * API's filters and of Spark's timestamps.
 */
public final class ApiTime {

  public static final long MICROS_PER_SECOND = 1_000_000L;
  public static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private ApiTime() {}

  /**
   * Parses a CDR time ({@code 2022-12-06 07:02:00}, optionally with a fraction) into epoch
   * microseconds without allocating. Returns {@link Long#MIN_VALUE} if the text is not of that
   * form.
   */
  public static long parseCdrTime(String s) {
    int n = s.length();
    if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != ' ' && s.charAt(10) != 'T')
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return Long.MIN_VALUE;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1
        || day > 31 || hour > 23 || minute > 59 || second > 59) {
      return Long.MIN_VALUE;
    }
    long micros = 0;
    int i = 19;
    if (i < n && s.charAt(i) == '.') {
      int scale = 100_000;
      i++;
      int start = i;
      while (i < n && i - start < 6) {
        int d = s.charAt(i) - '0';
        if (d < 0 || d > 9) {
          return Long.MIN_VALUE;
        }
        micros += d * scale;
        scale /= 10;
        i++;
      }
      if (i == start) {
        return Long.MIN_VALUE;
      }
    }
    if (i == n - 1 && s.charAt(i) == 'Z') {
      i++;
    }
    if (i != n) {
      return Long.MIN_VALUE;
    }
    if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return Long.MIN_VALUE;
    }
    long days = epochDay(year, month, day);
    return (days * 86_400L + hour * 3600L + minute * 60L + second) * MICROS_PER_SECOND + micros;
  }

  private static int digits(String s, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (same as LocalDate.toEpochDay). */
  private static long epochDay(int year, int month, int day) {
    long y = year;
    long m = month;
    long total = 365 * y;
    if (y >= 0) {
      total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    }
    total += (367 * m - 362) / 12;
    total += day - 1;
    if (m > 2) {
      total--;
      boolean leap = (y % 4 == 0) && (y % 100 != 0 || y % 400 == 0);
      if (!leap) {
        total--;
      }
    }
    return total - 719_528L;
  }

  /** Formats epoch microseconds for an API filter: seconds, plus a fraction only if needed. */
  public static String formatFilter(long micros) {
    long seconds = Math.floorDiv(micros, MICROS_PER_SECOND);
    long frac = Math.floorMod(micros, MICROS_PER_SECOND);
    String base = SECONDS.format(Instant.ofEpochSecond(seconds));
    return frac == 0 ? base : base + String.format(Locale.ROOT, ".%06d", frac);
  }

  /** Formats epoch microseconds for people: like {@link #formatFilter} with " UTC". */
  public static String display(long micros) {
    return formatFilter(micros) + " UTC";
  }

  public static long toMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), MICROS_PER_SECOND), t.getNano() / 1000);
  }

  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, MICROS_PER_SECOND), Math.floorMod(micros, MICROS_PER_SECOND) * 1000);
  }

  /** What {@link #parseUserTime} accepts, for help texts and errors. */
  public static final String USER_TIME_FORMS =
      "YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS[.ffffff]]' (UTC) or ISO-8601 with Z or an offset (2026-11-01T00:00:00Z)";

  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern LOCAL = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");

  /**
   * The one grammar of times a user gives (DataSource options, every job argument, the
   * emulator's {@code --now} and admin endpoints): {@code YYYY-MM-DD} (midnight UTC),
   * {@code YYYY-MM-DD HH:MM[:SS[.ffffff]]} (UTC, a space or {@code T} between), or ISO-8601 with
   * {@code Z}, an offset or a zone. Digits past microseconds are cut.
   *
   * @return epoch microseconds
   * @throws IllegalArgumentException one line: {@code what: cannot read 'text' as a UTC time; use ...}
   */
  public static long parseUserTime(String what, String text) {
    String s = text == null ? "" : text.trim();
    if (s.length() > 10 && (s.charAt(10) == ' ' || s.charAt(10) == 't')) {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    if (s.endsWith("z")) {
      s = s.substring(0, s.length() - 1) + 'Z';
    }
    try {
      if (DATE.matcher(s).matches()) {
        return toMicros(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      if (LOCAL.matcher(s).matches()) {
        return toMicros(LocalDateTime.parse(s).toInstant(ZoneOffset.UTC));
      }
      try {
        return toMicros(OffsetDateTime.parse(s).toInstant());
      } catch (DateTimeParseException e) {
        return toMicros(ZonedDateTime.parse(s).toInstant());
      }
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(what + ": cannot read '" + text + "' as a UTC time; use " + USER_TIME_FORMS);
    }
  }

  /** What {@link #parseDuration} accepts, for help texts and errors. */
  public static final String DURATION_FORMS = "'30s', '5m', '1h', '2d', '250ms', '2 minutes' or ISO-8601 'PT2M'";

  /** Spark's time strings ({@code spark.network.timeout=120s}, {@code JavaUtils.timeStringAs}): a number and a unit, one or more. */
  private static final Pattern COMPACT = Pattern.compile("(\\d+)(us|ms|s|m|min|h|d)");
  private static final Pattern COMPACTS = Pattern.compile("(\\d+(us|ms|s|m|min|h|d))+");

  /**
   * The one grammar of durations a user gives (every duration option and flag): Spark's time strings
   * ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, as in {@code spark.network.timeout}; also
   * joined, {@code 1h30m}), Spark's interval words ({@code '2 minutes'}, {@code 'interval 1 hour 30 minutes'}, as in
   * {@code withWatermark} and {@code Trigger.ProcessingTime}) or ISO-8601 ({@code PT2M}); in microseconds, at least
   * {@code min}.
   *
   * @throws IllegalArgumentException one line starting with {@code what}
   */
  public static long parseDuration(String what, String text, long minMicros) {
    String v = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    long micros;
    if (v.startsWith("p") || v.startsWith("-p")) {
      try {
        micros = java.time.Duration.parse(v.toUpperCase(java.util.Locale.ROOT)).toNanos() / 1000;
      } catch (RuntimeException e) {
        throw badDuration(what, text);
      }
    } else if (COMPACTS.matcher(v).matches()) {
      micros = 0;
      java.util.regex.Matcher m = COMPACT.matcher(v);
      while (m.find()) {
        try {
          micros = Math.addExact(micros, Math.multiplyExact(Long.parseLong(m.group(1)), unitMicros(m.group(2))));
        } catch (NumberFormatException | ArithmeticException e) {
          throw badDuration(what, text);
        }
      }
    } else {
      if (v.startsWith("interval ")) {
        v = v.substring("interval ".length()).trim();
      }
      String[] parts = v.split("\\s+");
      if (v.isEmpty() || parts.length % 2 != 0) {
        throw badDuration(what, text);
      }
      micros = 0;
      for (int i = 0; i < parts.length; i += 2) {
        long n;
        try {
          n = Long.parseLong(parts[i]);
        } catch (NumberFormatException e) {
          throw badDuration(what, text);
        }
        String unit = parts[i + 1].endsWith("s") ? parts[i + 1].substring(0, parts[i + 1].length() - 1) : parts[i + 1];
        long per = switch (unit) {
          case "week" -> 7 * MICROS_PER_DAY;
          case "day" -> MICROS_PER_DAY;
          case "hour" -> 3600 * MICROS_PER_SECOND;
          case "minute" -> 60 * MICROS_PER_SECOND;
          case "second" -> MICROS_PER_SECOND;
          case "millisecond" -> 1000;
          case "microsecond" -> 1;
          default -> throw badDuration(what, text);
        };
        try {
          micros = Math.addExact(micros, Math.multiplyExact(n, per));
        } catch (ArithmeticException e) {
          throw badDuration(what, text);
        }
      }
    }
    if (micros < minMicros) {
      throw new IllegalArgumentException(what + " must be at least " + formatDuration(minMicros) + ", not '" + text + "'");
    }
    return micros;
  }

  private static long unitMicros(String unit) {
    return switch (unit) {
      case "us" -> 1;
      case "ms" -> 1000;
      case "s" -> MICROS_PER_SECOND;
      case "m", "min" -> 60 * MICROS_PER_SECOND;
      case "h" -> 3600 * MICROS_PER_SECOND;
      case "d" -> MICROS_PER_DAY;
      default -> throw new IllegalStateException(unit);
    };
  }

  private static IllegalArgumentException badDuration(String what, String text) {
    return new IllegalArgumentException(what + " must be a duration such as " + DURATION_FORMS + ", not '" + text + "'");
  }

  /** A duration in Spark's interval words, e.g. "2 minutes", "1 hour 30 minutes", "500 milliseconds". */
  public static String formatDuration(long micros) {
    if (micros == 0) {
      return "0 seconds";
    }
    StringBuilder sb = new StringBuilder();
    long[] per = {MICROS_PER_DAY, 3600 * MICROS_PER_SECOND, 60 * MICROS_PER_SECOND, MICROS_PER_SECOND, 1000, 1};
    String[] names = {"day", "hour", "minute", "second", "millisecond", "microsecond"};
    long rest = micros;
    for (int i = 0; i < per.length; i++) {
      long n = rest / per[i];
      rest -= n * per[i];
      if (n != 0) {
        sb.append(sb.length() == 0 ? "" : " ").append(n).append(' ').append(names[i]).append(n == 1 ? "" : "s");
      }
    }
    return sb.toString();
  }
}
