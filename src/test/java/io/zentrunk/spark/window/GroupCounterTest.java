package io.zentrunk.spark.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.ApiValues;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ZentrunkApiException;
import io.zentrunk.spark.testing.FakeListCallsApi;
import io.zentrunk.spark.testing.FakeListCallsApi.Cdr;
import io.zentrunk.spark.testing.FakeListCallsApi.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The group counter's probe arithmetic, against {@link FakeListCallsApi}: a loopback fake of the API that
 * holds a known set of CDRs in memory and records every request it is sent.
 */
class GroupCounterTest {

  static final long DAY = ApiTime.MICROS_PER_DAY;
  static final long HOUR = DAY / 24;
  static final long D0 = ApiTime.toMicros(Instant.parse("2026-11-01T00:00:00Z"));

  private static int serial;

  /** {@code n} CDRs spread evenly over {@code [from, to)}, each with the given values. */
  static List<Cdr> spread(int n, long from, long to, String direction, String source, int code) {
    List<Cdr> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Cdr(String.format("c-%06d", serial++), from + i * ((to - from) / n), direction, source, code, "Not Applicable"));
    }
    return out;
  }

  static List<Cdr> concat(List<List<Cdr>> parts) {
    return parts.stream().flatMap(List::stream).toList();
  }

  static final GroupDim BY_DAY = new GroupDim.TimeBuckets(DAY);
  static final GroupDim BY_HOUR = new GroupDim.TimeBuckets(HOUR);
  static final GroupDim BY_DIRECTION = new GroupDim.Values("call_direction", ApiValues.DIRECTIONS);
  static final GroupDim BY_SOURCE = new GroupDim.Values("hangup_source", ApiValues.SOURCES);

  static CdrQuery days(long fromDay, long toDay) {
    return new CdrQuery(D0 + fromDay * DAY, D0 + toDay * DAY, Map.of());
  }

  @RegisterExtension
  final FakeListCallsApi.Fakes apis = new FakeListCallsApi.Fakes();

  FakeListCallsApi api(List<Cdr> cdrs) {
    return apis.start(cdrs);
  }

  static Map<List<Object>, Long> groups(GroupCounter.Result r) {
    Map<List<Object>, Long> m = new HashMap<>();
    r.groups().forEach(g -> assertThat(m.put(g.key(), g.count())).as("group " + g.key() + " reported twice").isNull());
    return m;
  }

  @Test
  void splitsDaysThenDirectionsPruningEmptyDaysAndReadingCheapDaysAsRows() {
    FakeListCallsApi api = api(concat(List.of(
        spread(60, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(40, D0 + HOUR, D0 + DAY, "outbound", "carrier", 3000),
        // day 1: no calls
        spread(25, D0 + 2 * DAY, D0 + 3 * DAY, "inbound", "carrier", 3000),
        spread(20, D0 + 2 * DAY + HOUR, D0 + 3 * DAY, "outbound", "carrier", 3000),
        spread(15, D0 + 3 * DAY, D0 + 4 * DAY, "inbound", "customer", 4410))));
    CdrQuery root = days(0, 4);

    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(root), List.of(BY_DAY, BY_DIRECTION));

    // Root: 160 records, 8 pages; its 7 remaining pages cost more than 4 day probes: split.
    // Day 0 (100 records, 4 remaining pages > 2 direction probes): split. Day 1 (0): pruned.
    // Day 2 (45 records, 2 remaining pages, not more than 2 probes): rows. Day 3 (15): whole in its probe.
    assertThat(r.probes()).isEqualTo(1 + 4 + 2);
    assertThat(api.requests()).as("the counter only probes; every probe is one request").hasSize(7);
    assertThat(api.requests()).allSatisfy(q -> assertThat(q.offset()).isZero()).allSatisfy(q -> assertThat(q.limit()).isEqualTo(20));
    assertThat(groups(r)).isEqualTo(Map.of(List.of(D0, "inbound"), 60L, List.of(D0, "outbound"), 40L));
    assertThat(r.rows()).extracting(GroupCounter.RowWindow::query).containsExactlyInAnyOrder(days(2, 3), days(3, 4));
    GroupCounter.RowWindow day2 = r.rows().stream().filter(w -> w.query().equals(days(2, 3))).findFirst().orElseThrow();
    GroupCounter.RowWindow day3 = r.rows().stream().filter(w -> w.query().equals(days(3, 4))).findFirst().orElseThrow();
    assertThat(day2.count()).isEqualTo(45);
    assertThat(day2.whole()).isFalse();
    assertThat(day2.remainingPages()).isEqualTo(2);
    assertThat(day3.count()).isEqualTo(15);
    assertThat(day3.whole()).isTrue();
    assertThat(day3.firstPage().records()).hasSize(15);
    assertThat(day3.remainingPages()).isZero();
    assertThat(r.total()).isEqualTo(160);
    assertThat(r.readAllPages()).isEqualTo(8);
    assertThat(r.unexplained()).isZero();
    assertThat(r.requests()).isEqualTo(7 + 2);
    assertThat(r.rowRecords()).isEqualTo(60);
    assertThat(r.groups().stream().mapToLong(GroupCounter.Group::count).sum() + r.rowRecords())
        .as("every record is in a group or in a row window").isEqualTo(r.total());
    assertThat(api.requests()).as("no probe below the empty day 1 or the rows of days 2 and 3")
        .filteredOn(q -> !q.filters().isEmpty())
        .extracting(q -> q.from()).containsOnly(D0);
  }

  @Test
  void splitsOnlyWhenTheProbesCostFewerRequestsThanThePages() {
    // 80 records over 3 days: 4 pages, 3 after the probe, against 3 day probes: read as rows.
    FakeListCallsApi eighty = api(concat(List.of(spread(27, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(27, D0 + DAY, D0 + 2 * DAY, "inbound", "carrier", 3000), spread(26, D0 + 2 * DAY, D0 + 3 * DAY, "inbound", "carrier", 3000))));
    GroupCounter.Result r80 = new GroupCounter(eighty.client(), 4, null).count(List.of(days(0, 3)), List.of(BY_DAY));
    assertThat(r80.probes()).isEqualTo(1);
    assertThat(eighty.requests()).hasSize(1);
    assertThat(r80.groups()).isEmpty();
    assertThat(r80.rows()).singleElement().satisfies(w -> {
      assertThat(w.query()).isEqualTo(days(0, 3));
      assertThat(w.count()).isEqualTo(80);
      assertThat(w.remainingPages()).isEqualTo(3);
    });
    assertThat(r80.requests()).isEqualTo(r80.readAllPages()).isEqualTo(4);
    eighty.close();

    // 81 records: 5 pages, 4 after the probe, against 3 probes: split.
    FakeListCallsApi more = api(concat(List.of(spread(27, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(27, D0 + DAY, D0 + 2 * DAY, "inbound", "carrier", 3000), spread(27, D0 + 2 * DAY, D0 + 3 * DAY, "inbound", "carrier", 3000))));
    GroupCounter.Result r81 = new GroupCounter(more.client(), 4, null).count(List.of(days(0, 3)), List.of(BY_DAY));
    assertThat(r81.probes()).isEqualTo(1 + 3);
    assertThat(more.requests()).hasSize(4);
    assertThat(r81.rows()).isEmpty();
    assertThat(groups(r81)).isEqualTo(Map.of(List.of(D0), 27L, List.of(D0 + DAY), 27L, List.of(D0 + 2 * DAY), 27L));
    assertThat(r81.requests()).isLessThan(r81.readAllPages());
  }

  @Test
  void aWindowOfAtMostTwentyRecordsIsWholeInItsProbeAndNeverSplit() {
    FakeListCallsApi api = api(concat(List.of(spread(12, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(8, D0 + DAY, D0 + 2 * DAY, "outbound", "customer", 4410))));
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(days(0, 2)), List.of(BY_DAY, BY_DIRECTION));
    assertThat(api.requests()).hasSize(1);
    assertThat(r.probes()).isEqualTo(1);
    assertThat(r.groups()).isEmpty();
    assertThat(r.rows()).singleElement().satisfies(w -> {
      assertThat(w.whole()).isTrue();
      assertThat(w.remainingPages()).isZero();
      assertThat(w.firstPage().records()).hasSize(20);
    });
    assertThat(r.requests()).isEqualTo(1);
  }

  @Test
  void aValueNoDocumentListsMakesOnlyItsWindowFallBackToRows() {
    FakeListCallsApi api = api(concat(List.of(
        spread(60, D0, D0 + DAY, "inbound", "customer", 3000),
        spread(40, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(50, D0 + DAY, D0 + 2 * DAY, "inbound", "customer", 3000),
        spread(30, D0 + DAY, D0 + 2 * DAY, "inbound", "carrier", 3000),
        spread(20, D0 + DAY, D0 + 2 * DAY, "inbound", "partner", 3000)))); // not a documented source
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(days(0, 2)), List.of(BY_DAY, BY_SOURCE));
    // root 200 (9 remaining pages > 2): 2 day probes; each day 100 (4 remaining > 3): 3 source probes each
    assertThat(r.probes()).isEqualTo(1 + 2 + 3 + 3);
    assertThat(api.requests()).hasSize(9);
    assertThat(r.unexplained()).isEqualTo(1);
    assertThat(groups(r)).as("day 0 adds up; its empty 'zentrunk' group is not reported")
        .isEqualTo(Map.of(List.of(D0, "customer"), 60L, List.of(D0, "carrier"), 40L));
    assertThat(r.rows()).singleElement().satisfies(w -> {
      assertThat(w.query()).isEqualTo(days(1, 2));
      assertThat(w.count()).isEqualTo(100);
      assertThat(w.remainingPages()).isEqualTo(4);
    });
    assertThat(r.groups().stream().mapToLong(GroupCounter.Group::count).sum() + r.rowRecords()).isEqualTo(r.total()).isEqualTo(200);
  }

  @Test
  void recordsArrivingBetweenProbesMakeTheWindowRows() {
    FakeListCallsApi api = api(concat(List.of(spread(50, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(50, D0, D0 + DAY, "outbound", "carrier", 3000))));
    // three calls end inside the window after the root probe was answered
    api.afterRequest(n -> {
      if (n == 1) {
        spread(3, D0 + 5 * HOUR, D0 + 6 * HOUR, "inbound", "carrier", 3000).forEach(api::add);
      }
    });
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(days(0, 1)), List.of(BY_DIRECTION));
    assertThat(api.requests()).hasSize(1 + 2);
    assertThat(r.unexplained()).isEqualTo(1);
    assertThat(r.groups()).as("children sum to 103, the parent said 100: no group is trusted").isEmpty();
    assertThat(r.rows()).singleElement().satisfies(w -> {
      assertThat(w.query()).isEqualTo(days(0, 1));
      assertThat(w.count()).isEqualTo(100);
    });
  }

  @Test
  void aWindowAlreadyFilteredByTheColumnOrWithinOneBucketNeedsNoProbe() {
    FakeListCallsApi api = api(concat(List.of(spread(200, D0 + HOUR, D0 + 5 * HOUR, "outbound", "carrier", 3000),
        spread(50, D0 + HOUR, D0 + 5 * HOUR, "inbound", "carrier", 3000))));
    CdrQuery root = new CdrQuery(D0 + HOUR, D0 + 5 * HOUR, Map.of("call_direction", "outbound"));
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(root), List.of(BY_DAY, BY_DIRECTION));
    assertThat(api.requests()).hasSize(1);
    assertThat(r.probes()).isEqualTo(1);
    assertThat(groups(r)).isEqualTo(Map.of(List.of(D0, "outbound"), 200L));
    assertThat(r.rows()).isEmpty();
  }

  @Test
  void hourBucketsAreAlignedToUtcAndClippedToTheWindow() {
    FakeListCallsApi api = api(concat(List.of(spread(50, D0 + HOUR / 2, D0 + HOUR, "inbound", "carrier", 3000),
        // 01:00-02:00: none
        spread(50, D0 + 2 * HOUR, D0 + 3 * HOUR, "inbound", "carrier", 3000),
        spread(7, D0 + 3 * HOUR, D0 + 4 * HOUR, "inbound", "carrier", 3000)))); // after the window
    CdrQuery root = new CdrQuery(D0 + HOUR / 2, D0 + 3 * HOUR, Map.of());
    GroupCounter.Result r = new GroupCounter(api.client(), 2, null).count(List.of(root), List.of(BY_HOUR));
    assertThat(api.requests()).extracting(Request::query).containsExactlyInAnyOrder(root,
        new CdrQuery(D0 + HOUR / 2, D0 + HOUR, Map.of()), new CdrQuery(D0 + HOUR, D0 + 2 * HOUR, Map.of()),
        new CdrQuery(D0 + 2 * HOUR, D0 + 3 * HOUR, Map.of()));
    assertThat(groups(r)).as("keys are bucket starts; the empty hour is not a group")
        .isEqualTo(Map.of(List.of(D0), 50L, List.of(D0 + 2 * HOUR), 50L));
  }

  @Test
  void severalRootsAddTheirTotalsAndTheirPages() {
    FakeListCallsApi api = api(concat(List.of(spread(45, D0, D0 + DAY, "inbound", "carrier", 3000),
        spread(20, D0 + 2 * DAY, D0 + 3 * DAY, "outbound", "carrier", 3000))));
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null)
        .count(List.of(days(0, 1), days(1, 2), days(2, 3)), List.of(BY_DIRECTION));
    assertThat(r.total()).isEqualTo(65);
    assertThat(r.readAllPages()).as("3 pages, and one request even for the empty root").isEqualTo(3 + 1 + 1);
    assertThat(r.probes()).isEqualTo(3);
    assertThat(api.requests()).hasSize(3);
    assertThat(r.rows()).extracting(GroupCounter.RowWindow::query).containsExactlyInAnyOrder(days(0, 1), days(2, 3));
    assertThat(r.requests()).isEqualTo(3 + 2);
  }

  @Test
  void manyProbesInFlightKeepEachCountWithItsGroup() {
    // 20 days of different sizes, 4 probes in flight: a count paired with the wrong day fails
    List<List<Cdr>> parts = new ArrayList<>();
    Map<List<Object>, Long> expected = new HashMap<>();
    for (int d = 0; d < 20; d++) {
      int n = 30 + 7 * d;
      parts.add(spread(n, D0 + d * DAY, D0 + (d + 1) * DAY, "inbound", "carrier", 3000));
      expected.put(List.of(D0 + d * DAY), (long) n);
    }
    FakeListCallsApi api = api(concat(parts));
    GroupCounter.Result r = new GroupCounter(api.client(), 4, null).count(List.of(days(0, 20)), List.of(BY_DAY));
    assertThat(r.probes()).isEqualTo(21);
    assertThat(groups(r)).isEqualTo(expected);
  }

  @Test
  void aRefusedProbeFailsTheCountWithTheApiStatus() {
    FakeListCallsApi api = api(spread(100, D0, D0 + DAY, "inbound", "carrier", 3000));
    api.refuse(q -> "zentrunk".equals(q.filters().get("hangup_source")));
    assertThatThrownBy(() -> new GroupCounter(api.client(), 4, null).count(List.of(days(0, 1)), List.of(BY_SOURCE)))
        .isInstanceOfSatisfying(ZentrunkApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("refused by the test");
  }

  @Test
  void noDimensionAtAllReportsEachNonEmptyRootAsOneGroup() {
    FakeListCallsApi api = api(spread(70, D0, D0 + DAY, "inbound", "carrier", 3000));
    GroupCounter.Result r = new GroupCounter(api.client(), 1, null).count(List.of(days(0, 1), days(1, 2)), List.of());
    assertThat(r.groups()).containsExactly(new GroupCounter.Group(List.of(), 70));
    assertThat(r.probes()).isEqualTo(2);
  }
}
