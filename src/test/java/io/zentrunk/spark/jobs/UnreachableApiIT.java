package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.testing.JobRunner;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a new user runs it with credentials set and no route to the API: the API's host name does not
 * resolve. The job's JVM resolves names from a hosts file that holds only this machine ({@code
 * jdk.net.hosts.file}), so the test sends no DNS query anywhere.
 */
class UnreachableApiIT {

  @Test
  void aHostThatDoesNotResolveFailsAtOnceInOneLineNamingItAndTheOption(@TempDir Path tmp) throws Exception {
    Path hosts = tmp.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 localhost " + InetAddress.getLocalHost().getHostName() + "\n");
    // the emulator only lends its credentials: nothing is sent to it
    try (ZentrunkEmulator creds = ZentrunkEmulator.start(EmulatorConfig.builder().build())) {
      Path log = tmp.resolve("report.log");
      long t0 = System.nanoTime();
      Process p = JobRunner.submit(creds, log, List.of("-Djdk.net.hosts.file=" + hosts),
          List.of("spark.driver.host=127.0.0.1", "spark.driver.bindAddress=127.0.0.1"),
          "report", "--start", "2026-10-30", "--end", "2026-10-31", "--output", tmp.resolve("out").toString(),
          "--api-url", "https://api.zentrunk-nowhere.test", "--now", "2026-11-01 12:00:00");
      assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
      String text = Files.readString(log);
      assertThat(p.exitValue()).as(text).isEqualTo(1);
      List<String> lines = text.lines().filter(l -> l.startsWith("zentrunk-spark report:")).toList();
      assertThat(lines).as(text).hasSize(1);
      System.out.println("unresolved API host, " + seconds + " s with JVM and Spark start: " + lines.get(0));
      assertThat(lines.get(0)).contains("api.zentrunk-nowhere.test did not resolve").contains("api_url")
          .contains("--api-url").contains("not retried").doesNotContain("gave up after", "Exception");
      assertThat(creds.stats().requests()).as("nothing reached any API").isZero();
      assertThat(text).doesNotContain(creds.config().authToken());
    }
  }
}
