package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.ApiValues;
import io.zentrunk.spark.client.CdrField;
import io.zentrunk.spark.window.GroupDim;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.expressions.Cast;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.Extract;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.connector.expressions.aggregate.Aggregation;
import org.apache.spark.sql.connector.expressions.aggregate.Count;
import org.apache.spark.sql.connector.expressions.aggregate.CountStar;
import org.apache.spark.sql.connector.expressions.aggregate.Sum;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which GROUP BY expressions and aggregates are answered from probes, the schema the grouped
 * scan reports, and how probe keys and records become its rows. The expressions are the V2
 * forms Spark hands a source; no session is started.
 */
class GroupPushdownTest {

  static final long DAY = ApiTime.MICROS_PER_DAY;
  static final long HOUR = DAY / 24;

  static NamedReference col(String name) {
    return Expressions.column(name);
  }

  /** {@code to_date(end_time)}, as Spark hands it over. */
  static Expression toDate() {
    return new Cast(col("end_time"), DataTypes.DateType);
  }

  /** {@code hour(end_time)}, as Spark hands it over. */
  static Expression hour() {
    return new Extract("HOUR", col("end_time"));
  }

  static GroupPushdown of(Expression... groupBy) {
    return GroupPushdown.of(groupBy, "UTC");
  }

  @ParameterizedTest
  @ValueSource(strings = {"call_direction", "hangup_source", "stir_verification", "hangup_cause_code"})
  void eachDocumentedValueColumnIsOneDimensionOfItsDocumentedValues(String column) {
    GroupPushdown g = of(col(column));
    assertThat(g).isNotNull();
    assertThat(g.dims).containsExactly(new GroupDim.Values(column, ApiValues.of(column)));
    assertThat(g.schema()).isEqualTo(new StructType()
        .add("group_col_0", column.equals("hangup_cause_code") ? DataTypes.IntegerType : DataTypes.StringType, true)
        .add("agg_func_0", DataTypes.LongType, false));
    assertThat(g.describe()).isEqualTo("[" + column + "]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"from_number", "to_number", "call_uuid", "end_time", "bill_duration", "hangup_cause_name",
      "from_country", "trunk_id", "no_such_column", "CALL_DIRECTION"})
  void aColumnWithoutADocumentedValueSetIsRefused(String column) {
    assertThat(of(col(column))).isNull();
    assertThat(of(col("call_direction"), col(column))).as("one refused expression refuses the grouping").isNull();
  }

  @Test
  void aNestedFieldNameIsRefused() {
    assertThat(of(Expressions.column("call_direction.x"))).isNull();
    assertThat(of(new Cast(col("call_direction"), DataTypes.DateType))).isNull();
  }

  @Test
  void theUtcDayAndHourOfEndTimeAreTimeDimensions() {
    GroupPushdown day = of(toDate());
    assertThat(day.dims).containsExactly(new GroupDim.TimeBuckets(DAY));
    assertThat(day.schema().fields()[0].dataType()).isEqualTo(DataTypes.DateType);
    assertThat(day.describe()).isEqualTo("[to_date(end_time)]");
    GroupPushdown hour = of(hour());
    assertThat(hour.dims).containsExactly(new GroupDim.TimeBuckets(HOUR));
    assertThat(hour.schema().fields()[0].dataType()).isEqualTo(DataTypes.IntegerType);
    assertThat(hour.describe()).isEqualTo("[hour(end_time)]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"UTC", "Etc/UTC", "Z", "+00:00", "GMT"})
  void theTimeDimensionsArePushedInEveryNameOfUtc(String zone) {
    assertThat(GroupPushdown.of(new Expression[] {toDate(), hour()}, zone)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"America/New_York", "Europe/Paris", "+05:30", "Asia/Kolkata", "not a zone"})
  void theTimeDimensionsAreRefusedOutsideUtcButValuesAreNot(String zone) {
    assertThat(GroupPushdown.of(new Expression[] {toDate()}, zone)).as("a local day is not an end_time window").isNull();
    assertThat(GroupPushdown.of(new Expression[] {hour()}, zone)).isNull();
    assertThat(GroupPushdown.of(new Expression[] {col("call_direction")}, zone)).isNotNull();
  }

  @Test
  void otherFunctionsOfEndTimeAreRefused() {
    assertThat(of(new Extract("MINUTE", col("end_time")))).isNull();
    assertThat(of(new Extract("DAY", col("end_time")))).isNull();
    assertThat(of(new Extract("HOUR", col("initiation_time")))).as("only end_time is filtered by the API").isNull();
    assertThat(of(new Cast(col("end_time"), DataTypes.StringType))).isNull();
    assertThat(of(new Cast(col("end_time"), DataTypes.TimestampNTZType))).isNull();
    assertThat(of(new Cast(col("answer_time"), DataTypes.DateType))).isNull();
    assertThat(of(Expressions.apply("date_trunc", Expressions.literal("DAY"), col("end_time")))).isNull();
  }

  @Test
  void dimensionsRunTimeFirstThenValueSetsLargestFirstWhileColumnsKeepTheQueryOrder() {
    GroupPushdown g = of(col("call_direction"), col("hangup_cause_code"), hour(), toDate(), col("hangup_source"));
    assertThat(g.dims).containsExactly(new GroupDim.TimeBuckets(DAY), new GroupDim.TimeBuckets(HOUR),
        new GroupDim.Values("hangup_cause_code", ApiValues.HANGUP_CODES), new GroupDim.Values("hangup_source", ApiValues.SOURCES),
        new GroupDim.Values("call_direction", ApiValues.DIRECTIONS));
    assertThat(g.columns).extracting(GroupPushdown.Column::dim).containsExactly(4, 2, 1, 0, 3);
    assertThat(g.schema()).isEqualTo(new StructType()
        .add("group_col_0", DataTypes.StringType, true)
        .add("group_col_1", DataTypes.IntegerType, true)
        .add("group_col_2", DataTypes.IntegerType, true)
        .add("group_col_3", DataTypes.DateType, true)
        .add("group_col_4", DataTypes.StringType, true)
        .add("agg_func_0", DataTypes.LongType, false));
    assertThat(g.describe()).isEqualTo("[call_direction, hangup_cause_code, hour(end_time), to_date(end_time), hangup_source]");
  }

  @Test
  void theSameExpressionTwiceIsOneDimensionAndTwoColumns() {
    GroupPushdown g = of(toDate(), col("call_direction"), toDate());
    assertThat(g.dims).hasSize(2);
    assertThat(g.columns).extracting(GroupPushdown.Column::dim).containsExactly(0, 1, 0);
    assertThat(g.schema().fields()).hasSize(4);
  }

  @Test
  void wantsOnlyTheFieldsTheRowsPathGroupsBy() {
    boolean[] w = of(toDate(), col("hangup_cause_code")).wanted();
    for (CdrField f : CdrField.values()) {
      assertThat(w[f.ordinal()]).as(f.jsonName())
          .isEqualTo(f == CdrField.CALL_UUID || f == CdrField.END_TIME || f == CdrField.HANGUP_CAUSE_CODE);
    }
  }

  static final long T = ApiTime.toMicros(Instant.parse("2026-11-01T13:45:10.250Z"));
  static final int EPOCH_DAY = (int) LocalDate.parse("2026-11-01").toEpochDay();

  @Test
  void aProbesKeyBecomesTheRowInQueryOrderWithTypedValues() {
    GroupPushdown g = of(col("call_direction"), col("hangup_cause_code"), hour(), toDate());
    // keys in dimension order: day bucket, hour bucket, code, direction
    long dayStart = Math.floorDiv(T, DAY) * DAY;
    long hourStart = Math.floorDiv(T, HOUR) * HOUR;
    Object[] row = g.fromProbe(List.of(dayStart, hourStart, "4410", "outbound"), 1234L);
    assertThat(row).containsExactly(UTF8String.fromString("outbound"), 4410, 13, EPOCH_DAY, 1234L);
  }

  @Test
  void aRecordBecomesTheSameKeysWithACountOfOne() {
    GroupPushdown g = of(col("call_direction"), col("hangup_cause_code"), hour(), toDate());
    Object[] rec = record(T, "outbound", 4410);
    assertThat(g.fromRecord(rec)).containsExactly(UTF8String.fromString("outbound"), 4410, 13, EPOCH_DAY, 1L);
    Object[] probe = g.fromProbe(List.of(Math.floorDiv(T, DAY) * DAY, Math.floorDiv(T, HOUR) * HOUR, "4410", "outbound"), 1L);
    assertThat(g.fromRecord(rec)).as("a record and the probe of its group give the same row").isEqualTo(probe);
  }

  @Test
  void aMissingValueIsANullKey() {
    GroupPushdown g = of(col("call_direction"), col("hangup_cause_code"));
    assertThat(g.fromRecord(record(T, null, null))).containsExactly(null, null, 1L);
  }

  @Test
  void timesBeforeTheEpochAndAtBucketEdgesFallInTheRightDayAndHour() {
    GroupPushdown g = of(toDate(), hour());
    long beforeEpoch = ApiTime.toMicros(Instant.parse("1969-12-31T23:59:59.999999Z"));
    assertThat(g.fromRecord(record(beforeEpoch, "inbound", 3000))).containsExactly(-1, 23, 1L);
    assertThat(g.fromProbe(List.of(-DAY, -HOUR), 5L)).containsExactly(-1, 23, 5L);
    long midnight = ApiTime.toMicros(Instant.parse("2026-11-02T00:00:00Z"));
    assertThat(g.fromRecord(record(midnight, "inbound", 3000))).containsExactly(EPOCH_DAY + 1, 0, 1L);
    assertThat(g.fromRecord(record(midnight - 1, "inbound", 3000))).containsExactly(EPOCH_DAY, 23, 1L);
  }

  static Object[] record(long end, String direction, Integer code) {
    Object[] r = new Object[CdrField.count()];
    r[CdrField.CALL_UUID.ordinal()] = "u-1";
    r[CdrField.END_TIME.ordinal()] = end;
    r[CdrField.CALL_DIRECTION.ordinal()] = direction;
    r[CdrField.HANGUP_CAUSE_CODE.ordinal()] = code;
    return r;
  }

  // --- which aggregates the scan builder hands to GroupPushdown ---------------------------------

  static ZentrunkScanBuilder builder(String... options) {
    Map<String, String> o = new HashMap<>();
    o.put("auth_id", "MA123");
    o.put("auth_token", "s3cr3t-token-value");
    for (int i = 0; i < options.length; i += 2) {
      o.put(options[i], options[i + 1]);
    }
    return new ZentrunkScanBuilder(ReadConf.parse(o, k -> null));
  }

  static Aggregation agg(AggregateFunc[] funcs, Expression... groupBy) {
    return new Aggregation(funcs, groupBy);
  }

  static AggregateFunc[] aggs(AggregateFunc... f) {
    return f;
  }

  @Test
  void countStarGroupedByListedColumnsIsPushedAndTheScanReportsTheGroupSchema() {
    ZentrunkScanBuilder b = builder();
    assertThat(b.pushAggregation(agg(aggs(new CountStar()), col("call_direction"), col("hangup_cause_code")))).isTrue();
    Scan scan = b.build();
    assertThat(scan).isInstanceOf(ZentrunkGroupScan.class);
    assertThat(scan.readSchema()).isEqualTo(of(col("call_direction"), col("hangup_cause_code")).schema());
  }

  @Test
  void countOfANeverNullColumnIsCountStar() {
    assertThat(builder().pushAggregation(agg(aggs(new Count(col("call_uuid"), false)), col("call_direction")))).isTrue();
    assertThat(builder().pushAggregation(agg(aggs(new Count(col("end_time"), false)), col("hangup_source")))).isTrue();
  }

  @Test
  void otherAggregatesAreRefused() {
    assertThat(builder().pushAggregation(agg(aggs(new Sum(col("bill_duration"), false)), col("call_direction"))))
        .as("SUM").isFalse();
    assertThat(builder().pushAggregation(agg(aggs(new Count(col("call_uuid"), true)), col("call_direction"))))
        .as("COUNT(DISTINCT call_uuid)").isFalse();
    assertThat(builder().pushAggregation(agg(aggs(new Count(col("from_number"), false)), col("call_direction"))))
        .as("COUNT of a nullable column").isFalse();
    assertThat(builder().pushAggregation(agg(aggs(new CountStar(), new Sum(col("bill_duration"), false)), col("call_direction"))))
        .as("COUNT(*) with another aggregate").isFalse();
    assertThat(builder().pushAggregation(agg(aggs(new Sum(col("bill_duration"), false)))))
        .as("SUM without GROUP BY").isFalse();
  }

  @Test
  void aGroupByOfAnUnknownColumnIsRefusedAndTheBuilderStillBuildsARowScan() {
    ZentrunkScanBuilder b = builder();
    assertThat(b.pushAggregation(agg(aggs(new CountStar()), col("call_direction"), col("from_number")))).isFalse();
    Scan scan = b.build();
    assertThat(scan).isInstanceOf(ZentrunkScan.class);
    assertThat(scan.readSchema()).isEqualTo(CdrSchema.SCHEMA);
  }

  @Test
  void theOptionsTurnGroupCountsOff() {
    assertThat(builder("pushdown_group_count", "false").pushAggregation(agg(aggs(new CountStar()), col("call_direction"))))
        .isFalse();
    assertThat(builder("pushdown_group_count", "false").pushAggregation(agg(aggs(new CountStar()))))
        .as("a plain COUNT(*) needs only pushdown_aggregate").isTrue();
    assertThat(builder("pushdown_aggregate", "false").pushAggregation(agg(aggs(new CountStar()), col("call_direction"))))
        .isFalse();
    assertThat(builder("pushdown_aggregate", "false").pushAggregation(agg(aggs(new CountStar())))).isFalse();
  }
}
