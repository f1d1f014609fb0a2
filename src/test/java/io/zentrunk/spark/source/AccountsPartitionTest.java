package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrQuery;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.read.InputPartition;
import org.junit.jupiter.api.Test;

/**
 * How a read of several accounts cuts its slices into partitions ({@link ZentrunkScan#combine}): a partition holds one
 * slice of each budget, so one task keeps every budget busy; accounts of one budget take turns in separate
 * partitions; the Insights table keeps one slice per partition. No request is sent.
 */
class AccountsPartitionTest {

  static final String A = "MAACCOUNTA0000000001";
  static final String B = "MAACCOUNTB0000000002";
  static final String C = "MAACCOUNTC0000000003";
  static final String D = "MAACCOUNTD0000000004";

  static ReadConf conf(String sharedBudget) {
    Map<String, String> o = new HashMap<>();
    o.put("api_url", "http://127.0.0.1:1");
    o.put("auth_ids", String.join(",", A, B, C, D));
    if (sharedBudget != null) {
      o.put("shared_budget", sharedBudget);
    }
    return ReadConf.parse(o, k -> k.startsWith(ReadOptions.ENV_AUTH_TOKEN_PREFIX) ? "token" : null);
  }

  /** Slices per account (a: 3, b: 1, c: 2, d: 0), each named by its account and its number: "a1". */
  static List<List<InputPartition>> slices() {
    int[] n = {3, 1, 2, 0};
    List<List<InputPartition>> out = new ArrayList<>();
    for (int a = 0; a < n.length; a++) {
      List<InputPartition> mine = new ArrayList<>();
      for (int i = 0; i < n[a]; i++) {
        long from = ApiTime.MICROS_PER_DAY * i;
        mine.add(new ZentrunkInputPartition(new CdrQuery(from, from + ApiTime.MICROS_PER_DAY, Map.of()), 100L, null)
            .ofAccount(a));
      }
      out.add(mine);
    }
    return out;
  }

  /** Each partition as its slices' names. */
  static List<List<String>> names(List<InputPartition> parts) {
    return parts.stream().map(p -> p instanceof AccountsPartition s ? Arrays.asList(s.slices)
        : List.of((ZentrunkInputPartition) p)).map(l -> l.stream()
        .map(s -> "abcd".charAt(s.account) + "" + (s.query.fromMicros() / ApiTime.MICROS_PER_DAY + 1)).toList()).toList();
  }

  @Test
  void eachAccountItsOwnBudgetAPartitionHoldsASliceOfEach() {
    List<InputPartition> parts = ZentrunkScan.combine(slices(), conf(null), true);
    assertThat(names(parts)).containsExactly(List.of("a1", "b1", "c1"), List.of("a2", "c2"), List.of("a3"));
    assertThat(parts.get(2)).as("one slice left: a plain partition").isInstanceOf(ZentrunkInputPartition.class);
  }

  @Test
  void accountsOfOneBudgetTakeTurnsInPartitionsOfTheirOwn() {
    assertThat(names(ZentrunkScan.combine(slices(), conf("all"), true)))
        .containsExactly(List.of("a1"), List.of("b1"), List.of("c1"), List.of("a2"), List.of("c2"), List.of("a3"));
    // a and b share one budget, c and d each their own: a partition holds one slice of each budget
    assertThat(names(ZentrunkScan.combine(slices(), conf(A + "," + B), true)))
        .containsExactly(List.of("a1", "c1"), List.of("b1", "c2"), List.of("a2"), List.of("a3"));
  }

  @Test
  void theInsightsTableKeepsOneSlicePerPartitionInTurns() {
    assertThat(names(ZentrunkScan.combine(slices(), conf(null), false)))
        .containsExactly(List.of("a1"), List.of("b1"), List.of("c1"), List.of("a2"), List.of("c2"), List.of("a3"));
  }

  @Test
  void aPartitionOfSeveralBudgetsIsASmallSerializableValue() throws Exception {
    InputPartition p = ZentrunkScan.combine(slices(), conf(null), true).get(0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(p);
    }
    Object back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = in.readObject();
    }
    assertThat(back).isEqualTo(p).hasSameHashCodeAs(p);
    assertThat(back.toString()).startsWith("AccountsPartition[").doesNotContain("token");
    assertThat(bytes.size()).as("no conf, no client inside").isLessThan(4_000);
  }
}
