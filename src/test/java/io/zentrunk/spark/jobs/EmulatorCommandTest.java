package io.zentrunk.spark.jobs;

import io.zentrunk.spark.emulator.EmulatorConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Option parsing and validation of {@code jobs/run emulator} (without serving). */
class EmulatorCommandTest {

  private static EmulatorConfig parse(String... args) {
    EmulatorCommand cmd = new EmulatorCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.config();
  }

  @Test
  void optionsMapOntoTheConfig() {
    EmulatorConfig c = parse("--port", "18099", "--now", "2026-11-01 00:00:00", "--seed", "5",
        "--calls-per-day", "1000", "--rate-limit", "30", "--rate-window-seconds", "2",
        "--late-share", "0.1", "--late-max-minutes", "3", "--latency-ms", "100", "--jitter-ms",
        "30", "--fault-500", "0.1", "--fault-reset", "0.05", "--stall-seconds", "9");
    assertThat(c.port()).isEqualTo(18099);
    assertThat(c.now()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(c.seed()).isEqualTo(5);
    assertThat(c.callsPerDay()).isEqualTo(1000);
    assertThat(c.rateLimit()).isEqualTo(30);
    assertThat(c.rateWindow()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.lateShare()).isEqualTo(0.1);
    assertThat(c.lateMaxMinutes()).isEqualTo(3);
    assertThat(c.latencyMean()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.faults().http500()).isEqualTo(0.1);
    assertThat(c.faults().connectionReset()).isEqualTo(0.05);
    assertThat(c.faults().stallDuration()).isEqualTo(Duration.ofSeconds(9));
    EmulatorConfig d = parse();
    assertThat(d.port()).isEqualTo(18080);
    assertThat(d.now()).isNull();
    assertThat(d.authId()).isEqualTo(EmulatorConfig.DEFAULT_AUTH_ID);
    assertThat(d.rateLimit()).isEqualTo(300);
    assertThat(parse("--rate-limit", "0").rateLimit()).isZero();
  }

  @Test
  void insightsOptions() {
    EmulatorConfig c = parse("--carrier-fault", "Northwind Mobile@2026-10-20 12:00", "--missing-metrics", "0.05",
        "--hostile-insights", "0.1");
    assertThat(c.carrierFault()).isEqualTo(new EmulatorConfig.CarrierFault("Northwind Mobile",
        Instant.parse("2026-10-20T12:00:00Z")));
    assertThat(c.missingMetricShare()).isEqualTo(0.05);
    assertThat(c.hostileInsightsShare()).isEqualTo(0.1);
    EmulatorConfig d = parse();
    assertThat(d.carrierFault()).isNull();
    assertThat(d.missingMetricShare()).isEqualTo(EmulatorConfig.DEFAULT_MISSING_METRIC_SHARE);
    assertThat(d.hostileInsightsShare()).isZero();
    assertBad("--carrier-fault", "--carrier-fault", "Nobody Telecom@2026-10-20");
    assertBad("--carrier-fault", "--carrier-fault", "Northwind Mobile");
    assertBad("--carrier-fault", "--carrier-fault", "Northwind Mobile@yesterday");
    assertBad("--missing-metrics", "--missing-metrics", "2");
    assertBad("--hostile-insights", "--hostile-insights", "-0.1");
  }

  @Test
  void nowTakesTheSameTimesAsTheJobs() {
    Instant midnight = Instant.parse("2026-11-01T00:00:00Z");
    assertThat(parse("--now", "2026-11-01").now()).isEqualTo(midnight);
    assertThat(parse("--now", "2026-11-01 00:00").now()).isEqualTo(midnight);
    assertThat(parse("--now", "2026-11-01T01:00:00+01:00").now()).isEqualTo(midnight);
    assertThat(JobCommand.parseUtc("2026-11-01", "--now")).isEqualTo(midnight);
  }

  @Test
  void badValuesFailWithAOneLineErrorNamingTheOption() {
    assertBad("--fault-500", "--fault-500", "2");
    assertBad("--late-share", "--late-share", "-0.5");
    assertBad("--now", "--now", "tomorrow");
    assertBad("--port", "--port", "70000");
    assertBad("--rate-window-seconds", "--rate-window-seconds", "0");
    assertBad("--burst-at", "--burst-at", "2026-10-28 14:30:10");
    assertBad("--burst-minutes", "--burst-at", "2026-10-28 14:30", "--burst-minutes", "0");
    assertBad("--burst-at", "--burst-at", "2026-10-28 14:30", "--burst-day", "2026-10-28");
    assertBad("--seed", "--seed", "abc");
    assertBad("--burst-day", "--burst-day", "2026-13-01");
    assertBad("--burst-country", "--burst-day", "2026-10-01", "--burst-country", "ZZ");
    assertBad("--burst-calls", "--burst-day", "2026-10-01", "--burst-calls", "0");
    assertBad("--busy-hour", "--busy-hour", "24");
    assertBad("--busy-calls", "--busy-hour", "9", "--busy-calls", "-1");
    assertBad("--wangiri-day", "--wangiri-day", "soon");
    assertBad("--wangiri-prefix", "--wangiri-day", "2026-10-01", "--wangiri-prefix", "+999");
    assertBad("--wangiri-calls", "--wangiri-day", "2026-10-01", "--wangiri-calls", "0");
    assertBad("--wangiri-callbacks", "--wangiri-day", "2026-10-01", "--wangiri-calls", "3", "--wangiri-callbacks", "4");
    assertBad("--clock-rate", "--clock-rate", "0");
  }

  @Test
  void wangiriMapsOntoTheConfigAndIsOffByDefault() {
    assertThat(parse("--wangiri-day", "2026-10-28", "--wangiri-prefix", "+371600", "--wangiri-calls", "50",
        "--wangiri-callbacks", "2").wangiri())
        .isEqualTo(new EmulatorConfig.Wangiri(java.time.LocalDate.parse("2026-10-28"), "+371600", 50, 2));
    assertThat(parse().wangiri()).isNull();
  }

  @Test
  void burstAndBusyHourMapOntoTheConfigAndAreOffByDefault() {
    EmulatorConfig c = parse("--burst-day", "2026-10-28", "--burst-country", "so", "--burst-calls", "50",
        "--busy-hour", "15", "--busy-calls", "900");
    assertThat(c.burst()).isEqualTo(new EmulatorConfig.Burst(java.time.LocalDate.parse("2026-10-28"), "SO", 50));
    assertThat(c.busyHour()).isEqualTo(new EmulatorConfig.BusyHour(15, 900));
    assertThat(parse("--burst-at", "2026-10-28 14:30", "--burst-minutes", "20", "--burst-calls", "80").burst())
        .isEqualTo(new EmulatorConfig.Burst(java.time.Instant.parse("2026-10-28T14:30:00Z"), 20, "CU", 80));
    EmulatorConfig d = parse();
    assertThat(d.burst()).isNull();
    assertThat(d.busyHour()).isNull();
  }

  private static void assertBad(String option, String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "emulator";
    System.arraycopy(args, 0, full, 1, args.length);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run(full);
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(2);
    String first = err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    assertThat(first).contains(option);
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("emulator-token");
  }

  @Test
  void accountsOptionServesMoreAccounts() {
    EmulatorConfig c = parse("--rate-limit", "200", "--account", "MAONE0000000000000001:tok1:5",
        "--account", "SATWO0000000000000002:tok2:6:100:resold", "--account", "SATHREE000000000000003:tok3:7:100:resold");
    assertThat(c.accounts()).extracting(EmulatorConfig.Account::authId).containsExactly(EmulatorConfig.DEFAULT_AUTH_ID,
        "MAONE0000000000000001", "SATWO0000000000000002", "SATHREE000000000000003");
    assertThat(c.moreAccounts().get(0)).isEqualTo(new EmulatorConfig.Account("MAONE0000000000000001", "tok1", 5, 200, null));
    assertThat(c.moreAccounts().get(1).limitGroup()).isEqualTo("resold");
    assertThat(c.moreAccounts().get(2).rateLimit()).isEqualTo(100);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse("--account", "MAONE:tok"))
        .hasMessage("--account: expected ID:TOKEN:SEED[:LIMIT[:GROUP]], got 2 fields");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse("--account", "MAONE:tok:x"))
        .hasMessage("--account: account MAONE: SEED and LIMIT must be whole numbers");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse("--account", "SAA:t:1:10:g", "--account", "SAB:t:2:20:g"))
        .hasMessageStartingWith("--account: account SAB has limit 20 but its group g has 10");
  }
}
