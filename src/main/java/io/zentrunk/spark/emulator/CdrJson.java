package io.zentrunk.spark.emulator;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Hand-written JSON of the API (no reflection, no regex: this is the hot path). Field order
 * follows the reference example; {@code answer_time} and {@code trunk_id} are omitted when absent.
 */
final class CdrJson {

  private CdrJson() {}

  static byte[] call(EmulatedCall c) {
    StringBuilder sb = new StringBuilder(1200);
    sb.append('{');
    str(sb, "call_uuid", c.callUuid()).append(',');
    str(sb, "call_id", c.callId()).append(',');
    str(sb, "from_number", c.fromNumber()).append(',');
    str(sb, "to_number", c.toNumber()).append(',');
    str(sb, "call_direction", c.callDirection()).append(',');
    if (c.trunkId() != null) {
      str(sb, "trunk_id", c.trunkId()).append(',');
    }
    num(sb, "call_duration", c.callDuration()).append(',');
    num(sb, "bill_duration", c.billDuration()).append(',');
    str(sb, "end_time", time(c.endTime())).append(',');
    str(sb, "hangup_cause_name", c.hangupCauseName()).append(',');
    str(sb, "hangup_source", c.hangupSource()).append(',');
    str(sb, "total_rate", money(c.totalRate())).append(',');
    str(sb, "total_amount", money(c.totalAmount())).append(',');
    num(sb, "billed_duration", c.billedDuration()).append(',');
    str(sb, "initiation_time", time(c.initiationTime())).append(',');
    if (c.answerTime() != null) {
      str(sb, "answer_time", time(c.answerTime())).append(',');
    }
    str(sb, "trunk_domain", c.trunkDomain()).append(',');
    str(sb, "from_country", c.fromCountry()).append(',');
    if (c.toCountry() != null) { // left out, as the API may
      str(sb, "to_country", c.toCountry()).append(',');
    }
    str(sb, "transport_protocol", c.transportProtocol()).append(',');
    bool(sb, "srtp", c.srtp()).append(',');
    num(sb, "hangup_cause_code", c.hangupCauseCode()).append(',');
    bool(sb, "secure_trunking", c.secureTrunking()).append(',');
    str(sb, "secure_trunking_rate", money(c.secureTrunkingRate())).append(',');
    str(sb, "stir_verification", c.stirVerification()).append(',');
    str(sb, "attestation_indicator", c.attestationIndicator() == null ? "null"
        : c.attestationIndicator()).append(',');
    bool(sb, "cnam_lookup", c.cnamLookup()).append(',');
    str(sb, "cnam_lookup_rate", money(c.cnamLookupRate()));
    sb.append('}');
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A decimal with exactly 5 places, e.g. {@code 0.03000}. */
  static String money(BigDecimal v) {
    if (v.scale() == 5 && v.signum() >= 0 && v.precision() < 18) {
      long u = v.unscaledValue().longValue();
      long whole = u / 100_000;
      int frac = (int) (u % 100_000);
      char[] f = {'.', '0', '0', '0', '0', '0'};
      for (int i = 5; i >= 1; i--) {
        f[i] = (char) ('0' + frac % 10);
        frac /= 10;
      }
      return whole + new String(f);
    }
    return v.setScale(5).toPlainString();
  }

  private static final java.util.Map<Long, String> DAYS = new java.util.concurrent.ConcurrentHashMap<>();

  /** {@code YYYY-MM-DD HH:MM:SS} in UTC (the date part is cached per day). */
  static String time(Instant t) {
    long sec = t.getEpochSecond();
    long day = Math.floorDiv(sec, 86400);
    String date = DAYS.get(day);
    if (date == null) {
      if (DAYS.size() > 4096) {
        DAYS.clear();
      }
      date = LocalDateTime.ofEpochSecond(day * 86400, 0, ZoneOffset.UTC).toLocalDate() + " ";
      DAYS.put(day, date);
    }
    int sod = Math.floorMod(sec, 86400);
    char[] c = new char[8];
    two(c, 0, sod / 3600);
    c[2] = ':';
    two(c, 3, sod / 60 % 60);
    c[5] = ':';
    two(c, 6, sod % 60);
    return date.concat(new String(c));
  }

  private static void two(char[] c, int at, int v) {
    c[at] = (char) ('0' + v / 10);
    c[at + 1] = (char) ('0' + v % 10);
  }

  /**
   * A string field whose value needs no escaping: every value the generator produces is plain
   * ASCII without quotes, backslashes or control characters (numbers, hex, names, ISO codes).
   */
  private static StringBuilder str(StringBuilder sb, String k, String v) {
    return sb.append('"').append(k).append("\":\"").append(v).append('"');
  }

  private static StringBuilder num(StringBuilder sb, String k, long v) {
    return sb.append('"').append(k).append("\":").append(v);
  }

  private static StringBuilder bool(StringBuilder sb, String k, boolean v) {
    return sb.append('"').append(k).append("\":").append(v);
  }

  /** Appends a JSON string literal. */
  static StringBuilder quote(StringBuilder sb, String v) {
    if (v == null) {
      return sb.append("null");
    }
    boolean plain = true;
    for (int i = 0; i < v.length() && plain; i++) {
      char ch = v.charAt(i);
      plain = ch >= 0x20 && ch != '"' && ch != '\\';
    }
    if (plain) {
      return sb.append('"').append(v).append('"');
    }
    sb.append('"');
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20) {
            sb.append(String.format("\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.append('"');
  }

  /** {@code {"api_id":"...","error":"..."}}. */
  static byte[] error(String apiId, String message) {
    StringBuilder sb = new StringBuilder(96);
    sb.append("{\"api_id\":");
    quote(sb, apiId);
    sb.append(",\"error\":");
    quote(sb, message);
    sb.append('}');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Helper to build a list response: meta then the already-serialized objects. */
  static byte[] list(
      String apiId, int limit, int offset, long total, String previous, String next,
      MinuteBucket[] buckets, int[] indexes, int n) {
    StringBuilder sb = new StringBuilder(768);
    sb.append("{\"api_id\":");
    quote(sb, apiId);
    sb.append(",\"meta\":{\"limit\":").append(limit)
        .append(",\"offset\":").append(offset)
        .append(",\"total_count\":").append(total)
        .append(",\"previous\":");
    quote(sb, previous);
    sb.append(",\"next\":");
    quote(sb, next);
    sb.append("},\"objects\":[");
    byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
    int size = head.length + Math.max(0, n - 1) + 2;
    for (int i = 0; i < n; i++) {
      size += buckets[i].json(indexes[i]).length;
    }
    byte[] out = new byte[size];
    System.arraycopy(head, 0, out, 0, head.length);
    int at = head.length;
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      byte[] b = buckets[i].json(indexes[i]);
      System.arraycopy(b, 0, out, at, b.length);
      at += b.length;
    }
    out[at++] = ']';
    out[at] = '}';
    return out;
  }
}
