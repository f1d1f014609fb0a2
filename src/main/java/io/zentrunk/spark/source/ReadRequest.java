package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ApiRules;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrQuery;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one read asks the API for: the half-open {@code end_time} window {@code [from, to)} and
 * the API's filters, each in its canonical form. Immutable. The options and the pushed
 * predicates both feed it through one {@link Builder}, so the same value gets the same
 * canonical form and the same message either way: an option with a value the API cannot match
 * is an error; a predicate with such a value matches nothing, and the request is empty with
 * that very message as its reason.
 *
 * <p>It owns the window rules, once: the 30-day default, the 90-day retention and the clamp
 * (each bound knows where it came from), and the cut into 90-day chunks.
 *
 * <p>To extend it with another dimension (say a probe or group-by), add a field here, a
 * setter on the {@link Builder}, and read it where the scan is planned; keep it immutable.
 */
public final class ReadRequest implements Serializable {
  private static final long serialVersionUID = 1L;

  static final long RETENTION_MICROS = ApiRules.RETENTION.toDays() * ApiTime.MICROS_PER_DAY;
  static final long DEFAULT_WINDOW_MICROS = ApiRules.DEFAULT_WINDOW.toDays() * ApiTime.MICROS_PER_DAY;
  /**
   * How far inside the retention a clamped window starts. The retention's edge moves with the
   * clock while the window is read; a window that started exactly on it would lose its oldest
   * records during the read, and the reader's completeness check would fail the read for it.
   * A minute keeps the edge outside the window for the first minute of reading.
   */
  static final long EXPIRY_MARGIN_MICROS = 60 * ApiTime.MICROS_PER_SECOND;

  /** Where a window bound came from. */
  public enum Origin {
    /** Option {@code start} or {@code end}. */
    OPTION,
    /** A pushed {@code end_time} predicate. */
    PREDICATE,
    /** The API's defaults: {@code to} is now, {@code from} is 30 days before {@code to}. */
    DEFAULT,
    /** Moved to the retention's start by {@code clamp_to_retention} or the 30-day default. */
    CLAMPED,
    /** A stream's offsets: a micro-batch's window. */
    STREAM
  }

  /** A window bound in epoch microseconds and where it came from. */
  public record Bound(long micros, Origin origin) implements Serializable {}

  /** Inclusive bounds of a whole-number filter; null = unbounded. */
  record Range(Long min, Long max) implements Serializable {}

  /** A comparison of a pushed or optional filter value. */
  enum Op { EQ, PREFIX, GT, GTE, LT, LTE }

  private final Bound from;
  private final Bound to;
  private final TreeMap<String, String> values;
  private final TreeMap<String, Range> ranges;
  private final String emptyReason;

  private ReadRequest(Bound from, Bound to, Map<String, String> values, Map<String, Range> ranges, String emptyReason) {
    this.from = from;
    this.to = to;
    this.values = new TreeMap<>(values);
    this.ranges = new TreeMap<>(ranges);
    this.emptyReason = emptyReason;
  }

  static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this request (for example the options' request, before pushdown). */
  Builder toBuilder() {
    Builder b = new Builder();
    b.from = from;
    b.to = to;
    b.values.putAll(values);
    b.ranges.putAll(ranges);
    b.emptyReason = emptyReason;
    return b;
  }

  /** The same filters over the window {@code [from, to)} of a stream's batch (its offsets). */
  ReadRequest withWindow(long fromMicros, long toMicros) {
    return new ReadRequest(new Bound(fromMicros, Origin.STREAM), new Bound(toMicros, Origin.STREAM), values, ranges, emptyReason);
  }

  /** The first {@code end_time} read (inclusive), or null while open (before {@link #resolve}). */
  public Bound from() {
    return from;
  }

  /** The end of the window (exclusive), or null while open. */
  public Bound to() {
    return to;
  }

  /** Why no record can match, or empty. */
  public Optional<String> emptyReason() {
    return Optional.ofNullable(emptyReason);
  }

  /** True when no request needs to be sent: the filters exclude everything or the window is empty. */
  public boolean empty() {
    return emptyReason != null || (from != null && to != null && from.micros() >= to.micros());
  }

  /** The API parameters of the non-time filters, canonical (number prefixes without '+', one bill_duration form). */
  public Map<String, String> apiFilters() {
    TreeMap<String, String> out = new TreeMap<>(values);
    ranges.forEach((key, r) -> {
      if (r.min() != null && r.max() != null && r.min().longValue() == r.max().longValue()) {
        out.put(key, r.min().toString());
      } else {
        if (r.min() != null) {
          out.put(key + "__gte", r.min().toString());
        }
        if (r.max() != null) {
          out.put(key + "__lte", r.max().toString());
        }
      }
    });
    return Collections.unmodifiableMap(out);
  }

  /**
   * The window made definite: an open end is {@code now}, an open start 30 days before the end
   * (the API's own defaults), and a start before the 90-day retention is clamped into it when
   * {@code clampToRetention} is set or the start is the default; otherwise it fails.
   *
   * @throws IllegalArgumentException (one line naming the option or the predicate) when the window
   *     lies before the retention
   */
  ReadRequest resolve(long nowMicros, boolean clampToRetention) {
    long retentionStart = nowMicros - RETENTION_MICROS;
    Bound t = to != null ? to : new Bound(nowMicros, Origin.DEFAULT);
    Bound f = from != null ? from : new Bound(t.micros() - DEFAULT_WINDOW_MICROS, Origin.DEFAULT);
    if (t.micros() <= retentionStart) {
      throw new IllegalArgumentException("The window ends at " + ApiTime.display(t.micros())
          + ", before the API's 90-day retention: the earliest end_time still served is " + ApiTime.display(retentionStart)
          + " (read older CDRs from a lake that the ingest job keeps)");
    }
    if (f.micros() < retentionStart) {
      if (!clampToRetention && f.origin() != Origin.DEFAULT) {
        String source = f.origin() == Origin.OPTION ? "Option '" + ReadOptions.START.key() + "'"
            : f.origin() == Origin.STREAM ? "The stream's offset (its CDRs expired while the query was stopped)" : "The end_time filter";
        throw new IllegalArgumentException(source + " reaches back to " + ApiTime.display(f.micros())
            + ", before the API's 90-day retention: the earliest end_time still served is " + ApiTime.display(retentionStart)
            + "; start later or set option '" + ReadOptions.CLAMP_TO_RETENTION.key() + "' to true");
      }
      f = new Bound(retentionStart + EXPIRY_MARGIN_MICROS, Origin.CLAMPED);
    }
    return new ReadRequest(f, t, values, ranges, emptyReason);
  }

  /** The resolved window cut into queries of at most 90 days (the API's largest range), in time order. */
  List<CdrQuery> chunks() {
    if (from == null || to == null) {
      throw new IllegalStateException("the window is not resolved");
    }
    List<CdrQuery> out = new ArrayList<>();
    Map<String, String> filters = apiFilters();
    for (long f = from.micros(); f < to.micros(); f += CdrQuery.MAX_RANGE_MICROS) {
      out.add(new CdrQuery(f, Math.min(to.micros(), f + CdrQuery.MAX_RANGE_MICROS), filters));
    }
    return out;
  }

  /** One line for {@code explain()}: the window, the API filters and, when empty, why. */
  String describe() {
    StringBuilder sb = new StringBuilder("Window: [")
        .append(from == null ? "open" : ApiTime.formatFilter(from.micros())).append(", ")
        .append(to == null ? "open" : ApiTime.formatFilter(to.micros())).append(") UTC")
        .append(", ApiFilters: ").append(apiFilters());
    if (empty()) {
      sb.append(", Empty: ").append(emptyReason != null ? emptyReason : "the window is empty").append(" (no request)");
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "ReadRequest{" + describe() + "}";
  }

  /**
   * Collects a request from options and predicates. Values go through the filter's own parser
   * ({@link ReadOptions}); an option's bad value throws, a predicate's makes the request empty.
   */
  static final class Builder {
    private Bound from;
    private Bound to;
    private final TreeMap<String, String> values = new TreeMap<>();
    private final TreeMap<String, Range> ranges = new TreeMap<>();
    private String emptyReason;

    private Builder() {}

    /** {@code end_time >= micros}: raises the start; a tie keeps the earlier origin. */
    Builder endTimeAtLeast(long micros, Origin origin) {
      if (from == null || micros > from.micros()) {
        from = new Bound(micros, origin);
      }
      return this;
    }

    /** {@code end_time < micros}: lowers the end; a tie keeps the earlier origin. */
    Builder endTimeBefore(long micros, Origin origin) {
      if (to == null || micros < to.micros()) {
        to = new Bound(micros, origin);
      }
      return this;
    }

    /**
     * Adds {@code filter op text}. {@code what} names the input in messages ("Option 'x'",
     * "Predicate on x"). With {@link Origin#OPTION} a value the filter's parser refuses throws;
     * otherwise it empties the request, with the same message as the reason.
     *
     * @return false when the filter cannot take {@code op} (then nothing changed)
     */
    boolean filter(ReadOption<?> filter, Op op, String what, String text, Origin origin) {
      ReadOption.FilterKind kind = filter.filterKind();
      boolean fits = switch (kind) {
        case EQUAL -> op == Op.EQ;
        case PREFIX -> op == Op.EQ || op == Op.PREFIX;
        case RANGE -> op != Op.PREFIX;
      };
      if (!fits) {
        return false;
      }
      if (kind == ReadOption.FilterKind.RANGE) {
        return range(filter, op, what, text, origin);
      }
      Object parsed;
      try {
        parsed = filter.parse(what, text);
      } catch (IllegalArgumentException e) {
        if (origin == Origin.OPTION) {
          throw e;
        }
        return nothingMatches(e.getMessage());
      }
      String v = String.valueOf(parsed);
      String had = values.get(filter.key());
      if (kind == ReadOption.FilterKind.PREFIX) {
        // Prefixes narrow: 1202 then 12025 is 12025; 1202 then 44 matches nothing.
        if (had == null || v.startsWith(had)) {
          values.put(filter.key(), v);
        } else if (!had.startsWith(v)) {
          nothingMatches(filter.key() + " starts with both " + had + " and " + v);
        }
      } else if (had == null) {
        values.put(filter.key(), v);
      } else if (!had.equals(v)) {
        nothingMatches(filter.key() + " is both " + had + " and " + v);
      }
      return true;
    }

    private boolean range(ReadOption<?> filter, Op op, String what, String text, Origin origin) {
      long n;
      if (origin == Origin.OPTION) {
        n = ((Number) filter.parse(what, text)).longValue();
      } else {
        try {
          n = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
          return false;
        }
      }
      Range r = ranges.getOrDefault(filter.key(), new Range(null, null));
      Long min = r.min();
      Long max = r.max();
      switch (op) {
        case GT -> min = max(min, n + 1);
        case GTE -> min = max(min, n);
        case LT -> max = min(max, n - 1);
        case LTE -> max = min(max, n);
        default -> { min = max(min, n); max = min(max, n); }
      }
      // Billed seconds are never negative: a lower bound below 0 says nothing.
      if (min != null && min < 0) {
        min = null;
      }
      ranges.put(filter.key(), new Range(min, max));
      if ((max != null && max < 0) || (min != null && max != null && min > max)) {
        nothingMatches(filter.key() + " has no value from " + (min == null ? 0 : min) + " to " + max);
      }
      return true;
    }

    /** Marks the request as matching nothing (e.g. an IN list none of whose values can match). */
    Builder matchNothing(String reason) {
      nothingMatches(reason);
      return this;
    }

    private boolean nothingMatches(String reason) {
      if (emptyReason == null) {
        emptyReason = reason;
      }
      return true;
    }

    private static Long max(Long a, long b) {
      return a == null ? b : Math.max(a, b);
    }

    private static Long min(Long a, long b) {
      return a == null ? b : Math.min(a, b);
    }

    ReadRequest build() {
      return new ReadRequest(from, to, values, ranges, emptyReason);
    }
  }
}
