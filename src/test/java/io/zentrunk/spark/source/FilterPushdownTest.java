package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ApiTime;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.IsNotNull;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.StringEndsWith;
import org.apache.spark.sql.sources.StringStartsWith;
import org.junit.jupiter.api.Test;

class FilterPushdownTest {

  private static FilterPushdown fresh() {
    return new FilterPushdown(ReadConf.parse(ReadConfTest.base(), ReadConfTest.NO_ENV).request);
  }

  private static long us(String iso) {
    return ApiTime.toMicros(Instant.parse(iso));
  }

  @Test
  void endTimeComparisonsNarrowTheHalfOpenWindow() {
    FilterPushdown p = fresh();
    assertThat(p.push(new GreaterThanOrEqual("end_time", Timestamp.from(Instant.parse("2026-10-01T00:00:00Z"))))).isEqualTo(FilterPushdown.Result.FULL);
    assertThat(p.push(new LessThan("end_time", Instant.parse("2026-10-03T00:00:00Z")))).isEqualTo(FilterPushdown.Result.FULL);
    assertThat(p.push(new GreaterThan("end_time", Instant.parse("2026-10-01T12:00:00Z")))).isEqualTo(FilterPushdown.Result.FULL);
    assertThat(p.push(new LessThanOrEqual("end_time", Instant.parse("2026-10-02T00:00:00Z")))).isEqualTo(FilterPushdown.Result.FULL);
    assertThat(p.request().from()).isEqualTo(new ReadRequest.Bound(us("2026-10-01T12:00:00Z") + 1, ReadRequest.Origin.PREDICATE));
    assertThat(p.request().to()).isEqualTo(new ReadRequest.Bound(us("2026-10-02T00:00:00Z") + 1, ReadRequest.Origin.PREDICATE));
  }

  @Test
  void billDurationBecomesCanonicalApiParameters() {
    FilterPushdown p = fresh();
    p.push(new GreaterThan("bill_duration", 10));
    p.push(new LessThan("bill_duration", 61));
    assertThat(p.request().apiFilters()).containsEntry("bill_duration__gte", "11").containsEntry("bill_duration__lte", "60");
    p.push(new EqualTo("bill_duration", 60));
    assertThat(p.request().apiFilters()).containsEntry("bill_duration", "60").doesNotContainKey("bill_duration__gte");
    p.push(new LessThan("bill_duration", 5));
    assertThat(p.request().empty()).isTrue();
  }

  @Test
  void enumsArePushedAndContradictionsEmptyTheScan() {
    FilterPushdown p = fresh();
    assertThat(p.push(new EqualTo("call_direction", "outbound"))).isEqualTo(FilterPushdown.Result.FULL);
    assertThat(p.push(new EqualTo("hangup_cause_code", 4410))).isEqualTo(FilterPushdown.Result.FULL);
    assertThat(p.request().apiFilters()).containsEntry("call_direction", "outbound").containsEntry("hangup_cause_code", "4410");
    assertThat(p.request().empty()).isFalse();
    p.push(new EqualTo("call_direction", "inbound"));
    assertThat(p.request().empty()).isTrue();
    FilterPushdown q = fresh();
    q.push(new EqualTo("stir_verification", "verified"));
    assertThat(q.request().empty()).as("a value the API never sends matches nothing").isTrue();
  }

  @Test
  void numbersArePushedAsPrefixesAndRecheckedBySpark() {
    FilterPushdown p = fresh();
    assertThat(p.push(new StringStartsWith("from_number", "+1202"))).isEqualTo(FilterPushdown.Result.PARTIAL);
    assertThat(p.push(new EqualTo("from_number", "+12025551111"))).isEqualTo(FilterPushdown.Result.PARTIAL);
    assertThat(p.request().apiFilters()).containsEntry("from_number", "12025551111");
    assertThat(p.push(new StringStartsWith("to_number", "44"))).as("no '+': left to Spark").isEqualTo(FilterPushdown.Result.NONE);
    assertThat(p.push(new StringStartsWith("to_number", "+44"))).isEqualTo(FilterPushdown.Result.PARTIAL);
    p.push(new StringStartsWith("to_number", "+33"));
    assertThat(p.request().empty()).isTrue();
  }

  @Test
  void whatDoesNotMapStaysWithSpark() {
    FilterPushdown p = fresh();
    assertThat(p.push(new IsNotNull("answer_time"))).isEqualTo(FilterPushdown.Result.NONE);
    assertThat(p.push(new StringEndsWith("from_number", "11"))).isEqualTo(FilterPushdown.Result.NONE);
    assertThat(p.push(new EqualTo("from_country", "US"))).isEqualTo(FilterPushdown.Result.NONE);
    assertThat(p.push(new GreaterThan("call_duration", 5))).isEqualTo(FilterPushdown.Result.NONE);
    assertThat(p.pushed).isEmpty();
  }
}
