package io.zentrunk.spark.lake;

import static io.zentrunk.spark.client.UtcDays.ceilDay;
import static io.zentrunk.spark.client.UtcDays.day;
import static io.zentrunk.spark.client.UtcDays.days;
import static io.zentrunk.spark.client.UtcDays.isMidnight;
import static io.zentrunk.spark.client.UtcDays.start;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pure logic: which whole UTC days an ingest run (re)loads and how far the state may move afterwards.
 *
 * <p>State semantics: the state is an instant at a UTC midnight, "every CDR with {@code end_time} before it is
 * in the lake". It only moves forward, only over a contiguous load that starts at or before it, and only up to
 * the last day boundary at or before {@code now - safetyMargin} (the current day is loaded but stays open).
 */
public final class IngestPlanner {

  /** The API returns calls of the last 90 days only. */
  public static final Duration RETENTION = Duration.ofDays(90);
  /** Warn when the next day to load is this close to falling out of the retention. */
  public static final Duration RETENTION_WARNING = Duration.ofDays(7);
  /** CDRs may appear in the API a little after the call ends: a day is complete this long after it ends. */
  public static final Duration DEFAULT_SAFETY_MARGIN = Duration.ofHours(1);
  public static final int DEFAULT_LOOKBACK_DAYS = 1;

  /**
   * The inputs of one plan; {@code state}, {@code start} and {@code end} are optional. {@code lookbackDays} is
   * never negative: the command refuses a negative {@code --lookback-days} with a one-line message.
   */
  public record Request(
      Optional<Instant> state,
      Optional<Instant> start,
      Optional<Instant> end,
      int lookbackDays,
      boolean acceptDataLoss,
      Instant now,
      Duration safetyMargin) {

    public Request {
      if (lookbackDays < 0) {
        throw new IllegalArgumentException("lookbackDays " + lookbackDays + " < 0");
      }
    }

    public static Request of(Instant state, Instant start, Instant end, int lookbackDays, boolean acceptDataLoss,
        Instant now) {
      return new Request(Optional.ofNullable(state), Optional.ofNullable(start), Optional.ofNullable(end),
          lookbackDays, acceptDataLoss, now, DEFAULT_SAFETY_MARGIN);
    }
  }

  private IngestPlanner() {}

  /**
   * The plan of one run: the window it reads (from the options or from the state and the lookback), clipped to
   * today and to the API's retention, and how far the state may move after it.
   *
   * @throws LakeUsageException naming the option to change when no safe plan exists
   */
  public static IngestPlan plan(Request r) {
    List<String> notes = new ArrayList<>();
    Instant retentionStart = r.now().minus(RETENTION);
    LocalDate firstNew = firstNew(r, notes); // the first day that the lake may not hold yet
    LocalDate requestedFrom = r.start().isPresent() ? firstNew : firstNew.minusDays(r.lookbackDays());
    LocalDate endExclusive = endExclusive(r, notes);
    if (!requestedFrom.isBefore(endExclusive)) {
      throw new LakeUsageException("nothing to load: the window " + requestedFrom + " to " + endExclusive
          + " is empty (check --end against the lake state " + r.state().map(Instant::toString).orElse("none") + ")");
    }
    List<LocalDate> lost = lostDays(r, firstNew, requestedFrom, endExclusive, retentionStart, notes);
    LocalDate from = clipToRetention(requestedFrom, firstNew, endExclusive, retentionStart, notes);
    if (lost.isEmpty() && start(firstNew).isBefore(retentionStart.plus(RETENTION_WARNING))) {
      long left = Duration.between(retentionStart, start(firstNew)).toHours() / 24;
      notes.add("warning: the lake is close to the 90-day retention: day " + firstNew + " can no longer be read in "
          + "about " + left + " days; run ingest more often");
    }
    Optional<Instant> advance = advance(r, from, endExclusive, !lost.isEmpty(), notes);
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = from; d.isBefore(endExclusive); d = d.plusDays(1)) {
      days.add(d);
    }
    return new IngestPlan(days, start(from), start(endExclusive), advance, notes, lost);
  }

  /** The day of {@code --start} (a whole day, not in the future), else the day of the state. */
  private static LocalDate firstNew(Request r, List<String> notes) {
    if (r.start().isEmpty()) {
      Instant state = r.state().orElseThrow(() -> new LakeUsageException(
          "the lake has no ingest state yet: pass --start to choose the first day to load"));
      return day(state);
    }
    Instant s = r.start().get();
    LocalDate from = day(s);
    if (!isMidnight(s)) {
      notes.add("--start " + s + " is not a UTC midnight: loading the whole day " + from);
    }
    if (from.isAfter(day(r.now()))) {
      throw new LakeUsageException("--start " + s + " is in the future (now is " + r.now() + ")");
    }
    return from;
  }

  /** The end of the last day to load: {@code --end} widened to a whole day, at most the end of today. */
  private static LocalDate endExclusive(Request r, List<String> notes) {
    LocalDate today = day(r.now());
    LocalDate endOfToday = today.plusDays(1);
    if (r.end().isEmpty()) {
      return endOfToday;
    }
    Instant e = r.end().get();
    if (r.start().isPresent() && !e.isAfter(r.start().get())) {
      throw new LakeUsageException("--end " + e + " must be after --start " + r.start().get());
    }
    LocalDate endExclusive = ceilDay(e);
    if (!isMidnight(e)) {
      notes.add("--end " + e + " is not a UTC midnight: loading up to the end of the day " + day(e));
    }
    if (endExclusive.isAfter(endOfToday)) {
      notes.add("--end " + e + " is after today: loading up to the end of today " + today);
      return endOfToday;
    }
    return endExclusive;
  }

  /**
   * The new days of the window that start before now - 90 d and so can no longer be read completely: refused
   * unless {@code --accept-data-loss}.
   */
  private static List<LocalDate> lostDays(Request r, LocalDate firstNew, LocalDate from, LocalDate endExclusive,
      Instant retentionStart, List<String> notes) {
    LocalDate firstRetrievable = ceilDay(retentionStart);
    List<LocalDate> lost = new ArrayList<>();
    for (LocalDate d = firstNew.isAfter(from) ? firstNew : from; d.isBefore(endExclusive) && d.isBefore(firstRetrievable);
        d = d.plusDays(1)) {
      lost.add(d);
    }
    if (!lost.isEmpty() && !r.acceptDataLoss()) {
      throw new LakeUsageException("days " + days(lost) + " are older than the API's 90-day retention (calls before "
          + retentionStart + " can no longer be read): their CDRs are lost for good; pass --accept-data-loss to load "
          + "from " + firstRetrievable + " on and leave those days as they are in the lake");
    }
    if (!lost.isEmpty()) {
      notes.add("accepting data loss: days " + days(lost) + " are past the 90-day retention and are left as they are");
    }
    return lost;
  }

  /** The first day to load: {@code from}, or the first day the API still holds whole. */
  private static LocalDate clipToRetention(LocalDate from, LocalDate firstNew, LocalDate endExclusive,
      Instant retentionStart, List<String> notes) {
    LocalDate firstRetrievable = ceilDay(retentionStart);
    if (!from.isBefore(firstRetrievable)) {
      return from;
    }
    if (from.isBefore(firstNew)) {
      notes.add("re-reading the lookback days from " + firstRetrievable + " only: earlier days are past the "
          + "90-day retention and stay as they are in the lake");
    }
    if (!firstRetrievable.isBefore(endExclusive)) {
      throw new LakeUsageException("nothing to load: every day of the window is past the API's 90-day retention");
    }
    return firstRetrievable;
  }

  /** State: contiguous with the old state, up to the last complete day boundary. */
  private static Optional<Instant> advance(Request r, LocalDate from, LocalDate endExclusive, boolean lost,
      List<String> notes) {
    Instant complete = start(day(r.now().minus(r.safetyMargin())));
    Instant candidate = start(endExclusive).isBefore(complete) ? start(endExclusive) : complete;
    Optional<Instant> state = r.state();
    boolean contiguous = state.isEmpty() || !start(from).isAfter(state.get()) || lost;
    if (!contiguous) {
      notes.add("the state stays at " + state.get() + ": this window starts after it, so the days between are "
          + "not loaded yet");
      return Optional.empty();
    }
    if (state.isEmpty() ? !candidate.isBefore(start(from)) : candidate.isAfter(state.get())) {
      return Optional.of(candidate);
    }
    return Optional.empty();
  }
}
