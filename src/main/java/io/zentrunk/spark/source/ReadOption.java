package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.ClientConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One option of the {@code zentrunk} source, declared once: its key, its default, the values it
 * accepts (a parser that knows the allowed range), and a one-line meaning. {@link ReadOptions}
 * holds the table; {@link ReadConf}, the generated options reference (docs/reference/read-options.md, checked
 * for drift by a test) and the jobs all use it. Parse errors are one-line {@link IllegalArgumentException}s naming the option.
 *
 * <p>{@link #since} is the version that brought the option: every option so far came with the first release,
 * {@link #FIRST_VERSION}; an option added later is declared with {@code .since("X.Y.Z")}.
 *
 * @param <T> the parsed value's type
 */
public final class ReadOption<T> {

  /**
   * How an option's text becomes a value of a type; the parse knows the allowed values or range, which
   * {@code accepts} says in words (the options reference's type column).
   */
  record Parser<T>(Class<T> type, String accepts, Parse<T> parse) {}

  /** Turns text into a value, or fails with one line that starts with {@code what}. */
  @FunctionalInterface
  interface Parse<T> {
    T apply(String what, String text);
  }

  /** The role of an option that is one of the API's own filters (see {@link ReadRequest}). */
  enum FilterKind {
    /** The value must equal the record's value. */
    EQUAL,
    /** The value is a prefix of the record's digits; {@code +} is stripped, as the API needs. */
    PREFIX,
    /** A whole number compared with {@code =}, {@code __gt}, {@code __gte}, {@code __lt}, {@code __lte}. */
    RANGE
  }

  /** Every option in declaration order, as Spark JDBC's {@code newOption} registers them. */
  private static final List<ReadOption<?>> DECLARED = new ArrayList<>();

  private final String key;
  private final T defaultValue;
  private final String defaultDoc;
  private final Parser<T> parser;
  private final String doc;
  private final FilterKind filter;
  /** Set once, at the declaration ({@link #since(String)}), before {@link ReadOptions#ALL} is built. */
  private String since = FIRST_VERSION;

  /** The version of the first release, which brought every option declared without {@code .since}. */
  public static final String FIRST_VERSION = "0.1.0";

  private ReadOption(String key, T defaultValue, String defaultDoc, Parser<T> parser, String doc, FilterKind filter) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.defaultDoc = defaultDoc;
    this.parser = parser;
    this.doc = doc;
    this.filter = filter;
    synchronized (DECLARED) {
      DECLARED.add(this);
    }
  }

  static List<ReadOption<?>> declared() {
    synchronized (DECLARED) {
      return List.copyOf(DECLARED);
    }
  }

  /** An option whose default is a value, documented as that value. */
  static <T> ReadOption<T> of(String key, T defaultValue, Parser<T> parser, String doc) {
    return new ReadOption<>(key, defaultValue, String.valueOf(defaultValue), parser, doc, null);
  }

  /** An option whose default is not a constant (absent, the environment, a computed value), described in words. */
  static <T> ReadOption<T> described(String key, String defaultDoc, Parser<T> parser, String doc) {
    return new ReadOption<>(key, null, defaultDoc, parser, doc, null);
  }

  /** One of the API's filters: absent by default. */
  static <T> ReadOption<T> filter(String key, FilterKind kind, Parser<T> parser, String doc) {
    return new ReadOption<>(key, null, "none", parser, doc, kind);
  }

  /** The option's name (keys are case-insensitive, as all Spark options). */
  public String key() {
    return key;
  }

  /** The options reference's default column. */
  public String defaultDoc() {
    return defaultDoc;
  }

  /** The type of the parsed value (a pushed predicate's value must be of it). */
  Class<T> type() {
    return parser.type();
  }

  /** The options reference's meaning column. */
  public String doc() {
    return doc;
  }

  /** The values accepted, in words (for example "whole number from 1 to 256"). */
  public String accepts() {
    return parser.accepts();
  }

  /** The version that brought the option. */
  public String since() {
    return since;
  }

  /** Declares the version that brought the option (only in its declaration in {@link ReadOptions}). */
  ReadOption<T> since(String version) {
    if (!version.matches("\\d+\\.\\d+\\.\\d+")) {
      throw new AssertionError("option " + key + ": since must be a version X.Y.Z, not '" + version + "'");
    }
    this.since = version;
    return this;
  }

  /** The filter role, or null for an option that is not an API filter. */
  FilterKind filterKind() {
    return filter;
  }

  /** Parses one value; the error names {@code what} (for example "Option 'start'"). */
  public T parse(String what, String text) {
    return parser.parse().apply(what, text);
  }

  /** Parses the value of this option. */
  T parse(String text) {
    return parse("Option '" + key + "'", text);
  }

  /** The value in {@code options} (keys lower case), or the default when absent. */
  T get(Map<String, String> options) {
    String v = options.get(key);
    return v == null ? defaultValue : parse(v);
  }

  @Override
  public String toString() {
    return key;
  }

  // Parsers. Each is told what it parses, so that one parser serves options and other inputs
  // (pushed predicates, bill_duration__gt) with the same message.

  static Parser<Integer> integer(int min, int max) {
    return new Parser<>(Integer.class, "whole number from " + min + " to " + max, (what, text) -> {
      String v = text;
      long n;
      try {
        n = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(what + " must be a whole number from " + min + " to " + max + ", not '" + v + "'");
      }
      if (n < min || n > max) {
        throw new IllegalArgumentException(what + " must be from " + min + " to " + max + ", not " + n);
      }
      return (int) n;
    });
  }

  /** A whole number in [min, max], or {@code auto} for {@code autoValue}. */
  static Parser<Integer> integerOrAuto(int min, int max, int autoValue) {
    Parser<Integer> number = integer(min, max);
    return new Parser<>(Integer.class, "auto or a whole number from " + min + " to " + max, (what, text) -> {
      if (text.trim().equalsIgnoreCase("auto")) {
        return autoValue;
      }
      try {
        return number.parse().apply(what, text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + " must be auto or a whole number from " + min + " to " + max
            + ", not '" + text + "'");
      }
    });
  }

  /** A fraction in (0, 1]. */
  static Parser<Double> fraction() {
    return new Parser<>(Double.class, "fraction above 0, at most 1", (what, text) -> {
      double v;
      try {
        v = Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (!(v > 0 && v <= 1)) {
        throw new IllegalArgumentException(what + " must be a fraction above 0 and at most 1 (0.1 keeps a tenth), not '"
            + text + "'");
      }
      return v;
    });
  }

  static Parser<Boolean> bool() {
    return new Parser<>(Boolean.class, "true or false", (what, text) -> switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(what + " must be true or false, not '" + text + "'");
    });
  }

  static Parser<String> oneOf(String... allowed) {
    Set<String> set = Set.of(allowed);
    return new Parser<>(String.class, "one of " + String.join(", ", allowed), (what, text) -> {
      if (!set.contains(text)) {
        throw new IllegalArgumentException(what + " must be one of " + new TreeSet<>(set) + ", not '" + text + "'");
      }
      return text;
    });
  }

  /** A phone number or prefix: digits with an optional leading '+', which is stripped (the API matches digits only). */
  static Parser<String> digits() {
    return new Parser<>(String.class, "digits, a leading '+' allowed", (what, text) -> {
      String v = text.trim();
      String d = v.startsWith("+") ? v.substring(1) : v;
      if (d.isEmpty() || !d.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(what + " must be a phone number or prefix of digits (a leading '+' is allowed), not '" + text + "'");
      }
      return d;
    });
  }

  /** A time in the one grammar of {@link ApiTime#parseUserTime}, as epoch microseconds. */
  static Parser<Long> time() {
    return new Parser<>(Long.class, "UTC time", (what, text) -> ApiTime.parseUserTime(what, text));
  }

  /** A duration as Spark writes intervals ('2 minutes') or ISO-8601 ('PT2M'), in microseconds, from min to max. */
  static Parser<Long> duration(long minMicros, long maxMicros) {
    String accepts = "duration from " + ApiTime.formatDuration(minMicros) + " to " + ApiTime.formatDuration(maxMicros);
    return new Parser<>(Long.class, accepts, (what, text) -> {
      long v = ApiTime.parseDuration(what, text, minMicros);
      if (v > maxMicros) {
        throw new IllegalArgumentException(what + " must be at most " + ApiTime.formatDuration(maxMicros) + ", not '" + text + "'");
      }
      return v;
    });
  }

  static Parser<String> apiUrl() {
    return new Parser<>(String.class, "https:// URL (http:// for loopback)", (what, text) -> {
      String problem = ClientConfig.checkApiUrl(text);
      if (problem != null) {
        throw new IllegalArgumentException(what + " (" + text + ") " + problem);
      }
      return text;
    });
  }

  static Parser<String> authId() {
    return new Parser<>(String.class, "auth id", (what, text) -> {
      String v = text.trim();
      if (!v.isEmpty() && !v.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException(what + " must hold only letters, digits, '_' and '-'");
      }
      return v;
    });
  }

  /** Auth ids separated by commas (at least one; each as {@link #authId()}, none empty). */
  static Parser<String> authIds() {
    return new Parser<>(String.class, "auth ids separated by commas", (what, text) -> {
      for (String id : text.split(",", -1)) {
        if (!id.trim().matches("[A-Za-z0-9_-]+")) {
          throw new IllegalArgumentException(what + " must be auth ids separated by commas (letters, digits, '_' and '-'), "
              + "not '" + text + "'");
        }
      }
      return text.trim();
    });
  }

  /** none, all, or groups of auth ids: {@code ID,ID;ID,ID}. */
  static Parser<String> sharedBudget() {
    return new Parser<>(String.class, "none, all or ID,ID;ID,ID", (what, text) -> {
      String v = text.trim();
      if (!v.equalsIgnoreCase("none") && !v.equalsIgnoreCase("all")
          && !v.matches("[A-Za-z0-9_-]+(\\s*,\\s*[A-Za-z0-9_-]+)*(\\s*;\\s*[A-Za-z0-9_-]+(\\s*,\\s*[A-Za-z0-9_-]+)*)*")) {
        throw new IllegalArgumentException(what + " must be none, all, or groups of auth ids (ID,ID;ID,ID), not '" + text + "'");
      }
      return v;
    });
  }

  /** Any text, trimmed (a token, or a filter with no fixed set of values). */
  static Parser<String> text() {
    return new Parser<>(String.class, "text", (what, text) -> text.trim());
  }
}
