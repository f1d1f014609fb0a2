package io.zentrunk.spark.jobs;

import io.zentrunk.spark.testing.JobRunner;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full report and ingest with a recognisable token, every logger at DEBUG (the JDK HTTP
 * client's request log too) and Spark's event log on; then every byte written is scanned for
 * the token and for the Basic credentials it travels in.
 */
class SecretsIT {

  static final String TOKEN = "zt-SECRET-7f3c9a1e-do-not-leak";

  @Test
  void theTokenIsNowhereInLogsEventLogsOrOutput(@TempDir Path tmp) throws Exception {
    try (ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(51).callsPerDay(4_000)
        .now(Instant.parse("2026-11-01T12:00:00Z")).authToken(TOKEN).rateLimitOff().build())) {
      Path log4j = tmp.resolve("log4j2-debug.properties");
      Files.writeString(log4j, String.join("\n", "rootLogger.level = debug", "rootLogger.appenderRef.o.ref = o",
          "appender.o.type = Console", "appender.o.name = o", "appender.o.layout.type = PatternLayout",
          "appender.o.layout.pattern = %d %p %c: %m%n%throwable", ""));
      Path events = Files.createDirectories(tmp.resolve("events"));
      List<String> jvm = List.of("-Dlog4j2.configurationFile=" + log4j.toUri(), "-Djdk.httpclient.HttpClient.log=errors,requests");
      List<String> conf = List.of("spark.eventLog.enabled=true", "spark.eventLog.dir=" + events.toUri());
      Path report = tmp.resolve("out/report");
      Path lake = tmp.resolve("out/lake");
      Path reportLog = tmp.resolve("report.log");
      Path ingestLog = tmp.resolve("ingest.log");
      Process r = JobRunner.submit(api, reportLog, jvm, conf, "report", "--start", "2026-10-30", "--end", "2026-10-31",
          "--output", report.toString(), "--api-url", api.baseUrl(), "--now", "2026-11-01 12:00:00");
      assertThat(r.waitFor(8, TimeUnit.MINUTES)).isTrue();
      assertThat(r.exitValue()).as(Files.readString(reportLog)).isZero();
      Process i = JobRunner.submit(api, ingestLog, jvm, conf, "ingest", "--lake", lake.toString(), "--start", "2026-10-30",
          "--end", "2026-10-31", "--api-url", api.baseUrl(), "--now", "2026-11-01 12:00:00");
      assertThat(i.waitFor(8, TimeUnit.MINUTES)).isTrue();
      assertThat(i.exitValue()).as(Files.readString(ingestLog)).isZero();

      assertThat(Files.readString(reportLog)).as("DEBUG logging was really on").contains(" DEBUG ");
      byte[][] secrets = {
        TOKEN.getBytes(StandardCharsets.UTF_8),
        Base64.getEncoder().encode((api.config().authId() + ":" + TOKEN).getBytes(StandardCharsets.UTF_8))
      };
      List<Path> files = new ArrayList<>();
      try (Stream<Path> all = Files.walk(tmp)) {
        all.filter(Files::isRegularFile).filter(p -> !p.equals(log4j)).forEach(files::add);
      }
      assertThat(files.stream().filter(p -> p.startsWith(events))).as("an event log was written").isNotEmpty();
      assertThat(files.stream().filter(p -> p.toString().endsWith(".parquet"))).as("Parquet was written").isNotEmpty();
      long bytes = 0;
      for (Path f : files) {
        byte[] content = Files.readAllBytes(f);
        bytes += content.length;
        for (byte[] s : secrets) {
          assertThat(indexOf(content, s)).as("secret in " + tmp.relativize(f)).isEqualTo(-1);
        }
      }
      System.out.printf("secrets: scanned %d files, %d bytes (logs at DEBUG, event log, Parquet, lake state): no token%n",
          files.size(), bytes);
    }
  }

  static int indexOf(byte[] hay, byte[] needle) throws IOException {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
