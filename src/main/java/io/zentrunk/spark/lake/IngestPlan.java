package io.zentrunk.spark.lake;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What one ingest run does: read {@code [readStart, readEnd)} in one go, replace the partitions of {@code days}
 * (contiguous whole UTC days), then move the state to {@code advanceStateTo} if present.
 *
 * @param notes messages for the user (widened bounds, clipped lookback, retention warnings)
 * @param lostDays days that can no longer be read from the API and are left as they are (only with
 *     {@code --accept-data-loss})
 */
public record IngestPlan(
    List<LocalDate> days,
    Instant readStart,
    Instant readEnd,
    Optional<Instant> advanceStateTo,
    List<String> notes,
    List<LocalDate> lostDays) {

  public IngestPlan {
    days = List.copyOf(days);
    notes = List.copyOf(notes);
    lostDays = List.copyOf(lostDays);
  }
}
