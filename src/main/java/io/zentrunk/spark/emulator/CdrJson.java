package io.zentrunk.spark.emulator;

import java.io.ByteArrayOutputStream;
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
    StringBuilder sb = new StringBuilder(900);
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
    str(sb, "to_country", c.toCountry()).append(',');
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
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String money(BigDecimal v) {
    return v.setScale(5).toPlainString();
  }

  /** {@code YYYY-MM-DD HH:MM:SS} in UTC. */
  static String time(Instant t) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
    char[] c = new char[19];
    int y = d.getYear();
    c[0] = (char) ('0' + y / 1000 % 10);
    c[1] = (char) ('0' + y / 100 % 10);
    c[2] = (char) ('0' + y / 10 % 10);
    c[3] = (char) ('0' + y % 10);
    c[4] = '-';
    two(c, 5, d.getMonthValue());
    c[7] = '-';
    two(c, 8, d.getDayOfMonth());
    c[10] = ' ';
    two(c, 11, d.getHour());
    c[13] = ':';
    two(c, 14, d.getMinute());
    c[16] = ':';
    two(c, 17, d.getSecond());
    return new String(c);
  }

  private static void two(char[] c, int at, int v) {
    c[at] = (char) ('0' + v / 10);
    c[at + 1] = (char) ('0' + v % 10);
  }

  private static StringBuilder str(StringBuilder sb, String k, String v) {
    sb.append('"').append(k).append("\":");
    return quote(sb, v);
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
    StringBuilder sb = new StringBuilder(256);
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
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + n * 900 + 4);
    out.writeBytes(head);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(buckets[i].json(indexes[i]));
    }
    out.write(']');
    out.write('}');
    return out.toByteArray();
  }
}
