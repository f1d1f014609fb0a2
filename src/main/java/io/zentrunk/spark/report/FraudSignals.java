package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.*;
import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.max;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/** IRSF fraud signals: destinations whose outbound cost on a day is far above their baseline, a pure DataFrame function. */
public final class FraudSignals {

  /**
   * Fraud signals of the days {@code firstDay} onwards: one row per flagged {@code end_date} and destination, by
   * {@link FraudRule}. {@code cdrs} holds the window's calls and the baseline days' calls (only outbound calls
   * are looked at); {@code coveredFrom} is the first day the source holds completely: the days before it are not
   * held (not zero), so the baseline averages only the held days ({@link FraudRule#heldDays}) and a day with fewer
   * than the rule's least held days is not judged. {@code score} is
   * amount / max(baseline_amount, minAmount); {@code baseline_amount} is HALF_UP to 5 places.
   */
  public static Dataset<Row> of(Dataset<Row> cdrs, LocalDate firstDay, LocalDate coveredFrom, FraudRule rule) {
    int first = (int) firstDay.toEpochDay();
    Column day = expr("unix_date(" + END_DATE + ")");
    Dataset<Row> daily = withEndDate(cdrs.filter(col(CALL_DIRECTION).equalTo("outbound")))
        .groupBy(col(END_DATE), col(TO_COUNTRY))
        .agg(calls(), billedSeconds(), amount())
        .withColumn("day", day);
    // sum of the destination's amounts over the baseline days before (a range window over day numbers)
    Dataset<Row> judged = daily
        .withColumn("baseline_sum", coalesce(
            sum(col(AMOUNT)).over(Window.partitionBy(col(TO_COUNTRY)).orderBy(col("day"))
                .rangeBetween(-rule.baselineDays(), -1)),
            lit(BigDecimal.ZERO)))
        .withColumn("baseline_n", rule.heldDays(col("day"), coveredFrom))
        .filter(col("day").geq(first).and(rule.judges(col("baseline_n"))));
    Column amount = col(AMOUNT);
    Column isNew = FraudRule.isNew(col("baseline_sum"));
    Column flagged = rule.flagged(amount, col("baseline_sum"), col("baseline_n"));
    Column baseline = FraudRule.average(col("baseline_sum"), col("baseline_n"));
    return judged
        .filter(flagged)
        .withColumn(BASELINE_AMOUNT, baseline)
        .withColumn(SCORE, amount.cast(DataTypes.DoubleType)
            .divide(greatest(col(BASELINE_AMOUNT), lit(rule.minAmount())).cast(DataTypes.DoubleType)))
        .withColumn(REASON, when(isNew, format_string(
                "USD %s to %s in %d calls (%d billed s); nothing billed to %s in the %d days before",
                amount.cast(DataTypes.StringType), col(TO_COUNTRY), col(CALLS), col(BILLED_SECONDS), col(TO_COUNTRY),
                col("baseline_n")))
            .otherwise(format_string(
                "USD %s to %s in %d calls (%d billed s): %.1f times its daily average of USD %s over the %d days before",
                amount.cast(DataTypes.StringType), col(TO_COUNTRY), col(CALLS), col(BILLED_SECONDS),
                amount.cast(DataTypes.DoubleType).divide(col(BASELINE_AMOUNT).cast(DataTypes.DoubleType)),
                col(BASELINE_AMOUNT).cast(DataTypes.StringType), col("baseline_n"))))
        .select(col(END_DATE), col(TO_COUNTRY), lit(IRSF).as(KIND), col(CALLS), col(BILLED_SECONDS), amount,
            col(BASELINE_AMOUNT), col(SCORE), col(REASON));
  }

  private FraudSignals() {}
}
