package io.zentrunk.spark.jobs;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** UTC time arguments ({@code --start}, {@code --end}) and whole UTC days. */
public final class Timestamps {

  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern LOCAL = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");

  private Timestamps() {}

  /**
   * Reads {@code YYYY-MM-DD}, {@code YYYY-MM-DD HH:MM[:SS]} (UTC) or ISO-8601 with a zone or offset.
   *
   * @throws UsageException naming {@code option} when the value is none of these
   */
  public static Instant parseUtc(String value, String option) {
    String v = value == null ? "" : value.trim();
    try {
      if (DATE.matcher(v).matches()) {
        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (LOCAL.matcher(v).matches()) {
        return LocalDateTime.parse(v.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
      }
      try {
        return OffsetDateTime.parse(v).toInstant();
      } catch (DateTimeParseException e) {
        return ZonedDateTime.parse(v).toInstant();
      }
    } catch (DateTimeParseException e) {
      throw new UsageException(option + ": cannot read '" + value
          + "' as a UTC time; use YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' or ISO-8601 (2026-11-01T00:00:00Z)");
    }
  }

  /** The UTC day that contains {@code t}. */
  public static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  /** Midnight UTC that starts {@code d}. */
  public static Instant start(LocalDate d) {
    return d.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  public static boolean isMidnight(Instant t) {
    return t.truncatedTo(ChronoUnit.DAYS).equals(t);
  }

  /** The first day that starts at or after {@code t}. */
  public static LocalDate ceilDay(Instant t) {
    return isMidnight(t) ? day(t) : day(t).plusDays(1);
  }

  static String days(java.util.List<LocalDate> days) {
    if (days.isEmpty()) {
      return "no days";
    }
    LocalDate first = days.get(0);
    LocalDate last = days.get(days.size() - 1);
    return first.equals(last) ? first + " (1 day)" : first + ".." + last + " (" + days.size() + " days)";
  }

}
