package io.zentrunk.spark.jobs;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The jobs' bad input that needs a running Spark to be seen (paths, the source's options passed
 * through, the retention): each case fails with one line naming the argument, a non-zero exit
 * code, no stack trace, and without a single request to the API. The argument-only cases are
 * in CommandsTest, the source's options in ReadConfTest.
 */
class BadInputIT {

  static SparkSession spark;
  static ZentrunkEmulator api;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkSession.builder().master("local[2]").appName("BadInputIT").config("spark.ui.enabled", "false").getOrCreate();
    api = ZentrunkEmulator.start(EmulatorConfig.builder().now(Instant.parse("2026-11-01T12:00:00Z")).build());
    dir = Files.createTempDirectory("zentrunk-bad-input");
    Files.writeString(dir.resolve("a-file"), "not a folder");
    Files.createDirectories(dir.resolve("other/stuff"));
    Files.writeString(dir.resolve("other/stuff/data.csv"), "a,b\n1,2\n");
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    if (spark != null) {
      spark.stop();
    }
  }

  static Stream<Arguments> cases() {
    String url = "--api-url";
    return Stream.of(
        Arguments.of("output is a file", "--output", List.of("report", "--start", "2026-10-30", "--end", "2026-10-31",
            "--output", "DIR/a-file", url, "API")),
        Arguments.of("output not writable", "--output /proc/zentrunk", List.of("report", "--start", "2026-10-30", "--end", "2026-10-31",
            "--output", "/proc/zentrunk/report", url, "API")),
        // ingest reads an account only with credentials in the environment, which this JVM has not: the
        // built-in emulator, asked for explicitly
        Arguments.of("lake is a file", "--lake", List.of("ingest", "--lake", "DIR/a-file", "--start", "2026-10-30", "--emulator")),
        Arguments.of("lake holds something else", "--lake", List.of("ingest", "--lake", "DIR/other", "--start", "2026-10-30", "--emulator")),
        Arguments.of("ingest without credentials", "PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN are not set", List.of("ingest", "--lake",
            "DIR/lake0", "--start", "2026-10-30", url, "API")),
        Arguments.of("api_url not a URL", "Option 'api_url'", List.of("report", "--start", "2026-10-30", "--end", "2026-10-31",
            "--output", "DIR/out1", url, "ftp://api.plivo.com")),
        // An explicit empty auth_id: missing credentials whatever this machine's environment holds.
        Arguments.of("credentials missing", "Option 'auth_id' is required", List.of("report", "--start", "2026-10-30", "--end", "2026-10-31",
            "--output", "DIR/out2", url, "API", "--source-option", "auth_id=")),
        Arguments.of("source option unknown", "Unknown option 'budget'", List.of("report", "--start", "2026-10-30", "--end", "2026-10-31",
            "--output", "DIR/out3", url, "API", "--source-option", "budget=5")),
        Arguments.of("source option out of range", "Option 'request_budget' must be auto or a whole number from 1", List.of("report", "--start", "2026-10-30",
            "--end", "2026-10-31", "--output", "DIR/out4", url, "API", "--source-option", "request_budget=0")),
        Arguments.of("token on the command line", "--source-option auth_token is not allowed", List.of("report", "--start", "2026-10-30",
            "--end", "2026-10-31", "--output", "DIR/out5", url, "API", "--source-option", "auth_token=abc")),
        Arguments.of("enum value unknown", "Option 'call_direction' must be one of", List.of("report", "--start", "2026-10-30",
            "--end", "2026-10-31", "--output", "DIR/out6", url, "API", "--source-option", "call_direction=sideways")),
        Arguments.of("window beyond retention", "90-day retention", List.of("report", "--start", "2026-06-01", "--end", "2026-06-02",
            "--output", "DIR/out7")),
        Arguments.of("ingest beyond retention", "--accept-data-loss", List.of("ingest", "--lake", "DIR/lake1", "--start", "2026-06-01",
            "--end", "2026-06-03", "--emulator", "--now", "2026-11-01 12:00:00")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void failsInOneLineWithoutARequest(String name, String fragment, List<String> template) {
    List<String> args = new ArrayList<>();
    for (String a : template) {
      args.add(a.replace("DIR", dir.toString()).replace("API", api.baseUrl()));
    }
    api.resetStats();
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run(args.toArray(new String[0]));
    } finally {
      System.setErr(oldErr);
    }
    String text = err.toString(StandardCharsets.UTF_8);
    System.out.printf("bad input %-28s exit %d: %s", name, code, text.lines().filter(l -> l.contains(fragment)).findFirst().orElse(text));
    System.out.println();
    assertThat(code).as(text).isNotZero();
    assertThat(text.lines().filter(l -> l.contains(fragment))).as(text).hasSize(1);
    assertThat(text).doesNotContain("\tat ").doesNotContain("Caused by");
    assertThat(api.stats().requests()).as("requests to the API").isZero();
  }
}
