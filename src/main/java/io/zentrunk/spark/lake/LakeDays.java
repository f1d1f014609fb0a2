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

  /** {@code end_time} in any of {@code windows} (at least one). */
  static Column window(List<IngestPlan.Window> windows) {
    Column c = null;
    for (IngestPlan.Window w : windows) {
      c = c == null ? window(w.start(), w.end()) : c.or(window(w.start(), w.end()));
    }
    if (c == null) {
      throw new IllegalArgumentException("no window");
    }
    return c;
  }

  /**
   * The plan's CDRs: one read of each of its windows. The filter is not optional: a row outside the plan would
   * replace (Parquet) or fail to replace (Iceberg) a whole day that the plan does not cover.
   */
  static Dataset<Row> read(CdrInput reader, IngestPlan plan) {
    Dataset<Row> all = null;
    for (IngestPlan.Window w : plan.windows()) {
      Dataset<Row> one = reader.read(w.start(), w.end()).where(window(w.start(), w.end()));
      all = all == null ? one : all.unionByName(one);
    }
    if (all == null) {
      throw new IllegalArgumentException("a plan without days reads nothing");
    }
    return all;
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
