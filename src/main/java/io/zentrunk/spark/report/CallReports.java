package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.*;
import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The three call reports, as pure DataFrame functions (no I/O): hangup causes, countries and the
 * attestation mix, each grouped by {@code end_date}, the UTC date of {@code end_time}.
 */
public final class CallReports {

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

  private CallReports() {}
}
