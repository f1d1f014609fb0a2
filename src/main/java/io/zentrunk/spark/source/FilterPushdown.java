package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ApiTime;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.StringStartsWith;

/**
 * Translates Spark's filters into the API's parameters, starting from what the options already
 * ask for. What maps exactly is pushed and not evaluated again; number filters are pushed as
 * the API's prefix match and also left to Spark (the API's match is looser than equality);
 * anything else stays with Spark. Contradictions (outbound and inbound, a window that ends
 * before it starts) make the scan empty without any request.
 */
final class FilterPushdown {

  enum Result { FULL, PARTIAL, NONE }

  Long lo;
  Long hi;
  Long billMin;
  Long billMax;
  final TreeMap<String, String> equalities;
  boolean impossible;
  final List<String> pushed = new ArrayList<>();

  FilterPushdown(ReadConf conf) {
    lo = conf.startMicros;
    hi = conf.endMicros;
    billMin = conf.billMin;
    billMax = conf.billMax;
    equalities = new TreeMap<>(conf.equalities);
  }

  Result push(Filter f) {
    Result r = translate(f);
    if (r != Result.NONE) {
      pushed.add(f.toString());
    }
    return r;
  }

  private Result translate(Filter f) {
    if (f instanceof In in && in.values().length == 1) {
      return translate(new EqualTo(in.attribute(), in.values()[0]));
    }
    String attr;
    Object value;
    if (f instanceof EqualTo e) { attr = e.attribute(); value = e.value(); }
    else if (f instanceof GreaterThan e) { attr = e.attribute(); value = e.value(); }
    else if (f instanceof GreaterThanOrEqual e) { attr = e.attribute(); value = e.value(); }
    else if (f instanceof LessThan e) { attr = e.attribute(); value = e.value(); }
    else if (f instanceof LessThanOrEqual e) { attr = e.attribute(); value = e.value(); }
    else if (f instanceof StringStartsWith e) { attr = e.attribute(); value = e.value(); }
    else {
      return Result.NONE;
    }
    if (value == null) {
      return Result.NONE;
    }
    switch (attr) {
      case "end_time" -> {
        Long t = micros(value);
        if (t == null || f instanceof StringStartsWith) {
          return Result.NONE;
        }
        if (f instanceof GreaterThan) { raiseLo(t + 1); }
        else if (f instanceof GreaterThanOrEqual) { raiseLo(t); }
        else if (f instanceof LessThan) { lowerHi(t); }
        else if (f instanceof LessThanOrEqual) { lowerHi(t + 1); }
        else { raiseLo(t); lowerHi(t + 1); }
        return Result.FULL;
      }
      case "bill_duration" -> {
        if (!(value instanceof Integer v) || f instanceof StringStartsWith) {
          return Result.NONE;
        }
        long n = v;
        if (f instanceof GreaterThan) { billMin = max(billMin, n + 1); }
        else if (f instanceof GreaterThanOrEqual) { billMin = max(billMin, n); }
        else if (f instanceof LessThan) { billMax = min(billMax, n - 1); }
        else if (f instanceof LessThanOrEqual) { billMax = min(billMax, n); }
        else { billMin = max(billMin, n); billMax = min(billMax, n); }
        return Result.FULL;
      }
      case "call_direction" -> {
        return f instanceof EqualTo ? equal(attr, value, ReadConf.DIRECTIONS) : Result.NONE;
      }
      case "hangup_source" -> {
        return f instanceof EqualTo ? equal(attr, value, ReadConf.SOURCES) : Result.NONE;
      }
      case "stir_verification" -> {
        return f instanceof EqualTo ? equal(attr, value, ReadConf.STIR) : Result.NONE;
      }
      case "hangup_cause_code" -> {
        if (!(f instanceof EqualTo) || !(value instanceof Integer)) {
          return Result.NONE;
        }
        return equal(attr, value.toString(), null);
      }
      case "from_number", "to_number" -> {
        if (!(f instanceof EqualTo || f instanceof StringStartsWith) || !(value instanceof String s)
            || s.length() < 2 || s.charAt(0) != '+' || !s.substring(1).chars().allMatch(Character::isDigit)) {
          return Result.NONE;
        }
        String digits = s.substring(1);
        String had = equalities.get(attr);
        if (had == null || digits.startsWith(had)) {
          equalities.put(attr, digits);
        } else if (!had.startsWith(digits)) {
          impossible = true;
        }
        return Result.PARTIAL;
      }
      default -> {
        return Result.NONE;
      }
    }
  }

  private Result equal(String attr, Object value, Set<String> allowed) {
    String v = value.toString();
    if (allowed != null && !allowed.contains(v)) {
      impossible = true;
      return Result.FULL;
    }
    String had = equalities.putIfAbsent(attr, v);
    if (had != null && !had.equals(v)) {
      impossible = true;
    }
    return Result.FULL;
  }

  private void raiseLo(long t) {
    lo = max(lo, t);
  }

  private void lowerHi(long t) {
    hi = min(hi, t);
  }

  private static Long max(Long a, long b) {
    return a == null ? b : Math.max(a, b);
  }

  private static Long min(Long a, long b) {
    return a == null ? b : Math.min(a, b);
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

  /** The API parameters of the non-time filters, bill_duration in its canonical form. */
  TreeMap<String, String> apiFilters() {
    TreeMap<String, String> out = new TreeMap<>(equalities);
    if (billMin != null && billMax != null && billMin.longValue() == billMax.longValue()) {
      out.put("bill_duration", billMin.toString());
    } else {
      if (billMin != null) {
        out.put("bill_duration__gte", billMin.toString());
      }
      if (billMax != null) {
        out.put("bill_duration__lte", billMax.toString());
      }
    }
    return out;
  }

  boolean empty() {
    return impossible || (billMin != null && billMax != null && billMin > billMax) || (billMax != null && billMax < 0);
  }
}
