package io.zentrunk.spark.source;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.In;

/**
 * The calls that {@code call_uuid IN (...)} and {@code call_uuid = '...'} predicates keep, for the {@code call_insights}
 * table: the API cannot filter by call_uuid, so the calls are still listed, but a call the predicates drop is dropped
 * before its Insights request (ingest names the new calls of its window this way). Spark applies the predicates
 * again after the scan.
 */
final class CallUuidFilter implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String COLUMN = "call_uuid";

  /** The calls kept: those every predicate keeps. */
  private final Set<String> kept;

  private CallUuidFilter(Set<String> kept) {
    this.kept = kept;
  }

  /** The filter of the call_uuid predicates among {@code filters}, or null when there is none. */
  static CallUuidFilter of(List<Filter> filters) {
    Set<String> kept = null;
    for (Filter f : filters) {
      Set<String> one = values(f);
      if (one == null) {
        continue;
      }
      if (kept == null) {
        kept = one;
      } else {
        kept.retainAll(one);
      }
    }
    return kept == null ? null : new CallUuidFilter(kept);
  }

  private static Set<String> values(Filter f) {
    if (f instanceof In in && in.attribute().equals(COLUMN)) {
      Set<String> s = new HashSet<>();
      Arrays.stream(in.values()).filter(v -> v != null).forEach(v -> s.add(v.toString()));
      return s;
    }
    if (f instanceof EqualTo eq && eq.attribute().equals(COLUMN) && eq.value() != null) {
      return new HashSet<>(Set.of(eq.value().toString()));
    }
    return null;
  }

  boolean keeps(String callUuid) {
    return kept.contains(callUuid);
  }

  /** The most calls the filter lets through. */
  int size() {
    return kept.size();
  }
}
