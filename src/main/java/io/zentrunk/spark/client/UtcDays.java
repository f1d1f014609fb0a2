package io.zentrunk.spark.client;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Whole UTC days: the day of an instant, its midnight, and a list of days in words. */
public final class UtcDays {

  private UtcDays() {}

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

  public static String days(java.util.List<LocalDate> days) {
    if (days.isEmpty()) {
      return "no days";
    }
    LocalDate first = days.get(0);
    LocalDate last = days.get(days.size() - 1);
    return first.equals(last) ? first + " (1 day)" : first + ".." + last + " (" + days.size() + " days)";
  }

}
