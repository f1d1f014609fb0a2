package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.ApiValues;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.StringStartsWith;

/**
 * Translates Spark's filters into a {@link ReadRequest}, on top of what the options already ask
 * for. The request validates and canonicalizes; this class only maps a predicate's shape to a
 * filter and a comparison. What maps exactly is pushed and not evaluated again; number filters
 * are pushed as the API's prefix match and also left to Spark (the API's match is looser than
 * equality); anything else stays with Spark. A predicate whose value the API can never match
 * (outbound and inbound, a window that ends before it starts) makes the scan empty without any
 * request.
 */
final class FilterPushdown {

  enum Result { FULL, PARTIAL, NONE }

  private final ReadRequest.Builder request;
  final List<String> pushed = new ArrayList<>();

  FilterPushdown(ReadRequest options) {
    this.request = options.toBuilder();
  }

  Result push(Filter f) {
    Result r = translate(f);
    if (r != Result.NONE) {
      pushed.add(f.toString());
    }
    return r;
  }

  /** IN lists of the API's equality columns (two values or more): one API query per value. */
  private final java.util.TreeMap<String, java.util.TreeSet<String>> inLists = new java.util.TreeMap<>();

  /**
   * {@code col IN (a, b, ...)} on a column the API filters by equality over a documented value
   * set: one API query per value. A record has one value, so the queries' rows are disjoint and
   * their union is exactly the IN. Values outside the documented set match nothing and are dropped.
   */
  private Result in(In in) {
    String attr = in.attribute();
    List<String> documented = ApiValues.of(attr);
    if (documented == null) {
      return Result.NONE;
    }
    java.util.TreeSet<String> values = new java.util.TreeSet<>();
    for (Object v : in.values()) {
      if (v == null) {
        continue; // NULL never equals anything
      }
      if (attr.equals("hangup_cause_code") ? !(v instanceof Integer) : !(v instanceof String)) {
        return Result.NONE;
      }
      if (documented.contains(v.toString())) {
        values.add(v.toString());
      }
    }
    java.util.TreeSet<String> had = inLists.get(attr);
    if (had != null) {
      values.retainAll(had);
    }
    inLists.put(attr, values);
    return Result.FULL;
  }

  /**
   * The IN lists reconciled with the request's equalities: a column with both keeps the
   * equality if the list holds it (else nothing matches); a list of one value becomes an
   * equality. Returns the request to read and the remaining lists.
   */
  ReadRequest requestWithInLists(java.util.TreeMap<String, java.util.List<String>> lists) {
    ReadRequest r = request.build();
    boolean none = false;
    for (java.util.Map.Entry<String, java.util.TreeSet<String>> e : inLists.entrySet()) {
      String eq = r.apiFilters().get(e.getKey());
      if (eq != null) {
        none |= !e.getValue().contains(eq);
      } else if (e.getValue().isEmpty()) {
        none = true;
      } else if (e.getValue().size() == 1) {
        request.filter(ReadOptions.filterOf(e.getKey()), ReadRequest.Op.EQ, "Predicate " + e.getKey(), e.getValue().first(),
            ReadRequest.Origin.PREDICATE);
      } else {
        lists.put(e.getKey(), java.util.List.copyOf(e.getValue()));
      }
    }
    if (none) {
      request.matchNothing("no value of an IN list can match");
      lists.clear();
    }
    return request.build();
  }

  /** The request with every pushed predicate. */
  ReadRequest request() {
    return request.build();
  }

  private Result translate(Filter f) {
    if (f instanceof In in && in.values().length == 1) {
      return translate(new EqualTo(in.attribute(), in.values()[0]));
    }
    if (f instanceof In in && in.values().length > 1) {
      return in(in);
    }
    String attr;
    Object value;
    ReadRequest.Op op;
    if (f instanceof EqualTo e) { attr = e.attribute(); value = e.value(); op = ReadRequest.Op.EQ; }
    else if (f instanceof GreaterThan e) { attr = e.attribute(); value = e.value(); op = ReadRequest.Op.GT; }
    else if (f instanceof GreaterThanOrEqual e) { attr = e.attribute(); value = e.value(); op = ReadRequest.Op.GTE; }
    else if (f instanceof LessThan e) { attr = e.attribute(); value = e.value(); op = ReadRequest.Op.LT; }
    else if (f instanceof LessThanOrEqual e) { attr = e.attribute(); value = e.value(); op = ReadRequest.Op.LTE; }
    else if (f instanceof StringStartsWith e) { attr = e.attribute(); value = e.value(); op = ReadRequest.Op.PREFIX; }
    else {
      return Result.NONE;
    }
    if (value == null) {
      return Result.NONE;
    }
    if (attr.equals("end_time")) {
      return endTime(op, value);
    }
    ReadOption<?> filter = ReadOptions.filterOf(attr);
    if (filter == null) {
      return Result.NONE;
    }
    if (!filter.type().isInstance(value)) {
      return Result.NONE;
    }
    // The column holds E.164 text ("+12025551111"); the API matches digits, as a prefix. Only
    // '+' and digits are pushed (the request strips the '+'), and Spark checks the rows again;
    // anything else (no '+', '+' alone, other characters) is Spark's to decide.
    boolean prefix = filter.filterKind() == ReadOption.FilterKind.PREFIX;
    if (prefix && !((String) value).matches("\\+[0-9]+")) {
      return Result.NONE;
    }
    boolean taken = request.filter(filter, op, "Predicate " + attr, value.toString(), ReadRequest.Origin.PREDICATE);
    if (!taken) {
      return Result.NONE;
    }
    return prefix ? Result.PARTIAL : Result.FULL;
  }

  private Result endTime(ReadRequest.Op op, Object value) {
    Long t = micros(value);
    if (t == null || op == ReadRequest.Op.PREFIX) {
      return Result.NONE;
    }
    ReadRequest.Origin p = ReadRequest.Origin.PREDICATE;
    switch (op) {
      case GT -> request.endTimeAtLeast(t + 1, p);
      case GTE -> request.endTimeAtLeast(t, p);
      case LT -> request.endTimeBefore(t, p);
      case LTE -> request.endTimeBefore(t + 1, p);
      default -> request.endTimeAtLeast(t, p).endTimeBefore(t + 1, p);
    }
    return Result.FULL;
  }

  private static Long micros(Object v) {
    if (v instanceof Timestamp ts) {
      return Math.floorDiv(ts.getTime(), 1000L) * ApiTime.MICROS_PER_SECOND + ts.getNanos() / 1000;
    }
    if (v instanceof Instant i) {
      return ApiTime.toMicros(i);
    }
    return null;
  }
}
