package io.zentrunk.spark.report;

import static io.zentrunk.spark.source.CdrColumns.ANSWER_TIME;
import static io.zentrunk.spark.source.CdrColumns.BILL_DURATION;
import static io.zentrunk.spark.source.CdrColumns.CALL_DIRECTION;
import static io.zentrunk.spark.source.CdrColumns.CALL_UUID;
import static io.zentrunk.spark.source.CdrColumns.END_DATE;
import static io.zentrunk.spark.source.CdrColumns.END_TIME;
import static io.zentrunk.spark.source.CdrColumns.FROM_COUNTRY;
import static io.zentrunk.spark.source.CdrColumns.INITIATION_TIME;
import static io.zentrunk.spark.source.CdrColumns.TO_COUNTRY;
import static io.zentrunk.spark.source.CdrColumns.TOTAL_AMOUNT;
import static io.zentrunk.spark.source.CdrColumns.endDate;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;

import io.zentrunk.spark.source.CdrColumns;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Wangiri ("one ring and cut") callback fraud as a pure DataFrame function: inbound calls from international
 * numbers that hang up after a ring or two, unanswered, spread over many of the account's numbers, so that
 * people call back a premium number.
 */
public final class Wangiri {

  public static final String FROM_NUMBER = CdrColumns.FROM_NUMBER;
  public static final String TO_NUMBER = CdrColumns.TO_NUMBER;
  public static final String CALLING_PREFIX = "calling_prefix";
  public static final String ONE_RING_CALLS = "one_ring_calls";
  public static final String CALLING_NUMBERS = "calling_numbers";
  public static final String NUMBERS_REACHED = "numbers_reached";
  public static final String CALLBACKS = "callbacks";
  public static final String CALLBACK_NUMBERS = "callback_numbers";
  public static final String CALLBACK_BILLED_SECONDS = "callback_billed_seconds";
  public static final String CALLBACK_AMOUNT = "callback_amount";
  public static final String FLAGGED = "flagged";

  private Wangiri() {}

  /**
   * The rule's settings: a one-ring call ended at most {@code oneRingSeconds} after its initiation; the calling
   * prefix is the number without its last {@code blockDigits} digits (4: a block of 10,000 numbers, which is how
   * number ranges are allocated, an NPA-NXX in North America); a callback is initiated within
   * {@code callbackHours} after a one-ring call from the number it calls; a prefix and day is flagged when it
   * reached at least {@code minNumbers} of the account's numbers and got at least {@code minCallbacks} callbacks.
   */
  public record Rule(int oneRingSeconds, int callbackHours, int blockDigits, long minNumbers, long minCallbacks)
      implements Serializable {
    public static final int DEFAULT_ONE_RING_SECONDS = 5;
    public static final int DEFAULT_CALLBACK_HOURS = 48;
    public static final int DEFAULT_BLOCK_DIGITS = 4;
    public static final long DEFAULT_MIN_NUMBERS = 10;
    public static final long DEFAULT_MIN_CALLBACKS = 1;

    /** @throws IllegalArgumentException naming the option of the first value out of range */
    public Rule {
      if (oneRingSeconds < 1 || oneRingSeconds > 60) {
        throw new IllegalArgumentException("--one-ring-seconds must be in [1,60], not " + oneRingSeconds);
      }
      if (callbackHours < 1 || callbackHours > 24 * 30) {
        throw new IllegalArgumentException("--callback-hours must be in [1,720], not " + callbackHours);
      }
      if (blockDigits < 0 || blockDigits > 8) {
        throw new IllegalArgumentException("--wangiri-block-digits must be in [0,8], not " + blockDigits);
      }
      if (minNumbers < 1) {
        throw new IllegalArgumentException("--wangiri-min-numbers must be at least 1, not " + minNumbers);
      }
      if (minCallbacks < 0) {
        throw new IllegalArgumentException("--wangiri-min-callbacks must be at least 0, not " + minCallbacks);
      }
    }

    public static Rule defaults() {
      return new Rule(DEFAULT_ONE_RING_SECONDS, DEFAULT_CALLBACK_HOURS, DEFAULT_BLOCK_DIGITS, DEFAULT_MIN_NUMBERS,
          DEFAULT_MIN_CALLBACKS);
    }
  }

  /**
   * One row per {@code end_date} (of the one-ring calls) and {@code calling_prefix} that had a one-ring call:
   * an inbound call, unanswered, with {@code end_time - initiation_time <= oneRingSeconds}, from a number of
   * another country than the number it called ({@code from_country <> to_country}). Columns:
   * <ul>
   *   <li>{@code from_country}; {@code one_ring_calls}; {@code calling_numbers} (distinct {@code from_number});
   *       {@code numbers_reached} (distinct {@code to_number}: the account's numbers rung);
   *   <li>{@code callbacks}: outbound calls of {@code cdrs} to one of those calling numbers whose
   *       {@code initiation_time} is in {@code [end_time, end_time + callbackHours)} of a one-ring call from it on
   *       that day (each call once per day and prefix); {@code callback_numbers}, {@code callback_billed_seconds},
   *       {@code callback_amount} (decimal, 0 when none);
   *   <li>{@code flagged}: numbers_reached >= minNumbers and callbacks >= minCallbacks.
   * </ul>
   * Callbacks are seen only within {@code cdrs} (the report's window): those after its end are not counted.
   */
  public static Dataset<Row> signals(Dataset<Row> cdrs, Rule rule) {
    Column international = col(FROM_COUNTRY).isNotNull().and(col(TO_COUNTRY).isNotNull())
        .and(col(FROM_COUNTRY).notEqual(col(TO_COUNTRY)));
    Column prefix = expr("substring(" + FROM_NUMBER + ", 1, greatest(length(" + FROM_NUMBER + ") - " + rule.blockDigits()
        + ", 1))");
    Dataset<Row> oneRing = cdrs
        .filter(col(CALL_DIRECTION).equalTo("inbound").and(col(ANSWER_TIME).isNull())
            .and(col(INITIATION_TIME).isNotNull()).and(col(END_TIME).isNotNull()).and(col(FROM_NUMBER).isNotNull())
            .and(unix_seconds(col(END_TIME)).minus(unix_seconds(col(INITIATION_TIME))).leq(rule.oneRingSeconds()))
            .and(international))
        .select(endDate().as(END_DATE), prefix.as(CALLING_PREFIX), col(FROM_COUNTRY), col(FROM_NUMBER), col(TO_NUMBER),
            unix_seconds(col(END_TIME)).as("ring_end"));
    Dataset<Row> perPrefix = oneRing
        .groupBy(col(END_DATE), col(CALLING_PREFIX))
        .agg(max(col(FROM_COUNTRY)).as(FROM_COUNTRY), count(lit(1)).as(ONE_RING_CALLS),
            distinctCount(col(FROM_NUMBER)).as(CALLING_NUMBERS), distinctCount(col(TO_NUMBER)).as(NUMBERS_REACHED));

    // callbacks: outbound calls to a number that rang, initiated in [ring end, ring end + hours), once per
    // (day, prefix, call)
    Dataset<Row> rings = oneRing.select(col(END_DATE), col(CALLING_PREFIX), col(FROM_NUMBER).as("rang_from"),
        col("ring_end"));
    Dataset<Row> outbound = cdrs
        .filter(col(CALL_DIRECTION).equalTo("outbound").and(col(TO_NUMBER).isNotNull()).and(col(INITIATION_TIME).isNotNull()))
        .select(col(CALL_UUID), col(TO_NUMBER).as("called"), unix_seconds(col(INITIATION_TIME)).as("cb_init"),
            col(BILL_DURATION), col(TOTAL_AMOUNT));
    Dataset<Row> callbacks = rings
        .join(outbound, col("rang_from").equalTo(col("called"))
            .and(col("cb_init").geq(col("ring_end")))
            .and(col("cb_init").lt(col("ring_end").plus((long) rule.callbackHours() * 3600))))
        .dropDuplicates(END_DATE, CALLING_PREFIX, CALL_UUID)
        .groupBy(col(END_DATE), col(CALLING_PREFIX))
        .agg(count(lit(1)).as(CALLBACKS), distinctCount(col("called")).as(CALLBACK_NUMBERS),
            coalesce(sum(col(BILL_DURATION)), lit(0L)).as(CALLBACK_BILLED_SECONDS),
            sum(col(TOTAL_AMOUNT)).as(CALLBACK_AMOUNT));

    // each prefix and day with its callbacks (every callbacks' key is a one-ring key): the two aggregated by that key
    // over their union, not an outer join, so that a one-partition report plans no shuffle for it (Spark shuffles
    // both sides of a join once their estimated size passes spark.sql.maxSinglePartitionBytes, and a join's estimate
    // is the product of its sides': this join's callbacks side is one)
    DataType amountType = DataTypes.createDecimalType(28, 5);
    Dataset<Row> both = perPrefix.select(col(END_DATE), col(CALLING_PREFIX), col(FROM_COUNTRY), col(ONE_RING_CALLS),
            col(CALLING_NUMBERS), col(NUMBERS_REACHED), lit(null).cast(DataTypes.LongType).as(CALLBACKS),
            lit(null).cast(DataTypes.LongType).as(CALLBACK_NUMBERS), lit(null).cast(DataTypes.LongType).as(CALLBACK_BILLED_SECONDS),
            lit(null).cast(amountType).as(CALLBACK_AMOUNT))
        .union(callbacks.select(col(END_DATE), col(CALLING_PREFIX), lit(null).cast(DataTypes.StringType).as(FROM_COUNTRY),
            lit(null).cast(DataTypes.LongType).as(ONE_RING_CALLS), lit(null).cast(DataTypes.LongType).as(CALLING_NUMBERS),
            lit(null).cast(DataTypes.LongType).as(NUMBERS_REACHED), col(CALLBACKS), col(CALLBACK_NUMBERS),
            col(CALLBACK_BILLED_SECONDS), col(CALLBACK_AMOUNT).cast(amountType).as(CALLBACK_AMOUNT)))
        // a union of two one-partition sides is two partitions (unless both have the very same partitioning, which a
        // join's output has not): one partition again, so that the aggregation and the sort need no shuffle. The
        // rows here are already aggregated (a row per day and calling prefix), whatever the calls' count
        .coalesce(1);
    Column n = coalesce(max(col(CALLBACKS)), lit(0L));
    Column reached = coalesce(max(col(NUMBERS_REACHED)), lit(0L));
    return both.groupBy(col(END_DATE), col(CALLING_PREFIX))
        .agg(max(col(FROM_COUNTRY)).as(FROM_COUNTRY), coalesce(max(col(ONE_RING_CALLS)), lit(0L)).as(ONE_RING_CALLS),
            coalesce(max(col(CALLING_NUMBERS)), lit(0L)).as(CALLING_NUMBERS), reached.as(NUMBERS_REACHED),
            n.as(CALLBACKS),
            coalesce(max(col(CALLBACK_NUMBERS)), lit(0L)).as(CALLBACK_NUMBERS),
            coalesce(max(col(CALLBACK_BILLED_SECONDS)), lit(0L)).as(CALLBACK_BILLED_SECONDS),
            // sum(decimal(18,5)) is decimal(28,5); 0 of the same type when there was no callback
            coalesce(max(col(CALLBACK_AMOUNT)), lit(BigDecimal.ZERO).cast(amountType)).as(CALLBACK_AMOUNT),
            reached.geq(rule.minNumbers()).and(n.geq(rule.minCallbacks())).as(FLAGGED))
        .orderBy(col(END_DATE), col(CALLING_PREFIX));
  }

  /**
   * {@code count(DISTINCT c)}, as the size of the set of its non-NULL values: an aggregation like any other, where
   * Spark plans {@code count(DISTINCT)} as an expansion of the rows with shuffles of its own, which a one-partition
   * report (see {@link ReportJob#ONE_PARTITION_ROWS}) has none of. The sets are small: the numbers of a calling
   * prefix on one day.
   */
  private static Column distinctCount(Column c) {
    return size(collect_set(c)).cast(DataTypes.LongType);
  }

  /** The console lines: the flagged prefixes (up to 20) and how many prefix-days had one-ring calls. */
  public static String summary(Dataset<Row> signals) {
    return summary(signals.collectAsList());
  }

  /** As {@link #summary(Dataset)}, over the signals' rows collected (no Spark job). */
  static String summary(List<Row> signals) {
    List<Row> flagged = flagged(signals, 20);
    long n = flagged.size() < 20 ? flagged.size() : flagged(signals, -1).size();
    StringBuilder out = new StringBuilder("Wangiri signals: ").append(n).append('\n');
    for (Row r : flagged) {
      out.append(String.format(Locale.ROOT, "  %s %s (%s): %d one-ring calls to %d numbers, %d callbacks, USD %s%n",
          r.getAs(END_DATE), r.<String>getAs(CALLING_PREFIX), r.isNullAt(r.fieldIndex(FROM_COUNTRY)) ? "??"
              : r.<String>getAs(FROM_COUNTRY), r.<Long>getAs(ONE_RING_CALLS), r.<Long>getAs(NUMBERS_REACHED),
          r.<Long>getAs(CALLBACKS), r.<BigDecimal>getAs(CALLBACK_AMOUNT).toPlainString()));
    }
    return out.toString();
  }

  /**
   * The flagged rows of {@code signals} by numbers reached (most first), then day and prefix, as the summary and
   * the page list them: the first {@code limit} (negative: all).
   */
  static List<Row> flagged(List<Row> signals, int limit) {
    List<Row> flagged = signals.stream().filter(r -> !r.isNullAt(r.fieldIndex(FLAGGED)) && r.<Boolean>getAs(FLAGGED))
        .toList();
    return LocalRows.sorted(flagged, LocalRows.desc(NUMBERS_REACHED).thenComparing(LocalRows.asc(END_DATE))
        .thenComparing(LocalRows.asc(CALLING_PREFIX)), limit);
  }
}
