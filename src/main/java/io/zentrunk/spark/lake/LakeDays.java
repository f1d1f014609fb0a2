package io.zentrunk.spark.lake;

import io.zentrunk.spark.source.CdrColumns;
import static io.zentrunk.spark.source.CdrColumns.END_DATE;
import static io.zentrunk.spark.source.CdrColumns.END_TIME;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The window and per-day arithmetic that both formats apply to the CDRs they write and read. */
final class LakeDays {

  private LakeDays() {}

  /** {@code start <= end_time < end}. */
  static Column window(Instant start, Instant end) {
    return col(END_TIME).geq(lit(start)).and(col(END_TIME).lt(lit(end)));
  }

  /**
   * The records of {@code cdrs} per UTC day of {@code end_time}, for every day of {@code days} in their order (0
   * for a day without CDRs); {@code cdrs} holds only those days.
   */
  static Map<LocalDate, Long> countByDay(List<LocalDate> days, Dataset<Row> cdrs) {
    Map<LocalDate, Long> counts = new LinkedHashMap<>();
    days.forEach(d -> counts.put(d, 0L));
    for (Row r : cdrs.groupBy(CdrColumns.endDate().cast("string").as(END_DATE)).count().collectAsList()) {
      counts.put(LocalDate.parse(r.getString(0)), r.getLong(1));
    }
    return counts;
  }

  /** The progress line of one day's count. */
  static String records(LocalDate day, long n) {
    return String.format(Locale.ROOT, "%s: %,d records", day, n);
  }
}
