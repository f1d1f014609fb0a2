package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrQuery;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a scan reads once pushdown is done: the resolved {@link ReadRequest}, and whether the
 * scan is limited or a count.
 *
 * @param limit a pushed {@code LIMIT}, or empty
 */
record ScanSpec(ReadRequest request, OptionalLong limit, boolean countOnly, List<String> pushedFilters) {

  /** The window cut into queries of at most 90 days, in time order. */
  List<CdrQuery> chunks() {
    return request.chunks();
  }

  boolean empty() {
    return request.empty();
  }

  String describe() {
    StringBuilder sb = new StringBuilder(request.describe());
    sb.append(", PushedFilters: ").append(pushedFilters);
    limit.ifPresent(n -> sb.append(", PushedLimit: LIMIT ").append(n));
    if (countOnly) {
      sb.append(", PushedAggregates: [COUNT(*)]");
    }
    return sb.toString();
  }
}
