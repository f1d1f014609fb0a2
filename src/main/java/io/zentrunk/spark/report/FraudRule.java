package io.zentrunk.spark.report;

import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * The IRSF rule's thresholds. A destination (outbound {@code to_country}) is flagged on a day when its
 * amount that day is at least {@code minAmount} and either it was not called in the baseline days (a new
 * destination) or its amount is at least {@code ratio} times its baseline: its average daily amount over the
 * up to {@code baselineDays} days before, counting only days the source holds ({@link #heldDays}).
 *
 * <p>Days a source does not hold (before a lake's first day, past the API's 90 days) are not read, never zero: the
 * baseline is averaged over the days held, and a day is judged only when at least {@code minBaselineDays} of its
 * baseline days are held, so that a lake's or an account's first days are not each compared with nothing. The
 * report (per day) and the watch job (per hour, against the average hour of the held days) both take the held
 * days from here.
 */
public record FraudRule(BigDecimal minAmount, BigDecimal ratio, int baselineDays, int minBaselineDays)
    implements Serializable {
  public static final BigDecimal DEFAULT_MIN_AMOUNT = new BigDecimal("25.00");
  public static final BigDecimal DEFAULT_RATIO = new BigDecimal("5");
  public static final int DEFAULT_BASELINE_DAYS = 7;
  /**
   * Three held days: one day's traffic of a small destination is too thin to compare a day with (a destination
   * called on most days but not on the lake's first is "new" on its second), three smooth it (measured on the
   * emulator's normal traffic: LakeFraudIT).
   */
  public static final int DEFAULT_MIN_BASELINE_DAYS = 3;

  /** @throws IllegalArgumentException when minBaselineDays is not in [1, baselineDays] */
  public FraudRule {
    if (minBaselineDays < 1 || minBaselineDays > baselineDays) {
      throw new IllegalArgumentException("the least baseline days held must be from 1 to the baseline's " + baselineDays
          + " days, not " + minBaselineDays);
    }
  }

  /** The rule with the default least baseline days held (at most the baseline's days). */
  public FraudRule(BigDecimal minAmount, BigDecimal ratio, int baselineDays) {
    this(minAmount, ratio, baselineDays, Math.min(DEFAULT_MIN_BASELINE_DAYS, baselineDays));
  }

  public static FraudRule defaults() {
    return new FraudRule(DEFAULT_MIN_AMOUNT, DEFAULT_RATIO, DEFAULT_BASELINE_DAYS, DEFAULT_MIN_BASELINE_DAYS);
  }

  /**
   * The baseline days of {@code day} that a source holds: of the {@code baselineDays} days before it, those on or
   * after {@code heldFrom} (the source's first complete day), 0 to baselineDays.
   */
  public long heldDays(LocalDate day, LocalDate heldFrom) {
    return Math.max(0, Math.min(baselineDays, day.toEpochDay() - heldFrom.toEpochDay()));
  }

  /** {@link #heldDays} of a column of day numbers ({@code unix_date(end_date)}), as a long column. */
  public Column heldDays(Column epochDay, LocalDate heldFrom) {
    return greatest(lit(0L), least(lit((long) baselineDays), epochDay.minus(lit(heldFrom.toEpochDay()))))
        .cast(DataTypes.LongType);
  }

  /** Whether a day with {@code held} baseline days held is judged: at least {@code minBaselineDays}. */
  public boolean judges(long held) {
    return held >= minBaselineDays;
  }

  /** {@link #judges} of a column of held days. */
  public Column judges(Column held) {
    return held.geq(lit((long) minBaselineDays));
  }

  /**
   * The rule's one predicate, for the report's days and the watch's hours alike: an {@code amount} of one period (a
   * day, an hour) is flagged when it is at least {@code minAmount} and either the destination has nothing in its
   * baseline ({@link #isNew}) or the amount is at least {@code ratio} times its average period over the baseline,
   * {@code amount x periods >= baselineSum x ratio} ({@code periods}: the baseline's held days for a day, its held
   * hours for an hour; exact in decimals, no division).
   */
  public Column flagged(Column amount, Column baselineSum, Column periods) {
    return amount.geq(lit(minAmount)).and(isNew(baselineSum).or(amount.multiply(periods).geq(baselineSum.multiply(lit(ratio)))));
  }

  /** A destination with nothing billed in its baseline days. */
  public static Column isNew(Column baselineSum) {
    return baselineSum.equalTo(0);
  }

  /** The baseline's average period (day or hour): {@code baselineSum / periods}, HALF_UP to 5 places. */
  public static Column average(Column baselineSum, Column periods) {
    return ReportColumns.MONEY_RATIO.apply(baselineSum, lit(1L), periods);
  }

  /** The sentence the outputs say it in. */
  public String heldDaysNote() {
    return "a day is judged against the average of its " + baselineDays + " baseline days that the source holds, when it "
        + "holds at least " + minBaselineDays + " of them (--fraud-min-baseline-days)";
  }
}
