package io.zentrunk.spark.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** An emulator serving several accounts: each its own calls, token and limit, or one limit for a group. */
class EmulatorAccountsTest {

  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  private static final String DAY_FROM = "2026-11-19 00:00:00";
  private static final String DAY_TO = "2026-11-20 00:00:00";

  private static Http.Resp list(ZentrunkEmulator api, String id, String token, String... kv) {
    return Http.send(Http.request(api.baseUrl() + "/v1/Account/" + id + "/Zentrunk/Call/?" + Http.query(kv), id, token)
        .GET().build());
  }

  private static Set<String> uuids(List<EmulatedCall> calls) {
    Set<String> out = new HashSet<>();
    calls.forEach(c -> out.add(c.callUuid()));
    return out;
  }

  @Test
  void eachAccountHasItsOwnCallsAndToken() {
    EmulatorConfig cfg = EmulatorConfig.builder().now(NOW).callsPerDay(2_000)
        .account(new EmulatorConfig.Account("MAOTHER0000000000001", "other-token", 7, 300, null)).build();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(cfg)) {
      Instant from = Instant.parse("2026-11-19T00:00:00Z");
      Instant to = Instant.parse("2026-11-20T00:00:00Z");
      List<EmulatedCall> main = api.groundTruth(from, to);
      List<EmulatedCall> other = api.groundTruth("MAOTHER0000000000001", from, to);
      assertThat(main).hasSizeGreaterThan(1_000);
      assertThat(other).hasSizeGreaterThan(1_000);
      assertThat(uuids(main)).doesNotContainAnyElementsOf(uuids(other));

      Http.Resp r = list(api, "MAOTHER0000000000001", "other-token", "end_time__gte", DAY_FROM, "end_time__lt", DAY_TO,
          "limit", "20");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().path("meta").path("total_count").asLong()).isEqualTo(other.size());
      JsonNode first = r.json().path("objects").get(0);
      assertThat(first.path("call_uuid").asText()).isEqualTo(other.get(0).callUuid());
      assertThat(r.json().path("meta").path("next").asText()).startsWith("/v1/Account/MAOTHER0000000000001/");

      // one account's token does not open another account, nor does an account not served
      assertThat(list(api, "MAOTHER0000000000001", EmulatorConfig.DEFAULT_AUTH_TOKEN).status()).isEqualTo(401);
      assertThat(list(api, EmulatorConfig.DEFAULT_AUTH_ID, "other-token").status()).isEqualTo(401);
      assertThat(list(api, "MANOBODY000000000000", "other-token").status()).isEqualTo(401);
      assertThat(Http.list(api, "limit", "1").status()).isEqualTo(200);

      // the admin truth of another account
      Http.Resp truth = Http.get(api, "/_emulator/truth?account=MAOTHER0000000000001&start=2026-11-19&end=2026-11-20");
      assertThat(truth.json().path("count").asLong()).isEqualTo(other.size());
    }
  }

  @Test
  void aRevokedTokenIsRefusedAndTheOtherAccountsServed() {
    EmulatorConfig cfg = EmulatorConfig.builder().now(NOW).callsPerDay(500)
        .account(new EmulatorConfig.Account("MAOTHER0000000000001", "other-token", 7, 300, null)).build();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(cfg)) {
      api.revokeToken("MAOTHER0000000000001");
      assertThat(list(api, "MAOTHER0000000000001", "other-token", "limit", "1").status()).isEqualTo(401);
      assertThat(Http.list(api, "limit", "1").status()).isEqualTo(200);
      assertThatThrownBy(() -> api.revokeToken("MANOBODY000000000000")).hasMessageContaining("no account MANOBODY");
    }
  }

  @Test
  void accountsHaveTheirOwnLimitOrTheirGroupsOne() {
    AtomicLong nanos = new AtomicLong(1_000_000_000L);
    EmulatorConfig cfg = EmulatorConfig.builder().now(NOW).callsPerDay(500).rateLimit(3, Duration.ofSeconds(5))
        .rateClock(nanos::get)
        .account(new EmulatorConfig.Account("MAOWN000000000000001", "t1", 2, 2, null))
        .account(new EmulatorConfig.Account("SAGROUPED00000000001", "t2", 3, 4, "resold"))
        .account(new EmulatorConfig.Account("SAGROUPED00000000002", "t3", 4, 4, "resold")).build();
    try (ZentrunkEmulator api = ZentrunkEmulator.start(cfg)) {
      for (int i = 0; i < 3; i++) {
        assertThat(Http.list(api, "limit", "1").status()).isEqualTo(200);
      }
      assertThat(Http.list(api, "limit", "1").status()).isEqualTo(429);
      assertThat(list(api, "MAOWN000000000000001", "t1", "limit", "1").status()).isEqualTo(200);
      assertThat(list(api, "MAOWN000000000000001", "t1", "limit", "1").status()).isEqualTo(200);
      assertThat(list(api, "MAOWN000000000000001", "t1", "limit", "1").status()).isEqualTo(429);
      // the group's 4 are shared by its two accounts, whichever sends
      for (int i = 0; i < 2; i++) {
        assertThat(list(api, "SAGROUPED00000000001", "t2", "limit", "1").status()).isEqualTo(200);
        assertThat(list(api, "SAGROUPED00000000002", "t3", "limit", "1").status()).isEqualTo(200);
      }
      assertThat(list(api, "SAGROUPED00000000002", "t3", "limit", "1").status()).isEqualTo(429);
      assertThat(list(api, "SAGROUPED00000000001", "t2", "limit", "1").status()).isEqualTo(429);
      nanos.addAndGet(5_000_000_000L);
      assertThat(list(api, "SAGROUPED00000000001", "t2", "limit", "1").status()).isEqualTo(200);
    }
  }

  @Test
  void badAccountsAreRefusedWithOneLine() {
    assertThatThrownBy(() -> EmulatorConfig.builder()
        .account(new EmulatorConfig.Account(EmulatorConfig.DEFAULT_AUTH_ID, "x", 2, 300, null)).build())
        .hasMessage("account " + EmulatorConfig.DEFAULT_AUTH_ID + " is served twice");
    assertThatThrownBy(() -> EmulatorConfig.builder()
        .account(new EmulatorConfig.Account("SAONE", "x", 2, 300, "g"))
        .account(new EmulatorConfig.Account("SATWO", "y", 3, 200, "g")).build())
        .hasMessageContaining("the accounts of a group share one limit");
    assertThatThrownBy(() -> new EmulatorConfig.Account("SA-ONE", "x", 2, 300, null))
        .hasMessageContaining("letters and digits");
  }
}
