package io.zentrunk.spark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Insights decoder: the public pages' odd types read, and nothing that is not a trusted number becomes one. */
class InsightsParserTest {

  static final String UUID = "0b5c8f0e-1111-4222-8333-444455556666";

  static CallInsights parse(String json) throws Exception {
    return InsightsParser.parse(UUID, json.getBytes(StandardCharsets.UTF_8));
  }

  static String body(String metrics) {
    return "{\"api_id\":\"a1\",\"call_uuid\":\"" + UUID + "\","
        + "\"from\":{\"number\":\"+14155550100\",\"carrier\":\"Northwind Mobile, mobile\",\"region\":\"US\"},"
        + "\"to\":{\"number\":\"+919812345678\",\"carrier\":\"Ganga Mobile, mobile\",\"region\":\"IN\"},"
        + "\"hangup_cause\":\"normal_hangup\",\"hangup_source\":\"customer\"" + metrics + "}";
  }

  @Test
  void thePublicPagesTypesAreRead() throws Exception {
    CallInsights i = parse(body(",\"rtt\":\"24\",\"jitter\":\"3\",\"packet_loss\":\"0\",\"post_dial_delay\":1000.0,"
        + "\"plivo_quality_score\":\"4.2\""));
    assertThat(i.status()).isEqualTo(CallInsights.OK);
    assertThat(i.rttMs()).isEqualTo(24.0);
    assertThat(i.jitterMs()).isEqualTo(3.0);
    assertThat(i.packetLossPct()).isEqualTo(0.0);
    assertThat(i.postDialDelayMs()).isEqualTo(1000.0);
    assertThat(i.qualityScore()).isEqualTo(4.2);
    assertThat(i.fromCarrier()).isEqualTo("Northwind Mobile, mobile");
    assertThat(i.toRegion()).isEqualTo("IN");
    assertThat(i.rejected()).isEmpty();
    // post_dial_delay as an integer-looking string, the metrics as JSON numbers: the same values
    CallInsights j = parse(body(",\"rtt\":24,\"jitter\":3.0,\"packet_loss\":0,\"post_dial_delay\":\"1000\","
        + "\"plivo_quality_score\":4.2"));
    assertThat(j).usingRecursiveComparison().isEqualTo(i);
  }

  @Test
  void aMetricAsNaIsNullAndNamedNeverZero() throws Exception {
    CallInsights i = parse(body(",\"rtt\":\"n/a\",\"jitter\":\"3\",\"packet_loss\":\"0\",\"post_dial_delay\":1000.0,"
        + "\"plivo_quality_score\":\"4.2\""));
    assertThat(i.rttMs()).isNull();
    assertThat(i.status()).isEqualTo(CallInsights.PARTIAL);
    assertThat(i.rejected()).containsExactly("rtt=\"n/a\"");
  }

  @Test
  void valuesOutOfRangeAreNullAndNamed() throws Exception {
    CallInsights i = parse(body(",\"rtt\":\"-12\",\"jitter\":\"1e9\",\"packet_loss\":\"140\",\"post_dial_delay\":-5,"
        + "\"plivo_quality_score\":\"7.5\""));
    assertThat(i.rttMs()).isNull();
    assertThat(i.jitterMs()).isNull();
    assertThat(i.packetLossPct()).isNull();
    assertThat(i.postDialDelayMs()).isNull();
    assertThat(i.qualityScore()).isNull();
    assertThat(i.status()).isEqualTo(CallInsights.NO_METRICS);
    assertThat(i.rejected()).containsExactly("rtt=\"-12\"", "jitter=\"1e9\"", "packet_loss=\"140\"",
        "post_dial_delay=\"-5\"", "plivo_quality_score=\"7.5\"");
    assertThat(parse(body(",\"plivo_quality_score\":\"0\"")).qualityScore()).as("a score of 0 is below 1").isNull();
    assertThat(parse(body(",\"rtt\":\"NaN\",\"jitter\":\"Infinity\"")).rejected()).hasSize(2);
  }

  @Test
  void missingEmptyAndNullMetricsAreNullNotRejected() throws Exception {
    CallInsights i = parse(body(",\"rtt\":\"\",\"jitter\":null,\"packet_loss\":\"  \""));
    assertThat(i.rttMs()).isNull();
    assertThat(i.jitterMs()).isNull();
    assertThat(i.packetLossPct()).isNull();
    assertThat(i.postDialDelayMs()).isNull();
    assertThat(i.qualityScore()).isNull();
    assertThat(i.rejected()).isEmpty();
    assertThat(i.status()).isEqualTo(CallInsights.NO_METRICS);
  }

  @Test
  void aMissingToLeavesItsColumnsNull() throws Exception {
    CallInsights i = parse("{\"call_uuid\":\"" + UUID + "\",\"from\":{\"number\":\"+14155550100\",\"carrier\":\"X, mobile\","
        + "\"region\":\"US\"},\"rtt\":\"24\",\"jitter\":\"3\",\"packet_loss\":\"0\",\"post_dial_delay\":900,"
        + "\"plivo_quality_score\":\"4\"}");
    assertThat(i.toNumber()).isNull();
    assertThat(i.toCarrier()).isNull();
    assertThat(i.toRegion()).isNull();
    assertThat(i.status()).isEqualTo(CallInsights.OK);
    CallInsights j = parse("{\"to\":\"+14155550100\",\"from\":[1,2],\"rtt\":\"24\"}");
    assertThat(j.toCarrier()).isNull();
    assertThat(j.fromRegion()).isNull();
    assertThat(j.rttMs()).isEqualTo(24.0);
    assertThat(parse("{\"to\":{\"region\":\"United States\"}}").toRegion()).as("not ISO alpha-2").isNull();
  }

  @Test
  void aBodyThatIsNotOneJsonObjectIsMalformed() {
    for (String bad : new String[] {"", "[]", "{\"rtt\":\"24\"", "{\"rtt\":\"24\"} {}", "<html>502</html>",
        "{\"rtt\":\"1\",\"rtt\":\"2\"}"}) {
      assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(PageParser.MalformedBodyException.class);
    }
  }

  @Test
  void aBodyOfAnotherCallIsRefusedNotRetried() {
    assertThatThrownBy(() -> parse("{\"call_uuid\":\"another\",\"rtt\":\"24\"}"))
        .isInstanceOfSatisfying(ZentrunkApiException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("call_uuid " + UUID).hasMessageContaining("another");
  }
}
