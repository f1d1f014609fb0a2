package io.zentrunk.spark.jobs;

import static org.apache.spark.sql.functions.expr;

import org.apache.spark.sql.Column;

/**
 * Names of the CDR columns that the jobs rely on (the {@code zentrunk} source's schema owns the types), and
 * the one definition of {@code end_date}.
 */
public final class CdrColumns {

  public static final String CALL_UUID = "call_uuid";
  public static final String CALL_DIRECTION = "call_direction";
  public static final String CALL_DURATION = "call_duration";
  public static final String BILL_DURATION = "bill_duration";
  public static final String ANSWER_TIME = "answer_time";
  public static final String END_TIME = "end_time";
  public static final String HANGUP_CAUSE_CODE = "hangup_cause_code";
  public static final String HANGUP_CAUSE_NAME = "hangup_cause_name";
  public static final String HANGUP_SOURCE = "hangup_source";
  public static final String TOTAL_AMOUNT = "total_amount";
  public static final String FROM_COUNTRY = "from_country";
  public static final String TO_COUNTRY = "to_country";
  public static final String STIR_VERIFICATION = "stir_verification";
  public static final String ATTESTATION_INDICATOR = "attestation_indicator";

  /** The lake's partition column and the reports' day: the UTC date of {@code end_time}. */
  public static final String END_DATE = "end_date";

  private CdrColumns() {}

  /**
   * The UTC calendar date of {@code end_time}, computed from the instant (seconds since the epoch, floor-divided
   * by 86,400), so it never depends on {@code spark.sql.session.timeZone}; {@code to_date(end_time)} would.
   */
  public static Column endDate() {
    return expr("date_from_unix_date(CAST(floor(unix_seconds(" + END_TIME + ") / 86400) AS INT))");
  }

}
