package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.HOUR_SEC;
import static io.zentrunk.spark.source.CdrColumns.HANGUP_CAUSE_CODE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The per-hour sweep of held calls that {@link Capacity} and {@link TrunkHours} roll up, in one sorted pass per key
 * (a trunk, or one key for all calls): each call is two events, its start (+1) at its {@code init_sec} and its end
 * (-1) at its {@code end_sec}; the events of a key sorted by second are walked once, the level after each second
 * the running sum of the events up to it. One row per key and hour of the window's grid ({@link HourGrid#hours}):
 * <ul>
 *   <li>{@code calls_started}, {@code cps_rejections} / {@code channel_rejections}: the calls started in the hour
 *       (those ended with 5180 / 5190);
 *   <li>{@code peak_concurrent_calls}: the largest level of the hour's start and of its seconds with an event;
 *   <li>{@code peak_calls_per_second}: the most calls started within one second of the hour (0 without one);
 *   <li>{@code carried_seconds}: the seconds of {@code [init_sec, end_sec)} inside the hour of the calls not
 *       refused (any code but 5180 and 5190) with {@code end_sec > init_sec};
 *   <li>{@code mean_holding_seconds}: the key's mean {@code end_sec - init_sec} over its calls not refused (NULL
 *       when every call was), the same on every hour.
 * </ul>
 * Why a pass and not aggregations: the same figures as a per-second aggregation, a running-sum window over the
 * sorted seconds and a per-hour aggregation cost three passes over millions of rows (and shuffles between them);
 * here the rows are sorted once and each is looked at once (jobs/bench compute times {@code trunk_hours} and
 * {@code capacity}). Hours before the grid (calls that started before it) only carry their level.
 */
final class HourSweep {

  private HourSweep() {}

  static final String KEY = "sweep_key";
  static final String SEC = "sec";
  static final String NET = "net";
  static final String END = "end";
  static final String CARRIED = "carried_seconds";
  static final String STARTED = "calls_started";
  static final String PEAK = "peak_concurrent_calls";
  static final String PEAK_CPS = "peak_calls_per_second";
  static final String R5180 = "cps_rejections";
  static final String R5190 = "channel_rejections";
  static final String HOLDING = "mean_holding_seconds";

  /**
   * The sweep of {@code timed} (from {@link HourGrid#timed}, with the key column {@code key} among its columns)
   * over the grid of {@code [start, end)}: a row per key of {@code timed} and grid hour, with {@link #KEY} (the
   * key's value), {@code hour_sec} and the figures above. With an {@code emptyKey} (not null), that key has its
   * rows even when {@code timed} has no call of it (a zero event at the grid's first hour).
   */
  static Dataset<Row> of(Dataset<Row> timed, Column key, Instant start, Instant end, Object emptyKey) {
    Column k = key.as(KEY);
    Dataset<Row> starts = timed.select(k, col("init_sec").as(SEC), lit(1).as(NET), col("end_sec").as(END),
        col(HANGUP_CAUSE_CODE).cast(DataTypes.IntegerType).as(HANGUP_CAUSE_CODE));
    Dataset<Row> ends = timed.select(k, col("end_sec").as(SEC), lit(-1).as(NET), lit(null).cast(DataTypes.LongType),
        lit(null).cast(DataTypes.IntegerType));
    Dataset<Row> events = starts.union(ends);
    if (emptyKey != null) {
      // a zero event: the key exists (every hour is a row) even with no call at all
      events = events.union(HourGrid.hours(timed.sparkSession(), start, end)
          .filter(col(HOUR_SEC).equalTo(Math.floorDiv(start.getEpochSecond(), 3600) * 3600))
          .select(lit(emptyKey).cast(starts.schema().apply(KEY).dataType()), col(HOUR_SEC), lit(0), lit(null).cast(DataTypes.LongType),
              lit(null).cast(DataTypes.IntegerType)));
    }
    StructField keyField = events.schema().apply(KEY);
    StructType keySchema = new StructType(new StructField[] {keyField});
    StructType out = new StructType(new StructField[] {
        keyField,
        DataTypes.createStructField(HOUR_SEC, DataTypes.LongType, false),
        DataTypes.createStructField(CARRIED, DataTypes.LongType, false),
        DataTypes.createStructField(STARTED, DataTypes.LongType, false),
        DataTypes.createStructField(PEAK, DataTypes.LongType, false),
        DataTypes.createStructField(PEAK_CPS, DataTypes.LongType, false),
        DataTypes.createStructField(R5180, DataTypes.LongType, false),
        DataTypes.createStructField(R5190, DataTypes.LongType, false),
        DataTypes.createStructField(HOLDING, DataTypes.DoubleType, true)});
    long firstHour = Math.floorDiv(start.getEpochSecond(), 3600) * 3600;
    long endSec = end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0);
    int hours = (int) Math.max(0, Math.floorDiv(endSec - 1 - firstHour, 3600) + 1);
    return events.groupBy(col(KEY)).as(Encoders.row(keySchema), Encoders.row(events.schema()))
        .flatMapSortedGroups(new Column[] {col(SEC)}, new Walk(firstHour, hours), Encoders.row(out));
  }

  /** The walk over one key's events, sorted by second. */
  static final class Walk implements FlatMapGroupsFunction<Row, Row, Row> {
    private static final long serialVersionUID = 1L;
    private final long firstHour;
    private final int hours;

    Walk(long firstHour, int hours) {
      this.firstHour = firstHour;
      this.hours = hours;
    }

    @Override
    public Iterator<Row> call(Row key, Iterator<Row> events) {
      int n = hours;
      long[] carried = new long[n];
      long[] started = new long[n];
      long[] peak = new long[n];
      long[] cps = new long[n];
      long[] r5180 = new long[n];
      long[] r5190 = new long[n];
      long level = 0;
      long holdSum = 0;
      long holdN = 0;
      // the next grid hour whose start's level is not yet seen
      int nextHour = 0;
      boolean any = false;
      long sec = 0;
      long net = 0;
      long startedNow = 0;
      long r5180Now = 0;
      long r5190Now = 0;
      while (events.hasNext()) {
        Row e = events.next();
        long s = e.getLong(1);
        if (!any || s != sec) {
          if (any) {
            level += net;
            nextHour = second(sec, level, startedNow, r5180Now, r5190Now, nextHour, started, peak, cps, r5180, r5190);
          }
          // the hour starts before this second without an event of their own: their level is the level so far, the
          // hour's first
          while (nextHour < n && firstHour + nextHour * 3600L < s) {
            peak[nextHour] = level;
            nextHour++;
          }
          any = true;
          sec = s;
          net = 0;
          startedNow = 0;
          r5180Now = 0;
          r5190Now = 0;
        }
        int kind = e.getInt(2);
        net += kind;
        if (kind == 1) {
          startedNow++;
          Integer code = e.isNullAt(4) ? null : e.getInt(4);
          boolean refused = code != null && (code == TrunkSizing.CPS_LIMIT_CODE || code == TrunkSizing.CHANNEL_LIMIT_CODE);
          if (code != null && code == TrunkSizing.CPS_LIMIT_CODE) {
            r5180Now++;
          }
          if (code != null && code == TrunkSizing.CHANNEL_LIMIT_CODE) {
            r5190Now++;
          }
          if (!refused) {
            long endS = e.getLong(3);
            holdSum += endS - s;
            holdN++;
            if (endS > s) {
              carry(s, endS, carried);
            }
          }
        }
      }
      if (any) {
        level += net;
        nextHour = second(sec, level, startedNow, r5180Now, r5190Now, nextHour, started, peak, cps, r5180, r5190);
      }
      for (; nextHour < n; nextHour++) {
        peak[nextHour] = level;
      }
      Double holding = holdN == 0 ? null : (double) holdSum / (double) holdN;
      Object k = key.get(0);
      List<Row> rows = new ArrayList<>(n);
      for (int h = 0; h < n; h++) {
        rows.add(RowFactory.create(k, firstHour + h * 3600L, carried[h], started[h], peak[h], cps[h], r5180[h], r5190[h],
            holding));
      }
      return rows.iterator();
    }

    /**
     * The level after second {@code s} (all its events applied): counted in its hour when the hour is in the grid;
     * returns the next grid hour whose start is still to be seen.
     */
    private int second(long s, long level, long startedNow, long r5180Now, long r5190Now, int nextHour, long[] started,
        long[] peak, long[] cps, long[] r5180, long[] r5190) {
      long h = Math.floorDiv(s - firstHour, 3600);
      if (h < 0 || h >= hours) {
        return nextHour;
      }
      int i = (int) h;
      if (i == nextHour && firstHour + i * 3600L == s) {
        // the hour's start has an event: its level is the hour's first
        peak[i] = level;
        nextHour++;
      } else {
        peak[i] = Math.max(peak[i], level);
      }
      started[i] += startedNow;
      cps[i] = Math.max(cps[i], startedNow);
      r5180[i] += r5180Now;
      r5190[i] += r5190Now;
      return nextHour;
    }

    /** Adds the seconds of {@code [init, end)} inside each grid hour it overlaps. */
    private void carry(long init, long end, long[] carried) {
      long from = Math.max(Math.floorDiv(init, 3600) * 3600, firstHour);
      long to = Math.min(Math.floorDiv(end - 1, 3600) * 3600, firstHour + (hours - 1) * 3600L);
      for (long h = from; h <= to; h += 3600) {
        carried[(int) ((h - firstHour) / 3600)] += Math.min(end, h + 3600) - Math.max(init, h);
      }
    }
  }
}
