package io.zentrunk.spark.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.jobs.Main;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the jobs the way users do: {@code SparkSubmit} (the real spark-submit code path, as a Java main) with the
 * built jar, in a child JVM, credentials of the given emulator in its environment (none when it is null).
 */
public final class JobRunner {

  private JobRunner() {}

  public static String appJar() {
    File[] jars = new File("target").listFiles((d, n) -> n.startsWith("zentrunk-spark-") && n.endsWith(".jar") && !n.contains("sources"));
    assertThat(jars).as("mvn package builds the spark-submit jar before integration tests").isNotEmpty();
    return jars[0].getPath();
  }

  /** Starts {@code SparkSubmit --master local[2] --class io.zentrunk.spark.jobs.Main <jar> args...}. */
  public static Process submit(ZentrunkEmulator api, Path log, String... args) throws Exception {
    return submit(api, log, List.of(), List.of(), args);
  }

  public static Process submit(ZentrunkEmulator api, Path log, List<String> jvmArgs, List<String> sparkConf, String... args) throws Exception {
    return submit(api, log, jvmArgs, sparkConf, java.util.Map.of(), args);
  }

  /** As above, with {@code env} added to the job's environment (e.g. a webhook's routing key). */
  public static Process submit(ZentrunkEmulator api, Path log, List<String> jvmArgs, List<String> sparkConf,
      java.util.Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    cmd.addAll(jvmArgs);
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")).toList());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--conf", "spark.ui.enabled=false"));
    for (String c : sparkConf) {
      cmd.addAll(List.of("--conf", c));
    }
    cmd.addAll(List.of("--class", Main.class.getName(), appJar()));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("PLIVO_AUTH_ID");
    pb.environment().remove("PLIVO_AUTH_TOKEN");
    if (api != null) {
      pb.environment().put("PLIVO_AUTH_ID", api.config().authId());
      pb.environment().put("PLIVO_AUTH_TOKEN", api.config().authToken());
    }
    pb.environment().putAll(env);
    return pb.start();
  }

  public static int run(ZentrunkEmulator api, Path log, String... args) throws Exception {
    Process p = submit(api, log, args);
    assertThat(p.waitFor(8, TimeUnit.MINUTES)).isTrue();
    return p.exitValue();
  }
}
