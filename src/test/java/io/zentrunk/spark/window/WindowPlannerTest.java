package io.zentrunk.spark.window;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrField;
import io.zentrunk.spark.client.CdrPage;
import io.zentrunk.spark.client.CdrQuery;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The planner's split arithmetic, against a fake API that counts the probes it is sent. */
class WindowPlannerTest {

  static final long S = ApiTime.MICROS_PER_SECOND;

  /** An account whose records end at the given times; counts every probe. */
  static final class FakeApi implements WindowPlanner.Probes {
    final List<Long> endTimes;
    final AtomicInteger probes = new AtomicInteger();

    FakeApi(List<Long> endTimes) {
      this.endTimes = endTimes;
    }

    long matching(CdrQuery q) {
      return endTimes.stream().filter(t -> t >= q.fromMicros() && t < q.toMicros()).count();
    }

    @Override
    public CdrPage firstPage(CdrQuery q) {
      probes.incrementAndGet();
      long n = matching(q);
      List<Object[]> records = new ArrayList<>();
      for (int i = 0; i < Math.min(20, n); i++) {
        Object[] r = new Object[CdrField.count()];
        r[CdrField.CALL_UUID.ordinal()] = "uuid-" + i;
        records.add(r);
      }
      return new CdrPage("fake", 20, 0, n, records);
    }

    @Override
    public long count(CdrQuery q) {
      probes.incrementAndGet();
      return matching(q);
    }
  }

  static List<Long> everySecond(long fromSecond, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add((fromSecond + i) * S + S / 2);
    }
    return out;
  }

  static CdrQuery window(long fromSecond, long toSecond) {
    return new CdrQuery(fromSecond * S, toSecond * S, Map.of());
  }

  static void assertContiguousAndComplete(List<WindowPlanner.Slice> slices, CdrQuery whole, FakeApi api) {
    assertThat(slices.get(0).query().fromMicros()).isEqualTo(whole.fromMicros());
    assertThat(slices.get(slices.size() - 1).query().toMicros()).isEqualTo(whole.toMicros());
    for (int i = 1; i < slices.size(); i++) {
      assertThat(slices.get(i).query().fromMicros()).isEqualTo(slices.get(i - 1).query().toMicros());
    }
    for (WindowPlanner.Slice s : slices) {
      assertThat(s.plannedCount()).as("planned count of " + s.query()).isEqualTo(api.matching(s.query()));
    }
    assertThat(slices.stream().mapToLong(WindowPlanner.Slice::plannedCount).sum()).isEqualTo(api.matching(whole));
  }

  @Test
  void aWindowOfAtMostTwentyRecordsCostsOneRequestAndCarriesItsPage() {
    FakeApi api = new FakeApi(everySecond(0, 20));
    List<WindowPlanner.Slice> slices = new WindowPlanner(api, 100, 4).plan(window(0, 3600));
    assertThat(api.probes).hasValue(1);
    assertThat(slices).hasSize(1);
    assertThat(slices.get(0).plannedCount()).isEqualTo(20);
    assertThat(slices.get(0).inlinePage()).isNotNull();
    assertThat(slices.get(0).inlinePage().records()).hasSize(20);
  }

  @Test
  void aUniformWindowSplitsOnceIntoSlicesWithinTheTarget() {
    FakeApi api = new FakeApi(everySecond(0, 1000));
    CdrQuery whole = window(0, 1000);
    List<WindowPlanner.Slice> slices = new WindowPlanner(api, 100, 4).plan(whole);
    // 1000 records, target 100: 1.5 x 1000 / 100 = 15 parts of about 67, none merged (67 + 67 > 100).
    assertThat(slices).hasSize(15);
    assertThat(api.probes).as("the first page, then one count per part").hasValue(1 + 15);
    assertThat(slices).allSatisfy(s -> assertThat(s.plannedCount()).isBetween(60L, 100L));
    assertThat(slices).allSatisfy(s -> assertThat(s.inlinePage()).isNull());
    assertContiguousAndComplete(slices, whole, api);
  }

  @Test
  void aSkewedWindowIsRefinedWhereTheRecordsAre() {
    List<Long> times = new ArrayList<>(everySecond(0, 900));   // a busy first quarter hour
    times.addAll(everySecond(3600, 100).stream().map(t -> t * 2).toList()); // then sparse
    FakeApi api = new FakeApi(times);
    CdrQuery whole = window(0, 86_400);
    List<WindowPlanner.Slice> slices = new WindowPlanner(api, 100, 4).plan(whole);
    assertThat(slices).allSatisfy(s -> assertThat(s.plannedCount()).isLessThanOrEqualTo(100));
    assertContiguousAndComplete(slices, whole, api);
    // 1000 records: 15 parts of 5,760 s (900 in the first, 100 in the second); the first splits
    // into 14 of 411 s (411, 411, 78, then none), each 411 into 7 of about 59. Probes: the first
    // page, then 15 + 14 + 7 + 7 counts. Slices: 14 of about 59, then 78 and 100, each merged
    // with the empty parts that follow it.
    assertThat(api.probes).hasValue(1 + 15 + 14 + 7 + 7);
    assertThat(slices).hasSize(16);
  }

  @Test
  void oneSecondHoldingMoreThanTheTargetStaysOneSlice() {
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      times.add(10 * S + i); // 500 records within one second
    }
    FakeApi api = new FakeApi(times);
    CdrQuery whole = new CdrQuery(10 * S, 11 * S, Map.of());
    List<WindowPlanner.Slice> slices = new WindowPlanner(api, 100, 4).plan(whole);
    assertThat(slices).hasSize(1);
    assertThat(slices.get(0).plannedCount()).isEqualTo(500);
    assertThat(api.probes).as("no boundary to cut at: no count probe").hasValue(1);
  }

  /** The driver's coarse plan, then each part planned by "its task": the slices all tasks read. */
  static List<WindowPlanner.Slice> planInTasks(WindowPlanner planner, CdrQuery whole) {
    List<WindowPlanner.Slice> out = new ArrayList<>();
    for (WindowPlanner.Slice part : planner.planCoarse(whole).slices()) {
      if (part.plannedCount() == WindowPlanner.UNCOUNTED) {
        out.addAll(planner.planLeaves(part.query()));
      } else {
        out.add(part);
      }
    }
    return out;
  }

  static void assertEachSliceCarriesItsPageZero(List<WindowPlanner.Slice> slices) {
    assertThat(slices).allSatisfy(s -> {
      assertThat(s.inlinePage()).as("page 0 of " + s.query()).isNotNull();
      assertThat(s.inlinePage().totalCount()).isEqualTo(s.plannedCount());
      assertThat(s.inlinePage().records()).hasSize((int) Math.min(20, s.plannedCount()));
    });
  }

  @Test
  void aWindowWithinTheTargetIsOneCountedPartOfOneProbeThatCarriesItsPageZero() {
    FakeApi api = new FakeApi(everySecond(0, 90));
    WindowPlanner.Coarse coarse = new WindowPlanner(api, 100, 4).planCoarse(window(0, 3600));
    assertThat(api.probes).hasValue(1);
    assertThat(coarse.totalCount()).isEqualTo(90);
    assertThat(coarse.slices()).hasSize(1);
    assertEachSliceCarriesItsPageZero(coarse.slices());
  }

  @Test
  void aUniformWindowIsPlannedOnTheDriverAsPlanPlansItAndEachSliceCarriesItsPageZero() {
    CdrQuery whole = window(0, 1000);
    FakeApi upFront = new FakeApi(everySecond(0, 1000));
    List<WindowPlanner.Slice> planned = new WindowPlanner(upFront, 100, 4).plan(whole);
    FakeApi shared = new FakeApi(everySecond(0, 1000));
    WindowPlanner.Coarse coarse = new WindowPlanner(shared, 100, 4).planCoarse(whole);
    // every part of the first cut fits: nothing is left to the tasks
    assertThat(shared.probes).as("the first page, then one probe per part, as plan()").hasValue(upFront.probes.get());
    assertThat(coarse.totalCount()).isEqualTo(1000);
    assertThat(coarse.slices()).extracting(WindowPlanner.Slice::query).isEqualTo(planned.stream().map(WindowPlanner.Slice::query).toList());
    assertContiguousAndComplete(coarse.slices(), whole, shared);
    assertEachSliceCarriesItsPageZero(coarse.slices());
  }

  @Test
  void aSkewedWindowSendsTwoLevelsOfProbesOnTheDriverAndTheRestOfPlansProbesInTheTasks() {
    List<Long> times = new ArrayList<>(everySecond(0, 900));
    times.addAll(everySecond(3600, 100).stream().map(t -> t * 2).toList());
    CdrQuery whole = window(0, 86_400);
    FakeApi upFront = new FakeApi(times);
    new WindowPlanner(upFront, 100, 4).plan(whole);
    assertThat(upFront.probes).hasValue(1 + 15 + 14 + 7 + 7);

    FakeApi shared = new FakeApi(times);
    WindowPlanner planner = new WindowPlanner(shared, 100, 4);
    WindowPlanner.Coarse coarse = planner.planCoarse(whole);
    assertThat(shared.probes).as("the driver: the first page and the 15 parts").hasValue(1 + 15);
    assertThat(coarse.totalCount()).isEqualTo(1000);
    // the busy first part (900) is cut into 14 parts its tasks count; the 100 sparse records and
    // the empty parts after them are merged into one counted slice
    assertThat(coarse.slices()).hasSize(14 + 1);
    assertThat(coarse.slices().subList(0, 14)).allSatisfy(s -> assertThat(s.plannedCount()).isEqualTo(WindowPlanner.UNCOUNTED));
    assertThat(coarse.slices().get(14).plannedCount()).isEqualTo(100);

    List<WindowPlanner.Slice> slices = planInTasks(new WindowPlanner(new FakeApi(times), 100, 4), whole);
    FakeApi all = new FakeApi(times);
    planInTasks(new WindowPlanner(all, 100, 4), whole);
    assertThat(all.probes).as("driver + tasks = plan()'s probes").hasValue(upFront.probes.get());
    assertThat(slices).allSatisfy(s -> assertThat(s.plannedCount()).isLessThanOrEqualTo(100));
    assertContiguousAndComplete(slices, whole, all);
    // In the tasks, not merged (a merged slice's page 0 is no probe's page): 12 of the 14 parts
    // whole, two in 7 each; an empty slice costs its probe only, as in plan().
    assertThat(slices).hasSize(12 + 7 + 7 + 1);
    assertEachSliceCarriesItsPageZero(slices.subList(0, 26));
  }

  @Test
  void oneSecondHoldingMoreThanTheTargetIsOneCountedPart() {
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      times.add(10 * S + i);
    }
    FakeApi api = new FakeApi(times);
    WindowPlanner.Coarse coarse = new WindowPlanner(api, 100, 4).planCoarse(new CdrQuery(10 * S, 11 * S, Map.of()));
    assertThat(api.probes).hasValue(1);
    assertThat(coarse.slices()).singleElement().satisfies(s -> assertThat(s.plannedCount()).isEqualTo(500));
  }
}
