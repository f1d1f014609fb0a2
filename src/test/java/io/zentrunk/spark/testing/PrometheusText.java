package io.zentrunk.spark.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parser of Prometheus' text exposition format (version 0.0.4), strict enough to refuse what a Prometheus server
 * would: {@code # HELP} and {@code # TYPE} lines, samples {@code name{label="value",...} value [timestamp]} with the
 * format's escapes in label values ({@code \\}, {@code \"}, {@code \n}), values as Go's ParseFloat reads them
 * ({@code NaN}, {@code +Inf}, {@code -Inf}), a family's TYPE before its samples and at most once, no series twice.
 */
public final class PrometheusText {

  /** One sample: its metric name, labels in order, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A metric family: its type ("untyped" when not declared), help and samples. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final List<String> TYPES = List.of("counter", "gauge", "histogram", "summary", "untyped");

  private PrometheusText() {}

  /**
   * The families of {@code text}, by name, in order of appearance.
   *
   * @throws IllegalArgumentException naming the line that is not of the format
   */
  public static Map<String, Family> parse(String text) {
    Map<String, Family> out = new LinkedHashMap<>();
    Map<String, String> seenSeries = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a line feed");
    }
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int n = i + 1;
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] t = line.substring(1).trim().split("[ \t]+", 3);
        if (t.length >= 2 && (t[0].equals("HELP") || t[0].equals("TYPE"))) {
          if (!METRIC_NAME.matcher(t[1]).matches()) {
            throw bad(n, line, "not a metric name: " + t[1]);
          }
          Family f = out.get(t[1]);
          if (t[0].equals("TYPE")) {
            String type = t.length == 3 ? t[2].trim() : "";
            if (!TYPES.contains(type)) {
              throw bad(n, line, "unknown type " + type);
            }
            if (f != null && (!f.type().equals("untyped") || !f.samples().isEmpty())) {
              throw bad(n, line, "TYPE after the family's samples or twice");
            }
            out.put(t[1], new Family(t[1], type, f == null ? null : f.help(), new ArrayList<>()));
          } else {
            String help = t.length == 3 ? unescape(t[2], false, n, line) : "";
            if (f != null && f.help() != null) {
              throw bad(n, line, "HELP twice");
            }
            out.put(t[1], new Family(t[1], f == null ? "untyped" : f.type(), help, f == null ? new ArrayList<>() : f.samples()));
          }
        }
        continue; // other comments are allowed
      }
      Sample s = sample(line, n);
      Family f = out.get(familyOf(s.name(), out));
      if (f == null) {
        f = new Family(s.name(), "untyped", null, new ArrayList<>());
        out.put(s.name(), f);
      }
      String series = s.name() + s.labels();
      if (seenSeries.put(series, line) != null) {
        throw bad(n, line, "the series is there twice");
      }
      f.samples().add(s);
    }
    return out;
  }

  /** A histogram's or summary's samples belong to the family without their suffix. */
  private static String familyOf(String name, Map<String, Family> families) {
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        Family f = families.get(base);
        if (f != null && (f.type().equals("histogram") || f.type().equals("summary"))) {
          return base;
        }
      }
    }
    return name;
  }

  private static Sample sample(String line, int n) {
    int i = 0;
    int len = line.length();
    while (i < len && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
      i++;
    }
    String name = line.substring(0, i);
    if (!METRIC_NAME.matcher(name).matches()) {
      throw bad(n, line, "not a metric name: '" + name + "'");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < len && line.charAt(i) == '{') {
      i++;
      while (true) {
        while (i < len && line.charAt(i) == ' ') {
          i++;
        }
        if (i < len && line.charAt(i) == '}') {
          i++;
          break;
        }
        int start = i;
        while (i < len && line.charAt(i) != '=' && line.charAt(i) != ' ') {
          i++;
        }
        String label = line.substring(start, i);
        if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
          throw bad(n, line, "not a label name: '" + label + "'");
        }
        while (i < len && line.charAt(i) == ' ') {
          i++;
        }
        if (i + 1 >= len || line.charAt(i) != '=' || line.charAt(i + 1) != '"') {
          throw bad(n, line, "a label needs =\"value\"");
        }
        i += 2;
        StringBuilder v = new StringBuilder();
        while (true) {
          if (i >= len) {
            throw bad(n, line, "unterminated label value");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            if (i >= len) {
              throw bad(n, line, "a lone backslash");
            }
            char e = line.charAt(i++);
            switch (e) {
              case '\\' -> v.append('\\');
              case '"' -> v.append('"');
              case 'n' -> v.append('\n');
              default -> throw bad(n, line, "unknown escape \\" + e);
            }
          } else {
            v.append(c);
          }
        }
        if (labels.put(label, v.toString()) != null) {
          throw bad(n, line, "label " + label + " twice");
        }
        while (i < len && line.charAt(i) == ' ') {
          i++;
        }
        if (i < len && line.charAt(i) == ',') {
          i++;
        } else if (i < len && line.charAt(i) == '}') {
          i++;
          break;
        } else {
          throw bad(n, line, "expected , or } after a label");
        }
      }
    }
    String[] rest = line.substring(i).trim().split("[ \t]+");
    if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
      throw bad(n, line, "expected a value and an optional timestamp");
    }
    double value = value(rest[0], n, line);
    if (rest.length == 2) {
      try {
        Long.parseLong(rest[1]);
      } catch (NumberFormatException e) {
        throw bad(n, line, "the timestamp must be an integer (ms)");
      }
    }
    return new Sample(name, labels, value);
  }

  private static double value(String v, int n, String line) {
    switch (v) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
      case "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        if (!v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
          throw bad(n, line, "not a number: " + v);
        }
        return Double.parseDouble(v);
    }
  }

  private static String unescape(String s, boolean quotes, int n, String line) {
    StringBuilder v = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char e = s.charAt(++i);
        switch (e) {
          case '\\' -> v.append('\\');
          case 'n' -> v.append('\n');
          case '"' -> {
            if (!quotes) {
              v.append('\\');
            }
            v.append('"');
          }
          default -> v.append('\\').append(e);
        }
      } else {
        v.append(c);
      }
    }
    return v.toString();
  }

  private static IllegalArgumentException bad(int n, String line, String why) {
    return new IllegalArgumentException("line " + n + " is not Prometheus text format (" + why + "): " + line);
  }

  /** The one sample of {@code name} with {@code labels} (label=value pairs), or null. */
  public static Sample sample(Map<String, Family> families, String name, String... labels) {
    Family f = families.get(name);
    if (f == null) {
      return null;
    }
    Map<String, String> want = new LinkedHashMap<>();
    for (int i = 0; i + 1 < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    return f.samples().stream().filter(s -> s.labels().equals(want)).findFirst().orElse(null);
  }
}
