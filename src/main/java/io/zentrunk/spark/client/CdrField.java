package io.zentrunk.spark.client;

import java.util.HashMap;
import java.util.Map;

/**
 * The fields of a Zentrunk CDR as the connector exposes them, in schema order.
 *
 * <p>Decoded values are plain Java values so that this package stays free of Spark: {@link
 * Kind#STRING} is a {@link String}, {@link Kind#INT} an {@link Integer}, {@link Kind#TIMESTAMP}
 * a {@link Long} of microseconds since the epoch (UTC), {@link Kind#DECIMAL} a {@link Long}
 * unscaled value at scale {@link #DECIMAL_SCALE}, {@link Kind#BOOLEAN} a {@link Boolean}; a
 * value the API omitted is {@code null}.
 */
public enum CdrField {
  CALL_UUID("call_uuid", Kind.STRING, false),
  CALL_ID("call_id", Kind.STRING, true),
  FROM_NUMBER("from_number", Kind.STRING, true),
  TO_NUMBER("to_number", Kind.STRING, true),
  CALL_DIRECTION("call_direction", Kind.STRING, true),
  CALL_DURATION("call_duration", Kind.INT, true),
  BILL_DURATION("bill_duration", Kind.INT, true),
  BILLED_DURATION("billed_duration", Kind.INT, true),
  INITIATION_TIME("initiation_time", Kind.TIMESTAMP, true),
  ANSWER_TIME("answer_time", Kind.TIMESTAMP, true),
  END_TIME("end_time", Kind.TIMESTAMP, false),
  HANGUP_CAUSE_CODE("hangup_cause_code", Kind.INT, true),
  HANGUP_CAUSE_NAME("hangup_cause_name", Kind.STRING, true),
  HANGUP_SOURCE("hangup_source", Kind.STRING, true),
  TOTAL_RATE("total_rate", Kind.DECIMAL, true, 10),
  TOTAL_AMOUNT("total_amount", Kind.DECIMAL, true, 18),
  SECURE_TRUNKING_RATE("secure_trunking_rate", Kind.DECIMAL, true, 10),
  CNAM_LOOKUP_RATE("cnam_lookup_rate", Kind.DECIMAL, true, 10),
  TRUNK_DOMAIN("trunk_domain", Kind.STRING, true),
  TRUNK_ID("trunk_id", Kind.STRING, true),
  FROM_COUNTRY("from_country", Kind.STRING, true),
  TO_COUNTRY("to_country", Kind.STRING, true),
  TRANSPORT_PROTOCOL("transport_protocol", Kind.STRING, true),
  SRTP("srtp", Kind.BOOLEAN, true),
  SECURE_TRUNKING("secure_trunking", Kind.BOOLEAN, true),
  CNAM_LOOKUP("cnam_lookup", Kind.BOOLEAN, true),
  STIR_VERIFICATION("stir_verification", Kind.STRING, true),
  /** The API sends the string {@code "null"} where there is no attestation: decoded as null. */
  ATTESTATION_INDICATOR("attestation_indicator", Kind.STRING, true);

  /** Money in the API is a decimal string with five places. */
  public static final int DECIMAL_SCALE = 5;

  private static final CdrField[] ALL = values();
  private static final Map<String, CdrField> BY_JSON_NAME = new HashMap<>();

  static {
    for (CdrField f : ALL) {
      BY_JSON_NAME.put(f.jsonName, f);
    }
  }

  /** How a field is typed. */
  public enum Kind {
    STRING,
    INT,
    TIMESTAMP,
    DECIMAL,
    BOOLEAN
  }

  private final String jsonName;
  private final Kind kind;
  private final boolean nullable;
  private final int precision;

  CdrField(String jsonName, Kind kind, boolean nullable) {
    this(jsonName, kind, nullable, 0);
  }

  CdrField(String jsonName, Kind kind, boolean nullable, int precision) {
    this.jsonName = jsonName;
    this.kind = kind;
    this.nullable = nullable;
    this.precision = precision;
  }

  /** The API's JSON name, which is also the column name. */
  public String jsonName() {
    return jsonName;
  }

  public Kind kind() {
    return kind;
  }

  public boolean nullable() {
    return nullable;
  }

  /** Decimal precision (only for {@link Kind#DECIMAL}). */
  public int precision() {
    return precision;
  }

  /** The field of a JSON name, or null for a field the connector does not know (ignored). */
  public static CdrField byJsonName(String name) {
    return BY_JSON_NAME.get(name);
  }

  public static int count() {
    return ALL.length;
  }

  public static CdrField at(int ordinal) {
    return ALL[ordinal];
  }
}
