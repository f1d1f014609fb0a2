package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code jobs/run} as a user types it, on the packaged jar (the integration-test phase runs after package). */
class LauncherIT {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) throws Exception {
    String[] cmd = new String[args.length + 2];
    cmd[0] = "bash";
    cmd[1] = "jobs/run";
    System.arraycopy(args, 0, cmd, 2, args.length);
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    // both streams are small (a usage text); read them after the exit
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("jobs/run %s ended", String.join(" ", args)).isTrue();
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void everyJobsHelpIsTheUsageAloneWithNoSparkOrHadoopLinesBeforeIt() throws Exception {
    // the jobs as jobs/run lists them (CommandsTest checks that list is Main's; here Main is the shaded jar's)
    java.util.regex.Matcher list = java.util.regex.Pattern.compile("(?m)^JOBS=\\(([^)]*)\\)")
        .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("jobs/run")));
    assertThat(list.find()).as("jobs/run's JOBS=(...)").isTrue();
    for (String job : list.group(1).split(" ")) {
      Run help = run(job, "--help");
      assertThat(help.code()).as("%s --help exit code", job).isZero();
      assertThat(help.err()).as("%s --help stderr", job).isEmpty();
      assertThat(help.out()).as("%s --help", job).startsWith("Usage: zentrunk-spark " + job + " ");
      // an 80-column terminal: no longer line, no line broken before it is full (HelpLayout)
      assertThat(HelpLayout.problems(help.out())).as("%s --help at 80 columns", job).isEmpty();
    }
  }

  @Test
  void versionNamesTheProjectAndItsVersion() throws Exception {
    Run version = run("report", "--version");
    assertThat(version.code()).isZero();
    assertThat(version.err()).isEmpty();
    assertThat(version.out().strip()).matches("zentrunk-spark \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
  }
}
