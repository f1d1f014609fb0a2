package io.zentrunk.spark.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes list-calls responses with Jackson's streaming parser: no tree, no reflection, one
 * pass over the bytes. Fields the caller does not want are skipped without being decoded, and
 * fields the connector does not know are ignored (the API may add some).
 */
public final class PageParser {

  /**
   * Duplicate keys are refused: of two {@code end_time}s in one record neither can be trusted (the fuzzing of the
   * pages, PageFuzzTest, showed a last-one-wins parse).
   */
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final boolean[] wanted;

  /** @param wanted which fields to decode, by ordinal; null decodes all. call_uuid is always decoded. */
  public PageParser(boolean[] wanted) {
    this.wanted = wanted == null ? null : wanted.clone();
    if (this.wanted != null) {
      this.wanted[CdrField.CALL_UUID.ordinal()] = true;
    }
  }

  /** Thrown for a body that is not JSON of the expected shape (for example truncated). */
  public static final class MalformedBodyException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedBodyException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Parses a 200 response of the list call.
   *
   * @throws MalformedBodyException if the body is not complete, well-formed JSON (in UTF-8) of that shape
   * @throws ZentrunkApiException (not retryable) if a record holds a value of the wrong type
   */
  public CdrPage parse(byte[] body) throws MalformedBodyException {
    String apiId = null;
    int limit = -1;
    int offset = -1;
    long total = -1;
    List<Object[]> records = null;
    int invalid = Utf8.firstInvalid(body);
    if (invalid >= 0) {
      throw new MalformedBodyException("the body is not UTF-8 (byte " + invalid + " of " + body.length + ")", null);
    }
    try (JsonParser p = JSON.createParser(body)) {
      expect(p, JsonToken.START_OBJECT);
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "api_id" -> apiId = p.getValueAsString();
          case "meta" -> {
            if (p.currentToken() != JsonToken.START_OBJECT) {
              throw new MalformedBodyException("'meta' is not an object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String m = p.currentName();
              p.nextToken();
              switch (m) {
                case "limit" -> limit = (int) metaInt(p, m, Integer.MAX_VALUE);
                case "offset" -> offset = (int) metaInt(p, m, Integer.MAX_VALUE);
                case "total_count" -> total = metaInt(p, m, Long.MAX_VALUE);
                default -> p.skipChildren();
              }
            }
          }
          case "objects" -> records = parseObjects(p, apiId);
          default -> p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new MalformedBodyException("unexpected content after the response object", null);
      }
    } catch (MalformedBodyException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw new MalformedBodyException("malformed JSON: " + oneLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new MalformedBodyException("unreadable body: " + oneLine(e.getMessage()), e);
    }
    if (records == null || total < 0) {
      throw new MalformedBodyException("response lacks 'objects' or 'meta.total_count'", null);
    }
    return new CdrPage(apiId, limit, offset, total, records);
  }

  private List<Object[]> parseObjects(JsonParser p, String apiId) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new MalformedBodyException("'objects' is not an array", null);
    }
    List<Object[]> out = new ArrayList<>(20);
    while (p.nextToken() == JsonToken.START_OBJECT) {
      Object[] rec = new Object[CdrField.count()];
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        CdrField f = CdrField.byJsonName(p.currentName());
        JsonToken v = p.nextToken();
        if (f == null || (wanted != null && !wanted[f.ordinal()])) {
          p.skipChildren();
          continue;
        }
        rec[f.ordinal()] = v == JsonToken.VALUE_NULL ? null : decode(p, v, f, apiId);
      }
      for (CdrField required : REQUIRED) {
        // a CDR without its id or its end has no place in a table keyed and partitioned by them: never a NULL there
        if (rec[required.ordinal()] == null && (wanted == null || wanted[required.ordinal()])) {
          throw decodeError(apiId, required, "is missing or null", null);
        }
      }
      out.add(rec);
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new MalformedBodyException("'objects' holds something other than objects", null);
    }
    return out;
  }

  private static final CdrField[] REQUIRED = java.util.Arrays.stream(CdrField.values()).filter(f -> !f.nullable())
      .toArray(CdrField[]::new);

  /**
   * A count of {@code meta}: an integer from 0 to {@code max}, nothing else (a boolean read as 1, a float cut to
   * its integer part would be numbers the API did not send).
   */
  private static long metaInt(JsonParser p, String name, long max) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() < 0 || p.getLongValue() > max) {
      throw new MalformedBodyException("'meta." + name + "' is not a count: " + p.currentToken() + " '"
          + abbreviate(p.getText()) + "'", null);
    }
    return p.getLongValue();
  }

  /** Jackson's message, which may quote the body, as one line of at most 300 characters. */
  private static String oneLine(String s) {
    String one = String.valueOf(s).replaceAll("\\p{Cntrl}+", " ");
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }

  /** A value quoted in a message: at most 40 characters, control characters escaped, so the message stays one line. */
  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 40; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return s.length() > 40 ? b + "..." : b.toString();
  }

  private static Object decode(JsonParser p, JsonToken v, CdrField f, String apiId) throws IOException {
    switch (f.kind()) {
      case STRING -> {
        if (v != JsonToken.VALUE_STRING) {
          // every string field of the reference is a string; a number or boolean there is not what it documents
          throw decodeError(apiId, f, "is not a string", null);
        }
        String s = p.getText();
        return f == CdrField.ATTESTATION_INDICATOR && ("null".equals(s) || s.isEmpty()) ? null : s;
      }
      case INT -> {
        if (v == JsonToken.VALUE_NUMBER_INT) {
          if (p.getNumberType() != JsonParser.NumberType.INT) {
            throw decodeError(apiId, f, "is out of the integer range: " + abbreviate(p.getText()), null);
          }
          return p.getIntValue();
        }
        if (v == JsonToken.VALUE_STRING) {
          String s = p.getText();
          if (s.isEmpty()) {
            return null;
          }
          try {
            return Integer.valueOf(s);
          } catch (NumberFormatException e) {
            throw decodeError(apiId, f, "is not an integer: '" + abbreviate(s) + "'", e);
          }
        }
        throw decodeError(apiId, f, "is not an integer", null);
      }
      case TIMESTAMP -> {
        if (v != JsonToken.VALUE_STRING) {
          throw decodeError(apiId, f, "is not a time string", null);
        }
        String s = p.getText();
        if (s.isEmpty()) {
          return null;
        }
        long micros = ApiTime.parseCdrTime(s);
        if (micros == Long.MIN_VALUE) {
          throw decodeError(apiId, f, "is not a time of the form YYYY-MM-DD HH:MM:SS: '" + abbreviate(s) + "'", null);
        }
        return micros;
      }
      case DECIMAL -> {
        if (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
          throw decodeError(apiId, f, "is not a decimal", null);
        }
        String s = p.getText();
        if (s.isEmpty()) {
          return null;
        }
        long unscaled = parseDecimal(s, f.precision());
        if (unscaled == Long.MIN_VALUE) {
          throw decodeError(apiId, f, "is not a decimal with at most " + CdrField.DECIMAL_SCALE
              + " places fitting decimal(" + f.precision() + "," + CdrField.DECIMAL_SCALE + "): '" + abbreviate(s) + "'", null);
        }
        return unscaled;
      }
      case BOOLEAN -> {
        if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
          return v == JsonToken.VALUE_TRUE;
        }
        if (v == JsonToken.VALUE_STRING) {
          String s = p.getText();
          if ("true".equalsIgnoreCase(s)) {
            return Boolean.TRUE;
          }
          if ("false".equalsIgnoreCase(s)) {
            return Boolean.FALSE;
          }
        }
        throw decodeError(apiId, f, "is not a boolean", null);
      }
      default -> throw new AssertionError(f);
    }
  }

  /**
   * Parses a decimal such as {@code "0.03000"} into its unscaled value at scale 5, exactly.
   * Returns Long.MIN_VALUE if it is not a plain decimal, has non-zero digits past the fifth
   * place (which would need rounding), or does not fit the precision.
   */
  static long parseDecimal(String s, int precision) {
    int n = s.length();
    int i = 0;
    boolean negative = false;
    if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    long unscaled = 0;
    int intDigits = 0;
    int fracDigits = 0;
    boolean dot = false;
    boolean any = false;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (dot) {
          return Long.MIN_VALUE;
        }
        dot = true;
        continue;
      }
      int d = c - '0';
      if (d < 0 || d > 9) {
        return Long.MIN_VALUE;
      }
      any = true;
      if (dot) {
        if (fracDigits == CdrField.DECIMAL_SCALE) {
          if (d != 0) {
            return Long.MIN_VALUE;
          }
          continue;
        }
        fracDigits++;
      } else if (unscaled != 0 || d != 0) {
        intDigits++;
      }
      unscaled = unscaled * 10 + d;
      if (intDigits > precision - CdrField.DECIMAL_SCALE) {
        return Long.MIN_VALUE;
      }
    }
    if (!any) {
      return Long.MIN_VALUE;
    }
    for (; fracDigits < CdrField.DECIMAL_SCALE; fracDigits++) {
      unscaled *= 10;
    }
    return negative ? -unscaled : unscaled;
  }

  private static ZentrunkApiException decodeError(String apiId, CdrField f, String what, Throwable cause) {
    return new ZentrunkApiException(200, apiId,
        "cannot decode CDR field '" + f.jsonName() + "': value " + what + " (api_id " + abbreviate(apiId) + ")",
        false, null, cause);
  }

  private static void expect(JsonParser p, JsonToken token) throws IOException {
    if (p.nextToken() != token) {
      throw new MalformedBodyException("expected " + token + " at the start of the body", null);
    }
  }

  /**
   * Reads an error body ({@code {"api_id": ..., "error": ...}}) leniently: returns
   * {apiId, message}, either of which may be null (HTML error pages, empty bodies).
   */
  public static String[] parseError(byte[] body) {
    String apiId = null;
    String error = null;
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          if ("api_id".equals(name)) {
            apiId = p.getValueAsString();
          } else if ("error".equals(name) || "message".equals(name)) {
            error = p.currentToken().isScalarValue() ? p.getText() : error;
            p.skipChildren();
          } else {
            p.skipChildren();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not JSON (an HTML page from a proxy, say): the status alone speaks
    }
    return new String[] {apiId, error};
  }
}
