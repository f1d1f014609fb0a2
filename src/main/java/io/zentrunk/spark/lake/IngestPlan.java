package io.zentrunk.spark.lake;

import io.zentrunk.spark.client.UtcDays;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one ingest run does: read the whole UTC days {@code days} (each contiguous run of them as one window,
 * {@link #windows()}), replace exactly their partitions, then move the state to {@code advanceStateTo} if
 * present. {@code [readStart, readEnd)} is the window as planned; days of it found unchanged before reading are
 * in {@code kept} and are neither read nor replaced.
 *
 * @param notes messages for the user (widened bounds, clipped lookback, retention warnings)
 * @param lostDays days that can no longer be read from the API and are left as they are (only with
 *     {@code --accept-data-loss})
 * @param kept lookback days whose count in the lake equals the API's: left as they are
 */
public record IngestPlan(
    List<LocalDate> days,
    Instant readStart,
    Instant readEnd,
    Optional<Instant> advanceStateTo,
    List<String> notes,
    List<LocalDate> lostDays,
    List<LocalDate> kept) {

  public IngestPlan {
    days = List.copyOf(days);
    notes = List.copyOf(notes);
    lostDays = List.copyOf(lostDays);
    kept = List.copyOf(kept);
  }

  public IngestPlan(List<LocalDate> days, Instant readStart, Instant readEnd, Optional<Instant> advanceStateTo,
      List<String> notes, List<LocalDate> lostDays) {
    this(days, readStart, readEnd, advanceStateTo, notes, lostDays, List.of());
  }

  /** One window {@code [start, end)} of whole days that the run reads in one go. */
  public record Window(Instant start, Instant end) {
    @Override
    public String toString() {
      return "[" + start + ", " + end + ")";
    }
  }

  /** The contiguous runs of {@link #days()}, in order: one read each. */
  public List<Window> windows() {
    List<Window> out = new ArrayList<>();
    LocalDate first = null;
    LocalDate last = null;
    for (LocalDate d : days) {
      if (last != null && d.equals(last.plusDays(1))) {
        last = d;
        continue;
      }
      if (first != null) {
        out.add(new Window(UtcDays.start(first), UtcDays.start(last.plusDays(1))));
      }
      first = d;
      last = d;
    }
    if (first != null) {
      out.add(new Window(UtcDays.start(first), UtcDays.start(last.plusDays(1))));
    }
    return out;
  }

  /** This plan without the days of {@code unchanged}: they are kept as the lake holds them. */
  public IngestPlan keeping(Set<LocalDate> unchanged) {
    List<LocalDate> read = days.stream().filter(d -> !unchanged.contains(d)).toList();
    List<LocalDate> keep = days.stream().filter(unchanged::contains).toList();
    return new IngestPlan(read, readStart, readEnd, advanceStateTo, notes, lostDays, keep);
  }

  /** For progress lines: the days read and their windows. */
  String describeReads() {
    return UtcDays.days(days) + " " + String.join(" ", windows().stream().map(Window::toString).toList());
  }
}
