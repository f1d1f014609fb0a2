package io.zentrunk.spark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code jobs/bench --quick} in-process, as part of {@code mvn verify}: fails when a benchmark
 * target is missed by more than its noise margin (see {@link Bench}). Writes
 * target/bench/results-quick.{json,md}.
 */
class BenchQuickIT {

  @Test
  @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
  void quickBenchmarkMeetsItsTargets() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    long t0 = System.nanoTime();
    int code = Bench.run(new String[] {"--quick"}, out);
    String report = buf.toString(StandardCharsets.UTF_8);
    System.out.println(report);
    System.out.println("BenchQuickIT took " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
    assertThat(code).as("jobs/bench --quick exit code; the report:%n%s", report).isZero();
  }
}
