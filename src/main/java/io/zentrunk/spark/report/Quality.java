package io.zentrunk.spark.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.when;

import io.zentrunk.spark.source.CdrColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * How good the calls were, from the {@code call_insights} table (one row of Plivo's Call Insights per call), as pure
 * DataFrame functions: {@link #of} per day, trunk, destination country and terminating carrier; {@link #carriers}
 * per terminating carrier over the window, judged against the account's median score; {@link #hours} the score by
 * UTC hour. A call is measured when its Insights came back with metrics ({@code status} ok or partial); a metric
 * missing from a measured call is left out of that metric's figures, never counted as 0. Percentiles are exact
 * (Spark's {@code percentile}: linear interpolation between the closest ranks, at (n - 1) x p).
 */
public final class Quality {

  public static final String END_DATE = CdrColumns.END_DATE;
  public static final String TRUNK_ID = CdrColumns.TRUNK_ID;
  public static final String TO_COUNTRY = CdrColumns.TO_COUNTRY;
  public static final String TO_CARRIER = "to_carrier";
  public static final String CALLS_MEASURED = "calls_measured";
  public static final String SCORED_CALLS = "scored_calls";
  public static final String MEAN_QUALITY_SCORE = "mean_quality_score";
  public static final String MEDIAN_QUALITY_SCORE = "median_quality_score";
  public static final String SHARE_BELOW_3 = "share_below_3";
  public static final String ACCOUNT_MEDIAN_SCORE = "account_median_score";
  public static final String FLAGGED = "flagged";
  public static final String HOUR_START = ReportColumns.HOUR_START;

  /** Plivo's "fair" and worse: a score below 3. */
  public static final double FAIR = 3.0;
  /** Fewer scored calls than this and a carrier is not judged (its median says little). */
  public static final int MIN_SCORED_CALLS = 20;

  private static final String STATUS = "status";
  private static final String SCORE = "quality_score";

  private Quality() {}

  /** The carrier rule: a carrier is flagged when its median score is below the account's by more than {@code threshold}. */
  public record Rule(double threshold) implements Serializable {
    public static final double DEFAULT_THRESHOLD = 0.5;

    public Rule {
      if (!(threshold > 0 && threshold < 4)) {
        throw new IllegalArgumentException("--quality-threshold must be a number of score points in (0,4), got " + threshold);
      }
    }

    public static Rule defaults() {
      return new Rule(DEFAULT_THRESHOLD);
    }

    /** The rule's one predicate: a median score more than the threshold below a reference median. */
    public Column below(Column median, Column reference) {
      return median.lt(reference.minus(threshold));
    }
  }

  /**
   * The quality-drop rule of the watch job: the carrier rule with the carrier's own baseline as the reference. A
   * carrier's calls over a window dropped when the window and the baseline each have at least
   * {@link #MIN_SCORED_CALLS} scored calls and the window's median score is more than the rule's threshold below the
   * baseline's median ({@link Rule#below}).
   */
  public static Column dropped(Rule rule, Column scored, Column median, Column baselineScored, Column baselineMedian) {
    return coalesce(scored.geq(MIN_SCORED_CALLS).and(baselineScored.geq(MIN_SCORED_CALLS))
        .and(rule.below(median, baselineMedian)), lit(false));
  }

  /** The median score of a group of Insights rows ({@code median_quality_score}), exact as in {@link #carriers}. */
  public static Column medianScore() {
    return pct(SCORE, 0.5).as(MEDIAN_QUALITY_SCORE);
  }

  /**
   * The score figures of a group of Insights rows, as every quality dataset has them: {@code scored_calls},
   * {@code mean_quality_score} and {@code share_below_3} (of the scored calls; NULL without one).
   */
  public static Column[] scoreAggregates() {
    return scores().toArray(new Column[0]);
  }

  /** The calls with metrics. */
  public static Dataset<Row> measured(Dataset<Row> insights) {
    return insights.filter(col(STATUS).isin("ok", "partial"));
  }

  private static Column pct(String column, double p) {
    return expr("percentile(" + column + ", " + p + ")");
  }

  private static List<Column> scores() {
    return List.of(count(col(SCORE)).as(SCORED_CALLS), avg(col(SCORE)).as(MEAN_QUALITY_SCORE),
        // NULL, not a division by zero, for a group none of whose calls was scored
        when(count(col(SCORE)).gt(0), sum(when(col(SCORE).lt(FAIR), 1L).otherwise(0L)).divide(count(col(SCORE))))
            .as(SHARE_BELOW_3));
  }

  /**
   * {@code quality/}: one row per UTC day of end_time ({@code end_date}), {@code trunk_id}, destination country
   * ({@code to_country}, from the call's CDR in {@code cdrs}) and terminating carrier ({@code to_carrier}, NULL when
   * the Insights name none), with {@code calls_measured}; {@code post_dial_delay_p50_ms}, {@code post_dial_delay_p95_ms},
   * {@code jitter_p95_ms}, {@code packet_loss_p95_pct}, {@code rtt_p95_ms}; {@code scored_calls},
   * {@code mean_quality_score} and {@code share_below_3} (of the scored calls; NULL without one).
   */
  public static Dataset<Row> of(Dataset<Row> insights, Dataset<Row> cdrs) {
    Dataset<Row> countries = cdrs.select(col(CdrColumns.CALL_UUID).as("q_uuid"), col(TO_COUNTRY));
    Dataset<Row> m = measured(insights);
    Dataset<Row> withCountry = m.join(countries, m.col(CdrColumns.CALL_UUID).equalTo(countries.col("q_uuid")), "left")
        .withColumn(END_DATE, CdrColumns.endDate());
    List<Column> aggs = new ArrayList<>(List.of(
        pct("post_dial_delay_ms", 0.5).as("post_dial_delay_p50_ms"), pct("post_dial_delay_ms", 0.95).as("post_dial_delay_p95_ms"),
        pct("jitter_ms", 0.95).as("jitter_p95_ms"), pct("packet_loss_pct", 0.95).as("packet_loss_p95_pct"),
        pct("rtt_ms", 0.95).as("rtt_p95_ms")));
    aggs.addAll(scores());
    return withCountry.groupBy(col(END_DATE), col(TRUNK_ID), col(TO_COUNTRY), col(TO_CARRIER))
        .agg(count(lit(1)).as(CALLS_MEASURED), aggs.toArray(new Column[0]))
        .orderBy(col(END_DATE), col(TRUNK_ID).asc_nulls_last(), col(TO_COUNTRY).asc_nulls_last(),
            col(TO_CARRIER).asc_nulls_last());
  }

  /**
   * {@code quality_carriers/}: one row per terminating carrier over the window, worst first: {@code calls_measured},
   * {@code scored_calls}, {@code median_quality_score}, {@code mean_quality_score}, {@code share_below_3}, the
   * account's median score over all its scored calls ({@code account_median_score}) and {@code flagged}: at least
   * {@link #MIN_SCORED_CALLS} scored calls and a median more than the rule's threshold below the account's.
   */
  public static Dataset<Row> carriers(Dataset<Row> insights, Rule rule) {
    Dataset<Row> m = measured(insights);
    Dataset<Row> account = m.agg(pct(SCORE, 0.5).as(ACCOUNT_MEDIAN_SCORE));
    List<Column> aggs = new ArrayList<>(List.of(medianScore()));
    aggs.addAll(scores());
    return m.groupBy(col(TO_CARRIER)).agg(count(lit(1)).as(CALLS_MEASURED), aggs.toArray(new Column[0]))
        .crossJoin(account)
        .withColumn(FLAGGED, coalesce(col(SCORED_CALLS).geq(MIN_SCORED_CALLS)
            .and(rule.below(col(MEDIAN_QUALITY_SCORE), col(ACCOUNT_MEDIAN_SCORE))), lit(false)))
        .select(col(TO_CARRIER), col(CALLS_MEASURED), col(SCORED_CALLS), col(MEDIAN_QUALITY_SCORE), col(MEAN_QUALITY_SCORE),
            col(SHARE_BELOW_3), col(ACCOUNT_MEDIAN_SCORE), col(FLAGGED))
        .orderBy(col(MEDIAN_QUALITY_SCORE).asc_nulls_last(), col(MEAN_QUALITY_SCORE).asc_nulls_last(),
            col(TO_CARRIER).asc_nulls_last());
  }

  /**
   * {@code quality_hours/}: the mean score by UTC hour of end_time, of the whole account ({@code to_carrier} NULL and
   * {@code all_carriers} true) and of each terminating carrier: {@code hour_start}, {@code to_carrier},
   * {@code all_carriers}, {@code scored_calls}, {@code mean_quality_score}; hours without a scored call are left out.
   */
  public static Dataset<Row> hours(Dataset<Row> insights) {
    Dataset<Row> s = measured(insights).filter(col(SCORE).isNotNull())
        .withColumn(HOUR_START, timestamp_seconds(expr("floor(unix_seconds(" + CdrColumns.END_TIME + ") / 3600) * 3600")));
    Dataset<Row> all = s.groupBy(col(HOUR_START)).agg(count(col(SCORE)).as(SCORED_CALLS), avg(col(SCORE)).as(MEAN_QUALITY_SCORE))
        .select(col(HOUR_START), lit(null).cast(DataTypes.StringType).as(TO_CARRIER), lit(true).as("all_carriers"),
            col(SCORED_CALLS), col(MEAN_QUALITY_SCORE));
    Dataset<Row> per = s.groupBy(col(HOUR_START), col(TO_CARRIER))
        .agg(count(col(SCORE)).as(SCORED_CALLS), avg(col(SCORE)).as(MEAN_QUALITY_SCORE))
        .select(col(HOUR_START), col(TO_CARRIER), lit(false).as("all_carriers"), col(SCORED_CALLS), col(MEAN_QUALITY_SCORE));
    return all.unionByName(per).orderBy(col("all_carriers").desc(), col(TO_CARRIER).asc_nulls_last(), col(HOUR_START));
  }

  /**
   * The console lines: one line of the account, then one per flagged carrier, from the rows of {@link #carriers}.
   */
  static String summary(List<Row> written, Rule rule) {
    List<Row> carriers = LocalRows.sorted(written, LocalRows.ascNullsLast(MEDIAN_QUALITY_SCORE)
        .thenComparing(LocalRows.ascNullsLast(MEAN_QUALITY_SCORE)).thenComparing(LocalRows.ascNullsLast(TO_CARRIER)), -1);
    StringBuilder out = new StringBuilder();
    long measured = carriers.stream().mapToLong(r -> r.<Long>getAs(CALLS_MEASURED)).sum();
    Double median = carriers.isEmpty() || carriers.get(0).isNullAt(carriers.get(0).fieldIndex(ACCOUNT_MEDIAN_SCORE))
        ? null : carriers.get(0).getAs(ACCOUNT_MEDIAN_SCORE);
    out.append(String.format(Locale.ROOT, "Call quality (Insights): %d calls measured, account median score %s;"
        + " carriers more than %s below it:%n", measured, median == null ? "n/a" : String.format(Locale.ROOT, "%.2f", median),
        String.format(Locale.ROOT, "%.2f", rule.threshold())));
    List<Row> flagged = carriers.stream().filter(r -> r.<Boolean>getAs(FLAGGED)).toList();
    if (flagged.isEmpty()) {
      out.append("  none\n");
    }
    for (Row r : flagged) {
      out.append(String.format(Locale.ROOT, "  carrier %s: median score %.2f (account %.2f), mean %.2f, %.1f%% of %d scored"
              + " calls below 3%n", r.<String>getAs(TO_CARRIER), r.<Double>getAs(MEDIAN_QUALITY_SCORE), median,
          r.<Double>getAs(MEAN_QUALITY_SCORE), 100 * r.<Double>getAs(SHARE_BELOW_3), r.<Long>getAs(SCORED_CALLS)));
    }
    return out.toString();
  }
}
