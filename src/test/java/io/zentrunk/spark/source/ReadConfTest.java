package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ReadConfTest {

  static final Function<String, String> NO_ENV = k -> null;

  static Map<String, String> base() {
    Map<String, String> m = new HashMap<>();
    m.put("auth_id", "MA123");
    m.put("auth_token", "s3cr3t-token-value");
    return m;
  }

  static Stream<Arguments> badOptions() {
    return Stream.of(
        Arguments.of("start", "yesterday", "Option 'start': cannot read 'yesterday' as a UTC time"),
        Arguments.of("end", "2026-13-01", "Option 'end'"),
        Arguments.of("now", "soon", "Option 'now'"),
        Arguments.of("call_direction", "sideways", "Option 'call_direction' must be one of [inbound, outbound]"),
        Arguments.of("hangup_source", "user", "Option 'hangup_source' must be one of"),
        Arguments.of("stir_verification", "verified", "Option 'stir_verification' must be one of"),
        Arguments.of("hangup_cause_code", "busy", "Option 'hangup_cause_code' must be a whole number"),
        Arguments.of("hangup_cause_code", "99", "Option 'hangup_cause_code' must be from 1000 to 9999"),
        Arguments.of("bill_duration__gt", "-1", "Option 'bill_duration__gt' must be from 0"),
        Arguments.of("bill_duration__gte", "ten", "Option 'bill_duration__gte' must be a whole number"),
        Arguments.of("bill_duration__between", "1", "Unknown option 'bill_duration__between'"),
        Arguments.of("from_number", "+1-202", "Option 'from_number' must be a phone number or prefix"),
        Arguments.of("to_number", "", "Option 'to_number' must be a phone number or prefix"),
        Arguments.of("request_budget", "0", "Option 'request_budget' must be auto or a whole number from 1 to 1000000, not '0'"),
        Arguments.of("request_budget", "lots", "Option 'request_budget' must be auto or a whole number from 1 to 1000000, not 'lots'"),
        Arguments.of("concurrency", "-4", "Option 'concurrency' must be from 1"),
        Arguments.of("partition_records", "5", "Option 'partition_records' must be from 20"),
        Arguments.of("max_retries", "1000", "Option 'max_retries' must be from 0 to 100"),
        Arguments.of("request_timeout_ms", "0", "Option 'request_timeout_ms' must be from 100"),
        Arguments.of("pushdown_filters", "yes", "Option 'pushdown_filters' must be true or false"),
        Arguments.of("clamp_to_retention", "1", "Option 'clamp_to_retention' must be true or false"),
        Arguments.of("api_url", "not a url", "Option 'api_url' (not a url)"),
        Arguments.of("api_url", "ftp://api.plivo.com", "Option 'api_url' (ftp://api.plivo.com) must be an absolute https:// URL"),
        Arguments.of("api_url", "http://api.plivo.com", "uses plain http:// for a host that is not loopback"),
        Arguments.of("api_url", "https://api.plivo.com/?x=1", "must not carry a query"),
        Arguments.of("auth_id", "MA 12/3", "Option 'auth_id' must hold only"),
        Arguments.of("limit", "10", "Unknown option 'limit'"),
        Arguments.of("strat", "2026-10-01", "Unknown option 'strat'"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badOptions")
  void badOptionsFailWithOneLineNamingTheOption(String key, String value, String message) {
    Map<String, String> o = base();
    o.put(key, value);
    assertThatThrownBy(() -> ReadConf.parse(o, NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("s3cr3t"));
  }

  @Test
  void requestBudgetAutoIsTheAdaptiveBudget() {
    Map<String, String> o = base();
    o.put("request_budget", " AUTO ");
    ReadConf c = ReadConf.parse(o, NO_ENV);
    assertThat(c.client.budgetRequests()).isEqualTo(io.zentrunk.spark.client.ClientConfig.AUTO_BUDGET);
    assertThat(c.client.toString()).contains("budget=auto/5000ms");
    o.put("request_budget", "300");
    assertThat(ReadConf.parse(o, NO_ENV).client.budgetRequests()).isEqualTo(300);
  }

  @Test
  void startMustBeBeforeEnd() {
    Map<String, String> o = base();
    o.put("start", "2026-10-02");
    o.put("end", "2026-10-01");
    assertThatThrownBy(() -> ReadConf.parse(o, NO_ENV)).hasMessageContaining("Option 'start' (2026-10-02 00:00:00 UTC) must be before option 'end'");
  }

  @Test
  void aBadOptionValueIsReportedBeforeMissingCredentials() {
    for (String kv : new String[] {"request_budget=0", "max_retries=-1", "request_timeout_ms=x", "concurrency=0", "start=x"}) {
      String[] p = kv.split("=");
      assertThatThrownBy(() -> ReadConf.parse(Map.of(p[0], p[1]), NO_ENV)).as(kv).hasMessageStartingWith("Option '" + p[0] + "'");
    }
  }

  @Test
  void credentialsAreRequiredAndComeFromTheEnvironment() {
    assertThatThrownBy(() -> ReadConf.parse(Map.of(), NO_ENV)).hasMessage("Option 'auth_id' is required (or set the environment variable PLIVO_AUTH_ID)");
    assertThatThrownBy(() -> ReadConf.parse(Map.of("auth_id", "MA1"), NO_ENV)).hasMessage("Option 'auth_token' is required (or set the environment variable PLIVO_AUTH_TOKEN)");
    Map<String, String> env = Map.of("PLIVO_AUTH_ID", "MAENV", "PLIVO_AUTH_TOKEN", "envtoken");
    ReadConf c = ReadConf.parse(Map.of(), env::get);
    assertThat(c.client.authId()).isEqualTo("MAENV");
    assertThat(c.toString()).doesNotContain("envtoken").contains("<hidden>");
  }

  @Test
  void optionsAreCaseInsensitiveAndCanonical() {
    Map<String, String> o = base();
    o.put("Call_Direction", "outbound");
    o.put("from_number", "+1202");
    o.put("bill_duration__gt", "10");
    o.put("bill_duration__lte", "60");
    o.put("api_url", "http://127.0.0.1:9999/");
    ReadConf c = ReadConf.parse(o, NO_ENV);
    assertThat(c.request.apiFilters()).containsEntry("call_direction", "outbound").containsEntry("from_number", "1202")
        .containsEntry("bill_duration__gte", "11").containsEntry("bill_duration__lte", "60");
    assertThat(c.client.apiUrl()).isEqualTo("http://127.0.0.1:9999");
  }
}
