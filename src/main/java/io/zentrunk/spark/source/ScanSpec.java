package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What a scan reads once pushdown is done: the resolved {@link ReadRequest}, and whether the
 * scan is limited or a count.
 *
 * @param limit a pushed {@code LIMIT}, or empty
 * @param inLists IN lists of equality columns (two values or more): one API query per value
 * @param topNewest for a pushed {@code ORDER BY end_time ... LIMIT limit}: true DESC, false ASC; null: none
 */
record ScanSpec(ReadRequest request, OptionalLong limit, boolean countOnly, List<String> pushedFilters,
    TreeMap<String, List<String>> inLists, Boolean topNewest) {

  ScanSpec(ReadRequest request, OptionalLong limit, boolean countOnly, List<String> pushedFilters) {
    this(request, limit, countOnly, pushedFilters, new TreeMap<>(), null);
  }

  /** The window cut into queries of at most 90 days, in time order. */
  List<CdrQuery> chunks() {
    return request.chunks();
  }

  /**
   * Every API query the scan sends: each chunk once per combination of IN-list values. Their
   * record sets are disjoint (a record has one value per column), so their union is the scan.
   */
  List<CdrQuery> queries() {
    List<CdrQuery> out = chunks();
    for (Map.Entry<String, List<String>> in : inLists.entrySet()) {
      List<CdrQuery> expanded = new ArrayList<>();
      for (CdrQuery q : out) {
        for (String v : in.getValue()) {
          TreeMap<String, String> f = new TreeMap<>(q.filters());
          f.put(in.getKey(), v);
          expanded.add(new CdrQuery(q.fromMicros(), q.toMicros(), f));
        }
      }
      out = expanded;
    }
    return out;
  }

  boolean empty() {
    return request.empty();
  }

  String describe() {
    StringBuilder sb = new StringBuilder(request.describe());
    if (!inLists.isEmpty()) {
      sb.append(", ApiInLists: ").append(inLists).append(" (one query per value)");
    }
    sb.append(", PushedFilters: ").append(pushedFilters);
    if (topNewest != null) {
      limit.ifPresent(n -> sb.append(", PushedTopN: ORDER BY end_time ").append(topNewest ? "DESC" : "ASC").append(" LIMIT ").append(n));
    } else {
      limit.ifPresent(n -> sb.append(", PushedLimit: LIMIT ").append(n));
    }
    if (countOnly) {
      sb.append(", PushedAggregates: [COUNT(*)]");
    }
    return sb.toString();
  }
}
