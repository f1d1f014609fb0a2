package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options of table call_insights: one-line errors naming the option, before any request. */
class InsightsOptionsTest {

  static Map<String, String> base() {
    Map<String, String> o = new HashMap<>();
    o.put("api_url", "http://127.0.0.1:1");
    o.put("auth_id", "MAXXXXXXXXXXXXXXXXXX");
    o.put("auth_token", "secret-token");
    return o;
  }

  static ReadConf parse(Map<String, String> o) {
    return ReadConf.parse(o, k -> null);
  }

  @Test
  void tableNamesAndDefaults() {
    assertThat(parse(base()).insights()).isFalse();
    Map<String, String> o = base();
    o.put("table", "insights");
    ReadConf c = parse(o);
    assertThat(c.insights()).isTrue();
    assertThat(c.table).isEqualTo("call_insights");
    assertThat(c.maxRequests).isEqualTo(10_000);
    assertThat(c.sample).isEqualTo(1.0);
    o.put("table", "call_insights");
    o.put("sample", "0.1");
    o.put("max_requests", "500");
    assertThat(parse(o).sample).isEqualTo(0.1);
    assertThat(parse(o).maxRequests).isEqualTo(500);
  }

  @Test
  void badValuesAreOneLineNamingTheOption() {
    String[][] cases = {
        {"table", "cdrs", "Option 'table' must be one of [call_insights, calls, insights], not 'cdrs'"},
        {"sample", "0", "Option 'sample' must be a fraction above 0 and at most 1"},
        {"sample", "1.5", "Option 'sample' must be a fraction above 0 and at most 1"},
        {"sample", "half", "Option 'sample' must be a fraction above 0 and at most 1"},
        {"max_requests", "0", "Option 'max_requests' must be from 1 to 2147483647, not 0"},
    };
    for (String[] c : cases) {
      Map<String, String> o = base();
      o.put("table", "call_insights");
      o.put(c[0], c[1]);
      assertThatThrownBy(() -> parse(o)).as(c[0] + "=" + c[1]).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(c[2]).hasMessageNotContaining("\n").hasMessageNotContaining("secret-token");
    }
  }

  @Test
  void insightsOptionsOnTheCallsTableAreRefusedNotIgnored() {
    for (String k : new String[] {"sample", "max_requests"}) {
      Map<String, String> o = base();
      o.put(k, "1");
      assertThatThrownBy(() -> parse(o)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Option '" + k + "' is an option of table call_insights, not of table calls");
    }
  }

  @Test
  void theRefusalSaysTheCountAndTheTimeAtTheBudget() {
    Map<String, String> o = base();
    o.put("table", "call_insights");
    o.put("sample", "0.5");
    assertThat(InsightsScan.refusal(43_210, 21_605, parse(o))).isEqualTo("Option 'max_requests': the read of "
        + "call_insights would send 21605 Insights requests (one per call: 43210 calls in the window after the API "
        + "filters, sample 0.5), about 7.2 min at the budget of 250 requests per 5.0 s, above max_requests 10000: "
        + "narrow the window or the filters, set option 'sample', or raise max_requests");
  }

  @Test
  void theSampleIsDeterministicNestedAndOfItsSize() {
    int kept = 0;
    for (int i = 0; i < 20_000; i++) {
      String uuid = new java.util.UUID(i * 0x9E3779B97F4A7C15L, i).toString();
      boolean tenth = InsightsSample.keeps(uuid, 0.1);
      assertThat(InsightsSample.keeps(uuid, 0.1)).isEqualTo(tenth);
      if (tenth) {
        kept++;
        assertThat(InsightsSample.keeps(uuid, 0.3)).as("a smaller sample is a subset of a larger one").isTrue();
      }
      assertThat(InsightsSample.keeps(uuid, 1.0)).isTrue();
    }
    assertThat(kept).isBetween(1_800, 2_200);
    // the documented formula, computed here independently (Python's int.from_bytes(sha256[:8], "big") / 2**64)
    String uuid = "6c3ba7f0-1b9f-4c6e-9d7a-2f2d8f1a0b11";
    java.math.BigInteger top = new java.math.BigInteger(1, java.util.Arrays.copyOf(sha256(uuid), 8));
    double u = new java.math.BigDecimal(top).divide(new java.math.BigDecimal(java.math.BigInteger.ONE.shiftLeft(64)))
        .doubleValue();
    assertThat(InsightsSample.keeps(uuid, u + 1e-9)).isTrue();
    assertThat(InsightsSample.keeps(uuid, Math.max(1e-12, u - 1e-9))).isFalse();
  }

  static byte[] sha256(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
