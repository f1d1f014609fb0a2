package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrQuery;
import java.io.Serializable;
import java.util.List;
import java.util.TreeMap;

/**
 * What a scan reads once pushdown is done: the window {@code [from, to)}, the API filters, and
 * whether it is empty, limited or a count.
 */
record ScanSpec(long from, long to, TreeMap<String, String> apiFilters, boolean empty, long limit, boolean countOnly,
    List<String> pushedFilters) implements Serializable {

  /** The window cut into queries of at most 90 days, in time order. */
  List<CdrQuery> chunks() {
    java.util.ArrayList<CdrQuery> out = new java.util.ArrayList<>();
    for (long f = from; f < to; f += CdrQuery.MAX_RANGE_MICROS) {
      out.add(new CdrQuery(f, Math.min(to, f + CdrQuery.MAX_RANGE_MICROS), apiFilters));
    }
    return out;
  }

  String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("Window: [").append(ApiTime.formatFilter(from)).append(", ").append(ApiTime.formatFilter(to)).append(") UTC");
    sb.append(", ApiFilters: ").append(apiFilters);
    sb.append(", PushedFilters: ").append(pushedFilters);
    if (limit >= 0) {
      sb.append(", PushedLimit: LIMIT ").append(limit);
    }
    if (countOnly) {
      sb.append(", PushedAggregates: [COUNT(*)]");
    }
    if (empty) {
      sb.append(", Empty: the filters exclude every record (no request)");
    }
    return sb.toString();
  }
}
