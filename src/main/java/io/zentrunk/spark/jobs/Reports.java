package io.zentrunk.spark.jobs;

import static io.zentrunk.spark.jobs.CdrColumns.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The three CDR reports as pure DataFrame functions (no I/O): each groups by {@code end_date}, the UTC date of
 * {@code end_time}. Money stays decimal end to end; seconds and counts are bigint.
 */
public final class Reports {

  public static final String CALLS = "calls";
  public static final String ANSWERED_CALLS = "answered_calls";
  public static final String CALL_SECONDS = "call_seconds";
  public static final String BILLED_SECONDS = "billed_seconds";
  public static final String AMOUNT = "amount";
  public static final String ASR = "asr";
  public static final String ACD_SECONDS = "acd_seconds";
  public static final String SHARE = "share";

  private Reports() {}

  /** Calls, seconds and money by day, direction, hangup source and hangup cause. */
  public static Dataset<Row> hangupCauses(Dataset<Row> cdrs) {
    return withEndDate(cdrs)
        .groupBy(col(END_DATE), col(CALL_DIRECTION), col(HANGUP_SOURCE), col(HANGUP_CAUSE_CODE), col(HANGUP_CAUSE_NAME))
        .agg(calls(), callSeconds(), billedSeconds(), amount());
  }

  /**
   * Calls by day, direction and country pair, with ASR (answered / all calls) and ACD (talked seconds per
   * answered call, NULL when no call was answered).
   */
  public static Dataset<Row> countries(Dataset<Row> cdrs) {
    Column answered = col(ANSWERED_CALLS);
    return withEndDate(cdrs)
        .groupBy(col(END_DATE), col(CALL_DIRECTION), col(FROM_COUNTRY), col(TO_COUNTRY))
        .agg(calls(), count(col(ANSWER_TIME)).as(ANSWERED_CALLS), callSeconds(), billedSeconds(), amount())
        .withColumn(ASR, answered.cast(DataTypes.DoubleType).divide(col(CALLS)))
        .withColumn(
            ACD_SECONDS,
            when(answered.gt(0), col(CALL_SECONDS).cast(DataTypes.DoubleType).divide(answered)))
        .select(
            col(END_DATE), col(CALL_DIRECTION), col(FROM_COUNTRY), col(TO_COUNTRY), col(CALLS), answered,
            col(CALL_SECONDS), col(BILLED_SECONDS), col(AMOUNT), col(ASR), col(ACD_SECONDS));
  }

  /**
   * The STIR/SHAKEN mix: calls by day, direction, verification and attestation (NULL where none), and their
   * share of all calls of that day and direction.
   */
  public static Dataset<Row> attestation(Dataset<Row> cdrs) {
    return withEndDate(cdrs)
        .groupBy(col(END_DATE), col(CALL_DIRECTION), col(STIR_VERIFICATION), col(ATTESTATION_INDICATOR))
        .agg(calls())
        .withColumn(
            SHARE,
            col(CALLS).cast(DataTypes.DoubleType)
                .divide(sum(col(CALLS)).over(Window.partitionBy(col(END_DATE), col(CALL_DIRECTION)))));
  }

  /**
   * A short human summary over the whole window of the three reports: the top hangup causes, ASR by
   * destination country and the attestation mix. Collects only small aggregates to the driver.
   */
  public static String summary(Dataset<Row> hangupCauses, Dataset<Row> countries, Dataset<Row> attestation) {
    StringBuilder out = new StringBuilder();
    List<Row> causes = hangupCauses
        .groupBy(col(HANGUP_CAUSE_CODE), col(HANGUP_CAUSE_NAME))
        .agg(sum(col(CALLS)).as(CALLS))
        .orderBy(col(CALLS).desc(), col(HANGUP_CAUSE_CODE).asc())
        .limit(5)
        .collectAsList();
    long total = causes.isEmpty() ? 0 : hangupCauses.agg(sum(col(CALLS))).first().getLong(0);
    out.append("Calls: ").append(total).append('\n');
    out.append("Top hangup causes:\n");
    for (Row r : causes) {
      long n = r.getLong(2);
      out.append(String.format(Locale.ROOT, "  %s %s: %d (%s)%n",
          r.isNullAt(0) ? "?" : r.get(0), r.isNullAt(1) ? "?" : r.getString(1), n, pct(n, total)));
    }
    List<Row> asr = countries
        .groupBy(col(TO_COUNTRY))
        .agg(sum(col(CALLS)).as(CALLS), sum(col(ANSWERED_CALLS)).as(ANSWERED_CALLS), sum(col(AMOUNT)).as(AMOUNT))
        .orderBy(col(CALLS).desc(), col(TO_COUNTRY).asc_nulls_last())
        .limit(10)
        .collectAsList();
    out.append("ASR by destination country:\n");
    for (Row r : asr) {
      long calls = r.getLong(1);
      long answered = r.getLong(2);
      BigDecimal amount = r.isNullAt(3) ? BigDecimal.ZERO : r.getDecimal(3);
      out.append(String.format(Locale.ROOT, "  %s: %d calls, ASR %s, USD %s%n",
          r.isNullAt(0) ? "??" : r.getString(0), calls, pct(answered, calls), amount.toPlainString()));
    }
    List<Row> mix = attestation
        .groupBy(col(STIR_VERIFICATION), col(ATTESTATION_INDICATOR))
        .agg(sum(col(CALLS)).as(CALLS))
        .orderBy(col(CALLS).desc(), col(STIR_VERIFICATION).asc_nulls_last(), col(ATTESTATION_INDICATOR).asc_nulls_last())
        .collectAsList();
    out.append("Attestation mix:\n");
    for (Row r : mix) {
      long n = r.getLong(2);
      out.append(String.format(Locale.ROOT, "  %s/%s: %d (%s)%n",
          r.isNullAt(0) ? "none" : r.getString(0), r.isNullAt(1) ? "-" : r.getString(1), n, pct(n, total)));
    }
    return out.toString();
  }

  static String pct(long part, long whole) {
    return whole == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }

  static Dataset<Row> withEndDate(Dataset<Row> cdrs) {
    return cdrs.withColumn(END_DATE, endDate());
  }

  private static Column calls() {
    return count(lit(1)).as(CALLS);
  }

  private static Column callSeconds() {
    return coalesce(sum(col(CALL_DURATION)), lit(0L)).as(CALL_SECONDS);
  }

  private static Column billedSeconds() {
    return coalesce(sum(col(BILL_DURATION)), lit(0L)).as(BILLED_SECONDS);
  }

  /** sum(decimal(18,5)) is decimal(28,5): exact, never double. */
  private static Column amount() {
    return sum(col(TOTAL_AMOUNT)).as(AMOUNT);
  }
}
