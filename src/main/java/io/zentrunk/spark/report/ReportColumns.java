package io.zentrunk.spark.report;

import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.udf;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The column names of the report datasets, and the aggregate columns several reports share. Money stays
 * decimal end to end; seconds and counts are bigint.
 */
public final class ReportColumns {

  public static final String CALLS = "calls";
  public static final String ANSWERED_CALLS = "answered_calls";
  public static final String CALL_SECONDS = "call_seconds";
  public static final String BILLED_SECONDS = "billed_seconds";
  public static final String AMOUNT = "amount";
  public static final String ASR = "asr";
  public static final String ACD_SECONDS = "acd_seconds";
  public static final String SHARE = "share";
  public static final String NER = "ner";
  public static final String SHORT_CALLS = "short_calls";
  public static final String SHORT_CALL_RATIO = "short_call_ratio";
  public static final String BILLING_OVERHEAD_SECONDS = "billing_overhead_seconds";
  public static final String COST_PER_BILLED_MINUTE = "cost_per_billed_minute";
  public static final String HOUR_START = "hour_start";
  public static final String CALLS_STARTED = "calls_started";
  public static final String PEAK_CONCURRENT_CALLS = "peak_concurrent_calls";
  public static final String PEAK_CALLS_PER_SECOND = "peak_calls_per_second";
  public static final String LIMIT_FAILURES = "limit_failures";
  public static final String KIND = "kind";
  public static final String IRSF = "irsf";
  public static final String BASELINE_AMOUNT = "baseline_amount";
  public static final String SCORE = "score";
  public static final String REASON = "reason";
  static final String HOUR_SEC = "hour_sec";

  /**
   * {@code a x mul / div} rounded HALF_UP to 5 places, in BigDecimal: Spark's decimal division would first round
   * to its own result scale and then again to 5 places (double rounding). NULL when {@code a} is NULL or
   * {@code div} is 0.
   */
  public static final UserDefinedFunction MONEY_RATIO = udf(
      (UDF3<BigDecimal, Long, Long, BigDecimal>) (a, mul, div) ->
          a == null || div == null || div == 0 ? null
              : a.multiply(BigDecimal.valueOf(mul)).divide(BigDecimal.valueOf(div), 5, RoundingMode.HALF_UP),
      DataTypes.createDecimalType(18, 5));

  static Dataset<Row> withEndDate(Dataset<Row> cdrs) {
    return cdrs.withColumn(END_DATE, endDate());
  }

  static Column calls() {
    return count(lit(1)).as(CALLS);
  }

  static Column callSeconds() {
    return coalesce(sum(col(CALL_DURATION)), lit(0L)).as(CALL_SECONDS);
  }

  static Column billedSeconds() {
    return coalesce(sum(col(BILL_DURATION)), lit(0L)).as(BILLED_SECONDS);
  }

  /** sum(decimal(18,5)) is decimal(28,5): exact, never double. */
  static Column amount() {
    return sum(col(TOTAL_AMOUNT)).as(AMOUNT);
  }

  private ReportColumns() {}
}
