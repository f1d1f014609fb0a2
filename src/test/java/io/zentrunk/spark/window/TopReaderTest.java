package io.zentrunk.spark.window;

import static io.zentrunk.spark.window.GroupCounterTest.D0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrField;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ZentrunkApiException;
import io.zentrunk.spark.testing.FakeListCallsApi;
import io.zentrunk.spark.testing.FakeListCallsApi.Cdr;
import io.zentrunk.spark.testing.FakeListCallsApi.Request;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ORDER BY end_time DESC|ASC LIMIT n} against {@link FakeListCallsApi}:
 * which records come back and exactly which pages (offset, limit) were requested for them.
 */
class TopReaderTest {

  static final long S = ApiTime.MICROS_PER_SECOND;
  static final CdrQuery WINDOW = new CdrQuery(D0, D0 + ApiTime.MICROS_PER_DAY, Map.of());

  /** Record i ends at D0 + 10 i seconds: the newest is the last. */
  static List<Cdr> account(int n) {
    List<Cdr> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(cdr(i, D0 + 10L * i * S));
    }
    return out;
  }

  static Cdr cdr(int i, long end) {
    return new Cdr(String.format("r-%04d", i), end, "inbound", "carrier", 3000, "Verified");
  }

  static List<String> uuids(int fromInclusive, int toInclusive) {
    List<String> out = new ArrayList<>();
    for (int i = fromInclusive; fromInclusive >= toInclusive ? i >= toInclusive : i <= toInclusive; i += fromInclusive >= toInclusive ? -1 : 1) {
      out.add(String.format("r-%04d", i));
    }
    return out;
  }

  static List<String> uuidsOf(List<Object[]> rows) {
    return rows.stream().map(r -> (String) r[CdrField.CALL_UUID.ordinal()]).toList();
  }

  static List<Long> endsOf(List<Object[]> rows) {
    return rows.stream().map(r -> (Long) r[CdrField.END_TIME.ordinal()]).sorted().toList();
  }

  /** The pages requested, as (offset, limit) pairs in the order sent. */
  static List<List<Integer>> pages(FakeListCallsApi api) {
    return api.requests().stream().map(r -> List.of(r.offset(), r.limit())).toList();
  }

  @RegisterExtension
  final FakeListCallsApi.Fakes apis = new FakeListCallsApi.Fakes();

  FakeListCallsApi api(List<Cdr> cdrs) {
    return apis.start(cdrs);
  }

  @Test
  void theNewestHundredAreTheFirstFivePages() {
    FakeListCallsApi api = api(account(250));
    List<Object[]> top = TopReader.read(api.client(), WINDOW, 100, true, null, 2);
    assertThat(uuidsOf(top)).isEqualTo(uuids(249, 150));
    assertThat(pages(api)).containsExactly(List.of(0, 20), List.of(20, 20), List.of(40, 20), List.of(60, 20), List.of(80, 20));
    assertThat(api.requests()).extracting(Request::query).containsOnly(WINDOW);
  }

  @Test
  void theNewestFewAskOnlyForWhatTheyNeed() {
    FakeListCallsApi api = api(account(250));
    assertThat(uuidsOf(TopReader.read(api.client(), WINDOW, 5, true, null, 2))).isEqualTo(uuids(249, 245));
    assertThat(uuidsOf(TopReader.read(api.client(), WINDOW, 30, true, null, 2))).isEqualTo(uuids(249, 220));
    assertThat(pages(api)).as("5: one page of 5; 30: a page of 20, then one of 10")
        .containsExactly(List.of(0, 5), List.of(0, 20), List.of(20, 10));
  }

  @Test
  void theOldestAreThePagesAtTheEndAfterOneProbe() {
    FakeListCallsApi api = api(account(250));
    List<Object[]> oldest = TopReader.read(api.client(), WINDOW, 100, false, null, 2);
    // page 0 tells total_count 250; then offsets 150..249: ceil(100/20) + 1 = 6 requests
    assertThat(pages(api)).containsExactly(List.of(0, 20), List.of(150, 20), List.of(170, 20), List.of(190, 20),
        List.of(210, 20), List.of(230, 20));
    assertThat(uuidsOf(oldest)).as("the 100 oldest, in the API's order (newest first)").isEqualTo(uuids(99, 0));
  }

  @Test
  void theOldestOfAPartialLastPageAskOnlyForTheRest() {
    FakeListCallsApi api = api(account(250));
    assertThat(uuidsOf(TopReader.read(api.client(), WINDOW, 30, false, null, 2))).isEqualTo(uuids(29, 0));
    assertThat(pages(api)).containsExactly(List.of(0, 20), List.of(220, 20), List.of(240, 10));
  }

  @Test
  void aQueryOfAtMostTwentyIsAnsweredByItsFirstPageEitherWay() {
    FakeListCallsApi api = api(account(12));
    assertThat(uuidsOf(TopReader.read(api.client(), WINDOW, 5, false, null, 2))).isEqualTo(uuids(4, 0));
    assertThat(uuidsOf(TopReader.read(api.client(), WINDOW, 100, false, null, 2))).isEqualTo(uuids(11, 0));
    assertThat(uuidsOf(TopReader.read(api.client(), WINDOW, 100, true, null, 2))).isEqualTo(uuids(11, 0));
    assertThat(pages(api)).containsExactly(List.of(0, 20), List.of(0, 20), List.of(0, 20));
  }

  @Test
  void nLargerThanTheWindowReturnsTheWholeWindowAndStopsAtItsEnd() {
    FakeListCallsApi api = api(account(45));
    assertThat(uuidsOf(TopReader.read(api.client(), WINDOW, 100, true, null, 2))).isEqualTo(uuids(44, 0));
    assertThat(pages(api)).containsExactly(List.of(0, 20), List.of(20, 20), List.of(40, 20));

    FakeListCallsApi again = api(account(45));
    assertThat(uuidsOf(TopReader.read(again.client(), WINDOW, 100, false, null, 2))).isEqualTo(uuids(44, 0));
    // the probe, then offsets 0, 20, 40 (ceil(45/20) + 1 = 4); the last asks only for the 5 left
    assertThat(pages(again)).containsExactly(List.of(0, 20), List.of(0, 20), List.of(20, 20), List.of(40, 5));
  }

  @Test
  void anEmptyWindowCostsOneRequestAndYieldsNothing() {
    FakeListCallsApi api = api(List.of());
    assertThat(TopReader.read(api.client(), WINDOW, 100, true, null, 2)).isEmpty();
    assertThat(TopReader.read(api.client(), WINDOW, 100, false, null, 2)).isEmpty();
    assertThat(api.requests()).hasSize(2);
  }

  /** 40 records: 15 newest at distinct times, 10 tied at T (offsets 15..24), 15 oldest at distinct times. */
  static List<Cdr> withTies(long tie) {
    List<Cdr> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      out.add(cdr(i, i >= 15 && i < 25 ? tie : D0 + 10L * i * S));
    }
    return out;
  }

  @Test
  void tiesAtTheCutAcrossAPageBoundaryGiveDistinctRecordsOfTheRightTimes() {
    long tie = D0 + 200 * S; // between record 14 (140 s) and record 25 (250 s)
    List<Cdr> all = withTies(tie);
    FakeListCallsApi api = api(all);
    List<Long> allEndsDesc = all.stream().map(Cdr::end).sorted(Comparator.reverseOrder()).toList();

    // newest 22: 15 newer, then 7 of the 10 tied, the cut falling on the second page
    List<Object[]> newest = TopReader.read(api.client(), WINDOW, 22, true, null, 2);
    assertThat(pages(api)).containsExactly(List.of(0, 20), List.of(20, 2));
    assertThat(uuidsOf(newest)).doesNotHaveDuplicates().hasSize(22).containsAll(uuids(39, 25));
    assertThat(endsOf(newest)).isEqualTo(allEndsDesc.subList(0, 22).stream().sorted().toList());

    // oldest 20: the 15 oldest, then 5 of the tied
    List<Object[]> oldest = TopReader.read(api.client(), WINDOW, 20, false, null, 2);
    assertThat(uuidsOf(oldest)).doesNotHaveDuplicates().hasSize(20).containsAll(uuids(14, 0));
    assertThat(endsOf(oldest)).isEqualTo(allEndsDesc.subList(20, 40).stream().sorted().toList());
  }

  @Test
  void aRecordArrivingBetweenPagesMakesTheQueryBeReadAgain() {
    FakeListCallsApi api = api(account(250));
    // after the first page, a call ends inside the window, newer than all: every offset shifts by one
    api.afterRequest(n -> {
      if (n == 1) {
        api.add(cdr(250, D0 + 10L * 250 * S));
      }
    });
    List<Object[]> top = TopReader.read(api.client(), WINDOW, 30, true, null, 1);
    assertThat(pages(api)).as("first pass (0,20) (20,10) sees 250 then 251; the second pass is stable")
        .containsExactly(List.of(0, 20), List.of(20, 10), List.of(0, 20), List.of(20, 10));
    assertThat(uuidsOf(top)).isEqualTo(uuids(250, 221));
  }

  @Test
  void aTotalThatKeepsChangingFailsAfterMaxRereads() {
    FakeListCallsApi api = api(account(250));
    api.afterRequest(n -> api.add(cdr(1000 + n, D0 + 10L * (1000 + n) * S))); // a new call after every request
    assertThatThrownBy(() -> TopReader.read(api.client(), WINDOW, 30, true, null, 2))
        .isInstanceOf(ZentrunkApiException.class)
        .hasMessageContaining("top 30 of")
        .hasMessageContaining("total_count kept changing")
        .hasMessageContaining("max_rereads");
    assertThat(api.requests()).as("3 passes (the first and 2 rereads) of 2 pages").hasSize(6);
  }

  @Test
  void theOldestAreReadAgainWhenTheTotalMovesToo() {
    FakeListCallsApi api = api(account(250));
    api.afterRequest(n -> {
      if (n == 1) {
        api.add(cdr(250, D0 + 10L * 250 * S));
      }
    });
    List<Object[]> oldest = TopReader.read(api.client(), WINDOW, 30, false, null, 1);
    // pass 1: the probe says 250, offset 220 sees 251 and the pass stops; pass 2: the probe
    // says 251, offsets 221 and 241
    assertThat(pages(api)).containsExactly(List.of(0, 20), List.of(220, 20),
        List.of(0, 20), List.of(221, 20), List.of(241, 10));
    assertThat(uuidsOf(oldest)).isEqualTo(uuids(29, 0));
  }
}
