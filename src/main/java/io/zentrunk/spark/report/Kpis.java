package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportColumns.*;
import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** The operations KPIs (NER, short calls, billing overhead, cost per billed minute), a pure DataFrame function. */
public final class Kpis {

  /**
   * Hangup codes of unanswered calls that the network delivered to the user (ITU-T E.425 network effectiveness):
   * 4410 user_busy, 4550 user_cancelled, 6000 busy_everywhere, 6030 alloted_timeout.
   */
  public static final List<Integer> USER_FAILURE_CODES = List.of(4410, 4550, 6000, 6030);

  /** An unanswered call that ended with a user-side code of {@link #USER_FAILURE_CODES}. */
  public static Column userFailure() {
    return col(ANSWER_TIME).isNull().and(col(HANGUP_CAUSE_CODE).isin(USER_FAILURE_CODES.toArray()));
  }

  /** A call the network delivered to the user (E.425): answered, or a {@link #userFailure}. */
  public static Column delivered() {
    return col(ANSWER_TIME).isNotNull().or(userFailure());
  }

  /** NER: calls delivered over all calls (the report's per day, the watch's per hour). */
  public static Column ner(Column delivered, Column calls) {
    return delivered.cast(DataTypes.DoubleType).divide(calls);
  }

  /** Answered calls shorter than this many talked seconds are short calls. */
  public static final int SHORT_CALL_SECONDS = 6;

  /**
   * The operations KPIs by day, direction and destination country: calls, answered calls, ASR, NER (answered
   * plus unanswered calls that ended with a user-side code of {@link #USER_FAILURE_CODES}, over all calls), short
   * calls (answered, {@code call_duration} < 6 s) and their share of answered calls (NULL when none was answered),
   * talked and billed seconds and what billing increments add, the amount and the cost per billed minute
   * (amount x 60 / billed_seconds, HALF_UP to 5 places, NULL when nothing was billed).
   */
  public static Dataset<Row> of(Dataset<Row> cdrs) {
    Column answered = col(ANSWER_TIME).isNotNull();
    Column userFailure = userFailure();
    return withEndDate(cdrs)
        .groupBy(col(END_DATE), col(CALL_DIRECTION), col(TO_COUNTRY))
        .agg(calls(), count(col(ANSWER_TIME)).as(ANSWERED_CALLS),
            count(when(userFailure, lit(1))).as("user_failures"),
            count(when(answered.and(col(CALL_DURATION).lt(SHORT_CALL_SECONDS)), lit(1))).as(SHORT_CALLS),
            callSeconds(), billedSeconds(), amount())
        .select(
            col(END_DATE), col(CALL_DIRECTION), col(TO_COUNTRY), col(CALLS), col(ANSWERED_CALLS),
            col(ANSWERED_CALLS).cast(DataTypes.DoubleType).divide(col(CALLS)).as(ASR),
            ner(col(ANSWERED_CALLS).plus(col("user_failures")), col(CALLS)).as(NER),
            col(SHORT_CALLS),
            when(col(ANSWERED_CALLS).gt(0), col(SHORT_CALLS).cast(DataTypes.DoubleType).divide(col(ANSWERED_CALLS)))
                .as(SHORT_CALL_RATIO),
            col(CALL_SECONDS), col(BILLED_SECONDS),
            col(BILLED_SECONDS).minus(col(CALL_SECONDS)).as(BILLING_OVERHEAD_SECONDS),
            col(AMOUNT),
            MONEY_RATIO.apply(col(AMOUNT), lit(60L), col(BILLED_SECONDS)).as(COST_PER_BILLED_MINUTE));
  }

  private Kpis() {}
}
