package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.HOUR_SEC;
import static io.zentrunk.spark.source.CdrColumns.HANGUP_CAUSE_CODE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
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
 * (-1) at its {@code end_sec}; the events of a key are walked once in the order of their seconds, the level after each
 * second the running sum of the events up to it. The calls are sorted by their first event's second and each call's
 * later event waits in a queue of the calls in progress: one sorted row per call, not two. One row per key and hour
 * of the window's grid ({@link HourGrid#hours}):
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
  static final String END = "end";
  static final String FIRST = "first_sec";
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
   * rows even when {@code timed} has no call of it (a row without a call).
   */
  static Dataset<Row> of(Dataset<Row> timed, Column key, Instant start, Instant end, Object emptyKey) {
    Column k = key.as(KEY);
    // one row per call, sorted by its first event's second (its start, or its end when that comes first); the walk
    // holds each call's later event back until its second comes
    Dataset<Row> calls = timed.select(k, col("init_sec").as(SEC), col("end_sec").as(END),
        col(HANGUP_CAUSE_CODE).cast(DataTypes.IntegerType).as(HANGUP_CAUSE_CODE),
        least(col("init_sec"), col("end_sec")).as(FIRST));
    if (emptyKey != null) {
      // a row without a call (NULL seconds): the key exists (every hour is a row) even with no call at all
      calls = calls.union(HourGrid.hours(timed.sparkSession(), start, end)
          .filter(col(HOUR_SEC).equalTo(Math.floorDiv(start.getEpochSecond(), 3600) * 3600))
          .select(lit(emptyKey).cast(calls.schema().apply(KEY).dataType()), lit(null).cast(DataTypes.LongType),
              lit(null).cast(DataTypes.LongType), lit(null).cast(DataTypes.IntegerType),
              lit(null).cast(DataTypes.LongType)));
    }
    StructField keyField = calls.schema().apply(KEY);
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
    return calls.groupBy(col(KEY)).as(Encoders.row(keySchema), Encoders.row(calls.schema()))
        .flatMapSortedGroups(new Column[] {col(FIRST)}, new Walk(firstHour, hours), Encoders.row(out));
  }

  /**
   * The walk over one key's calls, sorted by their first event's second: the events are visited in the order of
   * their seconds, each call's later event (its end, or its start when it ends before it starts) held in a queue
   * until the calls' seconds pass it. The queue holds the calls in progress, never all of a key's calls.
   */
  static final class Walk implements FlatMapGroupsFunction<Row, Row, Row> {
    private static final long serialVersionUID = 1L;
    private final long firstHour;
    private final int hours;

    Walk(long firstHour, int hours) {
      this.firstHour = firstHour;
      this.hours = hours;
    }

    @Override
    public Iterator<Row> call(Row key, Iterator<Row> calls) {
      Levels levels = new Levels(firstHour, hours);
      // the ends of the calls started, earliest first
      LongHeap ends = new LongHeap();
      // the starts of calls that end before they start (init, end, code), earliest first
      PriorityQueue<long[]> lateStarts = new PriorityQueue<>(Comparator.comparingLong((long[] a) -> a[0]));
      while (calls.hasNext()) {
        Row c = calls.next();
        if (c.isNullAt(1)) {
          continue;
        }
        long init = c.getLong(1);
        long endS = c.getLong(2);
        long code = c.isNullAt(3) ? NO_CODE : c.getInt(3);
        levels.pending(ends, lateStarts, Math.min(init, endS));
        if (init <= endS) {
          levels.start(init, endS, code);
          ends.add(endS);
        } else {
          levels.end(endS);
          lateStarts.add(new long[] {init, endS, code});
        }
      }
      levels.pending(ends, lateStarts, Long.MAX_VALUE);
      return levels.rows(key.get(0));
    }
  }

  /** A call without a hangup cause code. */
  private static final long NO_CODE = Long.MIN_VALUE;

  /**
   * The figures of one key's hours, fed its events in the order of their seconds: the level after each second is the
   * running sum of the events up to it.
   */
  static final class Levels {
    private final long firstHour;
    private final int n;
    private final long[] carried;
    private final long[] started;
    private final long[] peak;
    private final long[] cps;
    private final long[] r5180;
    private final long[] r5190;
    private long level;
    private long holdSum;
    private long holdN;
    // the next grid hour whose start's level is not yet seen
    private int nextHour;
    private boolean any;
    private long sec;
    private long net;
    private long startedNow;
    private long r5180Now;
    private long r5190Now;

    Levels(long firstHour, int hours) {
      this.firstHour = firstHour;
      this.n = hours;
      carried = new long[n];
      started = new long[n];
      peak = new long[n];
      cps = new long[n];
      r5180 = new long[n];
      r5190 = new long[n];
    }

    /** Feeds the held-back events of seconds up to {@code upTo}, in the order of their seconds. */
    void pending(LongHeap ends, PriorityQueue<long[]> lateStarts, long upTo) {
      while (true) {
        long e = ends.isEmpty() ? Long.MAX_VALUE : ends.peek();
        long s = lateStarts.isEmpty() ? Long.MAX_VALUE : lateStarts.peek()[0];
        if (ends.isEmpty() && lateStarts.isEmpty() || Math.min(e, s) > upTo) {
          return;
        }
        if (e <= s) {
          end(ends.poll());
        } else {
          long[] l = lateStarts.poll();
          start(l[0], l[1], l[2]);
        }
      }
    }

    /** A call's start (+1) at second {@code s}; the call ends at {@code endS} with {@code code}. */
    void start(long s, long endS, long code) {
      at(s);
      net++;
      startedNow++;
      boolean refused = code == TrunkSizing.CPS_LIMIT_CODE || code == TrunkSizing.CHANNEL_LIMIT_CODE;
      if (code == TrunkSizing.CPS_LIMIT_CODE) {
        r5180Now++;
      }
      if (code == TrunkSizing.CHANNEL_LIMIT_CODE) {
        r5190Now++;
      }
      if (!refused) {
        holdSum += endS - s;
        holdN++;
        if (endS > s) {
          carry(s, endS);
        }
      }
    }

    /** A call's end (-1) at second {@code s}. */
    void end(long s) {
      at(s);
      net--;
    }

    /** Moves to second {@code s} (not before the current one): the seconds before it are counted. */
    private void at(long s) {
      if (any && s == sec) {
        return;
      }
      if (any) {
        level += net;
        second();
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

    /** One row per grid hour, of key {@code k}. */
    Iterator<Row> rows(Object k) {
      if (any) {
        level += net;
        second();
      }
      for (; nextHour < n; nextHour++) {
        peak[nextHour] = level;
      }
      Double holding = holdN == 0 ? null : (double) holdSum / (double) holdN;
      List<Row> rows = new ArrayList<>(n);
      for (int h = 0; h < n; h++) {
        rows.add(RowFactory.create(k, firstHour + h * 3600L, carried[h], started[h], peak[h], cps[h], r5180[h], r5190[h],
            holding));
      }
      return rows.iterator();
    }

    /**
     * The level after the current second (all its events applied): counted in its hour when the hour is in the grid;
     * moves past the grid hour whose start it is.
     */
    private void second() {
      long h = Math.floorDiv(sec - firstHour, 3600);
      if (h < 0 || h >= n) {
        return;
      }
      int i = (int) h;
      if (i == nextHour && firstHour + i * 3600L == sec) {
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
    }

    /** Adds the seconds of {@code [init, end)} inside each grid hour it overlaps. */
    private void carry(long init, long end) {
      long from = Math.max(Math.floorDiv(init, 3600) * 3600, firstHour);
      long to = Math.min(Math.floorDiv(end - 1, 3600) * 3600, firstHour + (n - 1) * 3600L);
      for (long h = from; h <= to; h += 3600) {
        carried[(int) ((h - firstHour) / 3600)] += Math.min(end, h + 3600) - Math.max(init, h);
      }
    }
  }

  /** A min-heap of longs, without boxing. */
  static final class LongHeap {
    private long[] a = new long[64];
    private int size;

    boolean isEmpty() {
      return size == 0;
    }

    long peek() {
      return a[0];
    }

    void add(long v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, size * 2);
      }
      int i = size++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        if (a[p] <= v) {
          break;
        }
        a[i] = a[p];
        i = p;
      }
      a[i] = v;
    }

    long poll() {
      long top = a[0];
      long v = a[--size];
      int i = 0;
      while (true) {
        int c = 2 * i + 1;
        if (c >= size) {
          break;
        }
        if (c + 1 < size && a[c + 1] < a[c]) {
          c++;
        }
        if (v <= a[c]) {
          break;
        }
        a[i] = a[c];
        i = c;
      }
      a[i] = v;
      return top;
    }
  }
}
