package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrField;
import static org.apache.spark.sql.functions.expr;

import org.apache.spark.sql.Column;

/**
 * Names of the CDR columns that the jobs rely on, from the one list of CDR fields ({@link CdrField}, which
 * also makes the {@code zentrunk} source's schema), and the one definition of {@code end_date}.
 */
public final class CdrColumns {

  public static final String CALL_UUID = CdrField.CALL_UUID.jsonName();
  public static final String CALL_DIRECTION = CdrField.CALL_DIRECTION.jsonName();
  public static final String CALL_DURATION = CdrField.CALL_DURATION.jsonName();
  public static final String BILL_DURATION = CdrField.BILL_DURATION.jsonName();
  public static final String INITIATION_TIME = CdrField.INITIATION_TIME.jsonName();
  public static final String ANSWER_TIME = CdrField.ANSWER_TIME.jsonName();
  public static final String END_TIME = CdrField.END_TIME.jsonName();
  public static final String HANGUP_CAUSE_CODE = CdrField.HANGUP_CAUSE_CODE.jsonName();
  public static final String HANGUP_CAUSE_NAME = CdrField.HANGUP_CAUSE_NAME.jsonName();
  public static final String HANGUP_SOURCE = CdrField.HANGUP_SOURCE.jsonName();
  public static final String TOTAL_AMOUNT = CdrField.TOTAL_AMOUNT.jsonName();
  public static final String FROM_COUNTRY = CdrField.FROM_COUNTRY.jsonName();
  public static final String TO_COUNTRY = CdrField.TO_COUNTRY.jsonName();
  public static final String STIR_VERIFICATION = CdrField.STIR_VERIFICATION.jsonName();
  public static final String ATTESTATION_INDICATOR = CdrField.ATTESTATION_INDICATOR.jsonName();
  public static final String TRUNK_ID = CdrField.TRUNK_ID.jsonName();
  public static final String FROM_NUMBER = CdrField.FROM_NUMBER.jsonName();
  public static final String TO_NUMBER = CdrField.TO_NUMBER.jsonName();

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
