package io.zentrunk.spark.client;

import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one list-calls request asks for: a half-open {@code end_time} window
 * {@code [fromMicros, toMicros)} and the API's other filters under their API names. A small
 * immutable value: it travels inside Spark input partitions and prints without secrets.
 *
 * <p>Every query sends a lower {@code end_time} bound (the API refuses an upper bound alone).
 */
public final class CdrQuery implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The API's maximum {@code end_time} range. */
  public static final long MAX_RANGE_MICROS = 90L * ApiTime.MICROS_PER_DAY;

  private final long fromMicros;
  private final long toMicros;
  private final TreeMap<String, String> filters;

  public CdrQuery(long fromMicros, long toMicros, Map<String, String> filters) {
    if (toMicros <= fromMicros) {
      throw new IllegalArgumentException("empty window " + ApiTime.display(fromMicros) + " .. " + ApiTime.display(toMicros));
    }
    if (toMicros - fromMicros > MAX_RANGE_MICROS) {
      throw new IllegalArgumentException("a single request may span at most 90 days");
    }
    this.fromMicros = fromMicros;
    this.toMicros = toMicros;
    this.filters = new TreeMap<>(filters);
  }

  public long fromMicros() {
    return fromMicros;
  }

  public long toMicros() {
    return toMicros;
  }

  /** The non-time filters, sorted by name. */
  public Map<String, String> filters() {
    return Collections.unmodifiableMap(filters);
  }

  /** The same filters over another window. */
  public CdrQuery withWindow(long from, long to) {
    return new CdrQuery(from, to, filters);
  }

  /** The query string of a page request, URL-encoded, without the leading '?'. */
  public String queryString(int offset, int limit) {
    StringBuilder sb = new StringBuilder(160);
    append(sb, "end_time__gte", ApiTime.formatFilter(fromMicros));
    append(sb, "end_time__lt", ApiTime.formatFilter(toMicros));
    filters.forEach((k, v) -> append(sb, k, v));
    append(sb, "limit", Integer.toString(limit));
    append(sb, "offset", Integer.toString(offset));
    return sb.toString();
  }

  private static void append(StringBuilder sb, String key, String value) {
    if (sb.length() > 0) {
      sb.append('&');
    }
    sb.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CdrQuery q && q.fromMicros == fromMicros && q.toMicros == toMicros && q.filters.equals(filters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fromMicros, toMicros, filters);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[").append(ApiTime.formatFilter(fromMicros)).append(", ")
        .append(ApiTime.formatFilter(toMicros)).append(')');
    filters.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }
}
