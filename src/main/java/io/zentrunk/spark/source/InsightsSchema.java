package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrField;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The typed schema of the {@code call_insights} table: first columns of the call's CDR (those the API filters on, so
 * that {@code WHERE call_direction = 'outbound' AND bill_duration > 0} is pushed into the list call that selects the
 * calls), then the call's Insights, its {@link #STATUS} and {@link CdrSchema#ACCOUNT_ID}.
 *
 * <p>Metrics are DOUBLE, not DECIMAL: they are measurements (the API shows "24", "4.2", 1000.0) that are only
 * aggregated (percentiles, means, shares below a score), which Spark computes on doubles (percentile_approx casts a
 * decimal to double anyway); a double holds each value the API prints (short decimals) as the nearest double, whose
 * shortest form is that same text. Money, which is summed exactly, stays DECIMAL in the CDRs.
 */
public final class InsightsSchema {
  private InsightsSchema() {}

  public static final String FROM_CARRIER = "from_carrier";
  public static final String FROM_REGION = "from_region";
  public static final String TO_CARRIER = "to_carrier";
  public static final String TO_REGION = "to_region";
  public static final String RTT_MS = "rtt_ms";
  public static final String JITTER_MS = "jitter_ms";
  public static final String PACKET_LOSS_PCT = "packet_loss_pct";
  public static final String POST_DIAL_DELAY_MS = "post_dial_delay_ms";
  public static final String QUALITY_SCORE = "quality_score";
  /** ok, partial, no_metrics or no_insights ({@link io.zentrunk.spark.client.CallInsights}); never null. */
  public static final String STATUS = "status";

  /** The CDR columns of the table, in order (all filterable by the API except trunk_id). */
  static final List<CdrField> CDR_COLUMNS = List.of(CdrField.CALL_UUID, CdrField.END_TIME, CdrField.TRUNK_ID,
      CdrField.CALL_DIRECTION, CdrField.FROM_NUMBER, CdrField.TO_NUMBER, CdrField.BILL_DURATION,
      CdrField.HANGUP_CAUSE_CODE, CdrField.HANGUP_SOURCE);

  /** The metric columns, in the order of {@link io.zentrunk.spark.client.CallInsights}' metrics. */
  static final List<String> METRICS = List.of(RTT_MS, JITTER_MS, PACKET_LOSS_PCT, POST_DIAL_DELAY_MS, QUALITY_SCORE);

  public static final StructType SCHEMA = build();

  private static StructType build() {
    List<StructField> fields = new java.util.ArrayList<>();
    for (CdrField f : CDR_COLUMNS) {
      fields.add(DataTypes.createStructField(f.jsonName(), CdrSchema.sparkType(f), f.nullable()));
    }
    for (String s : List.of(FROM_CARRIER, FROM_REGION, TO_CARRIER, TO_REGION)) {
      fields.add(DataTypes.createStructField(s, DataTypes.StringType, true));
    }
    for (String m : METRICS) {
      fields.add(DataTypes.createStructField(m, DataTypes.DoubleType, true));
    }
    fields.add(DataTypes.createStructField(STATUS, DataTypes.StringType, false));
    fields.add(DataTypes.createStructField(CdrSchema.ACCOUNT_ID, DataTypes.StringType, false));
    return DataTypes.createStructType(fields);
  }

  /** Whether {@code column} comes from the call's CDR (or its account), not from its Insights. */
  static boolean fromCdr(String column) {
    return column.equals(CdrSchema.ACCOUNT_ID) || CDR_COLUMNS.stream().anyMatch(f -> f.jsonName().equals(column));
  }
}
