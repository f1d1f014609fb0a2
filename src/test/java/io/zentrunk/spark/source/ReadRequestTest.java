package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrQuery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.StringStartsWith;
import org.junit.jupiter.api.Test;

/** The read request: one validation for options and predicates, the window rules, the 90-day chunks. */
class ReadRequestTest {

  static final long NOW = us("2026-11-01T12:00:00Z");

  static long us(String iso) {
    return ApiTime.toMicros(Instant.parse(iso));
  }

  static ReadRequest options(String... kv) {
    Map<String, String> o = ReadConfTest.base();
    for (int i = 0; i < kv.length; i += 2) {
      o.put(kv[i], kv[i + 1]);
    }
    return ReadConf.parse(o, ReadConfTest.NO_ENV).request;
  }

  static ReadRequest pushed(org.apache.spark.sql.sources.Filter... filters) {
    FilterPushdown p = new FilterPushdown(options());
    for (var f : filters) {
      p.push(f);
    }
    return p.request();
  }

  @Test
  void anOptionAndAPredicateWithTheSameValueAskTheSame() {
    assertThat(options("from_number", "+1202").apiFilters())
        .isEqualTo(pushed(new StringStartsWith("from_number", "+1202")).apiFilters())
        .isEqualTo(options("from_number", "1202").apiFilters())
        .containsEntry("from_number", "1202");
    assertThat(options("hangup_cause_code", "4410").apiFilters()).isEqualTo(pushed(new EqualTo("hangup_cause_code", 4410)).apiFilters());
    assertThat(options("bill_duration__gte", "10", "bill_duration__lte", "10").apiFilters())
        .isEqualTo(pushed(new EqualTo("bill_duration", 10)).apiFilters())
        .isEqualTo(Map.of("bill_duration", "10"));
  }

  @Test
  void aValueTheApiCannotMatchIsAnOptionErrorAndAnEmptyScanWithTheSameMessage() {
    assertThatThrownBy(() -> options("hangup_cause_code", "99"))
        .hasMessage("Option 'hangup_cause_code' must be from 1000 to 9999, not 99");
    ReadRequest r = pushed(new EqualTo("hangup_cause_code", 99));
    assertThat(r.empty()).isTrue();
    assertThat(r.emptyReason()).contains("Predicate hangup_cause_code must be from 1000 to 9999, not 99");
    assertThatThrownBy(() -> options("call_direction", "sideways")).hasMessageContaining("must be one of [inbound, outbound], not 'sideways'");
    assertThat(pushed(new EqualTo("call_direction", "sideways")).emptyReason().orElseThrow())
        .contains("must be one of [inbound, outbound], not 'sideways'");
  }

  @Test
  void theDefaultWindowIsThirtyDaysBeforeNow() {
    ReadRequest r = options().resolve(NOW, false);
    assertThat(r.to()).isEqualTo(new ReadRequest.Bound(NOW, ReadRequest.Origin.DEFAULT));
    assertThat(r.from()).isEqualTo(new ReadRequest.Bound(NOW - 30 * ApiTime.MICROS_PER_DAY, ReadRequest.Origin.DEFAULT));
    assertThat(r.chunks()).hasSize(1);
  }

  @Test
  void aStartBeforeTheRetentionNamesWhereItCameFromOrIsClamped() {
    assertThatThrownBy(() -> options("start", "2026-08-01").resolve(NOW, false))
        .hasMessageStartingWith("Option 'start' reaches back to 2026-08-01 00:00:00 UTC, before the API's 90-day retention");
    ReadRequest byPredicate = new FilterPushdown(options()).request().toBuilder()
        .endTimeAtLeast(us("2026-08-01T00:00:00Z"), ReadRequest.Origin.PREDICATE).build();
    assertThatThrownBy(() -> byPredicate.resolve(NOW, false)).hasMessageStartingWith("The end_time filter reaches back to");
    ReadRequest clamped = options("start", "2026-08-01").resolve(NOW, true);
    assertThat(clamped.from()).isEqualTo(new ReadRequest.Bound(NOW - 90 * ApiTime.MICROS_PER_DAY + ReadRequest.EXPIRY_MARGIN_MICROS,
        ReadRequest.Origin.CLAMPED));
    ReadRequest defaultClamped = options("end", "2026-08-10").resolve(NOW, false);
    assertThat(defaultClamped.from().origin()).as("a default start is clamped without asking").isEqualTo(ReadRequest.Origin.CLAMPED);
    assertThatThrownBy(() -> options("end", "2026-08-01").resolve(NOW, false)).hasMessageStartingWith("The window ends at 2026-08-01");
  }

  @Test
  void aTieBetweenOptionAndPredicateKeepsTheOption() {
    ReadRequest r = new FilterPushdown(options("start", "2026-08-01")).request().toBuilder()
        .endTimeAtLeast(us("2026-08-01T00:00:00Z"), ReadRequest.Origin.PREDICATE).build();
    assertThat(r.from().origin()).isEqualTo(ReadRequest.Origin.OPTION);
    ReadRequest later = pushed(new GreaterThanOrEqual("end_time", Instant.parse("2026-10-20T00:00:00Z")));
    assertThat(later.from().origin()).isEqualTo(ReadRequest.Origin.PREDICATE);
  }

  @Test
  void aWindowLongerThanNinetyDaysIsCutIntoChunks() {
    long day = ApiTime.MICROS_PER_DAY;
    // Within the retention only a window that ends in the future can be longer than 90 days.
    ReadRequest wide = ReadRequest.builder().endTimeAtLeast(165 * day, ReadRequest.Origin.OPTION)
        .endTimeBefore(300 * day + 5, ReadRequest.Origin.OPTION).build().resolve(250 * day, false);
    List<CdrQuery> chunks = wide.chunks();
    assertThat(chunks).hasSize(2);
    assertThat(chunks).extracting(CdrQuery::fromMicros).startsWith(wide.from().micros());
    for (int i = 1; i < chunks.size(); i++) {
      assertThat(chunks.get(i).fromMicros()).isEqualTo(chunks.get(i - 1).toMicros());
    }
    assertThat(chunks.get(chunks.size() - 1).toMicros()).isEqualTo(300 * day + 5);
    assertThat(chunks).allSatisfy(q -> assertThat(q.toMicros() - q.fromMicros()).isLessThanOrEqualTo(CdrQuery.MAX_RANGE_MICROS));
  }
}
