package io.zentrunk.spark.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one call's Insights body. The public pages show the metrics as JSON strings holding numbers ({@code "24"})
 * and {@code post_dial_delay} as a number ({@code 1000.0}) or an integer-looking value: each metric is read from a
 * JSON number or a numeric string. What is no value becomes NULL, never 0: a metric left out, {@code null} or
 * {@code ""}; and a value the parser refuses to trust: text that is no finite number ({@code "n/a"}), or a number
 * out of the metric's range (rtt and jitter 0 to 60,000 ms, packet loss 0 to 100 %, post-dial delay 0 to 600,000
 * ms, quality score 1 to 5), which {@link CallInsights#rejected()} names. A missing or non-object {@code from}/{@code
 * to} leaves its number, carrier and region NULL; a region that is not two letters is NULL too. A body that is not
 * JSON, or not an object, is malformed (retried like a truncated page); a body about another call is refused.
 */
public final class InsightsParser {

  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** The body's metric names and their ranges, in the order of {@link CallInsights}' metrics. */
  static final String[] METRICS = {"rtt", "jitter", "packet_loss", "post_dial_delay", "plivo_quality_score"};
  private static final double[] MIN = {0, 0, 0, 0, 1};
  private static final double[] MAX = {60_000, 60_000, 100, 600_000, 5};

  private InsightsParser() {}

  /**
   * @param callUuid the call asked for (a body naming another call is refused, not retried)
   * @throws PageParser.MalformedBodyException if the body is not complete, well-formed JSON (UTF-8) holding an object
   */
  public static CallInsights parse(String callUuid, byte[] body) throws PageParser.MalformedBodyException {
    int invalid = Utf8.firstInvalid(body);
    if (invalid >= 0) {
      throw new PageParser.MalformedBodyException("the body is not UTF-8 (byte " + invalid + " of " + body.length + ")",
          null);
    }
    String[] from = new String[3];
    String[] to = new String[3];
    String uuid = null;
    String cause = null;
    String source = null;
    Double[] metrics = new Double[5];
    List<String> rejected = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new PageParser.MalformedBodyException("the body is not a JSON object", null);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "call_uuid" -> uuid = text(p, t);
          case "from" -> party(p, t, from);
          case "to" -> party(p, t, to);
          case "hangup_cause" -> cause = text(p, t);
          case "hangup_source" -> source = text(p, t);
          default -> {
            int m = metric(name);
            if (m >= 0) {
              metrics[m] = number(p, t, m, rejected);
            } else {
              p.skipChildren();
            }
          }
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new PageParser.MalformedBodyException("the body is not one complete JSON object", null);
      }
    } catch (JsonProcessingException e) {
      throw new PageParser.MalformedBodyException(e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new PageParser.MalformedBodyException(e.getMessage(), e);
    }
    if (uuid != null && !uuid.equals(callUuid)) {
      throw new ZentrunkApiException(200, null, "the Insights asked for call_uuid " + callUuid
          + " answered for call_uuid " + cut(uuid), false);
    }
    int valued = 0;
    for (Double m : metrics) {
      valued += m == null ? 0 : 1;
    }
    String status = valued == 5 ? CallInsights.OK : valued == 0 ? CallInsights.NO_METRICS : CallInsights.PARTIAL;
    return new CallInsights(callUuid, status, from[0], from[1], region(from[2]), to[0], to[1], region(to[2]), cause,
        source, metrics[0], metrics[1], metrics[2], metrics[3], metrics[4], List.copyOf(rejected));
  }

  private static int metric(String name) {
    for (int i = 0; i < METRICS.length; i++) {
      if (METRICS[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** A scalar's text, or null for null and for an object or array (skipped). */
  private static String text(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    return t == JsonToken.VALUE_NULL ? null : p.getText();
  }

  private static void party(JsonParser p, JsonToken t, String[] out) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "number" -> out[0] = text(p, v);
        case "carrier" -> out[1] = text(p, v);
        case "region" -> out[2] = text(p, v);
        default -> p.skipChildren();
      }
    }
  }

  private static String region(String r) {
    return r != null && r.length() == 2 && Character.isLetter(r.charAt(0)) && Character.isLetter(r.charAt(1))
        ? r.toUpperCase(java.util.Locale.ROOT) : null;
  }

  /** The metric's value, or null (missing, empty, or rejected: then {@code rejected} names it). */
  private static Double number(JsonParser p, JsonToken t, int m, List<String> rejected) throws IOException {
    String shown;
    double v;
    if (t == JsonToken.VALUE_NULL) {
      return null;
    } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      shown = p.getText();
      v = p.getDoubleValue();
    } else if (t == JsonToken.VALUE_STRING) {
      shown = p.getText();
      String s = shown.trim();
      if (s.isEmpty()) {
        return null;
      }
      if (!s.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?")) {
        rejected.add(METRICS[m] + "=\"" + cut(shown) + "\"");
        return null;
      }
      v = Double.parseDouble(s);
    } else {
      p.skipChildren();
      rejected.add(METRICS[m] + "=(not a number or string)");
      return null;
    }
    if (!Double.isFinite(v) || v < MIN[m] || v > MAX[m]) {
      rejected.add(METRICS[m] + "=\"" + cut(shown) + "\"");
      return null;
    }
    return v == 0 ? 0.0 : v; // no -0.0
  }

  private static String cut(String s) {
    return s.length() <= 20 ? s : s.substring(0, 20) + "...";
  }
}
