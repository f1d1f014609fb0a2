package io.zentrunk.spark.jobs;

import io.zentrunk.spark.report.ReportSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point of every job: {@code jobs/run <job> [options]} and
 * {@code spark-submit --class io.zentrunk.spark.jobs.Main zentrunk-spark.jar <job> [options]}.
 */
@Command(
    name = "zentrunk-spark",
    mixinStandardHelpOptions = true,
    description = "Plivo Zentrunk CDRs in Spark: jobs and the built-in API emulator.",
    subcommands = {ReportCommand.class, IngestCommand.class, WatchCommand.class, EmulatorCommand.class})
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs a job and returns its exit code (0 only on success); used by tests without exiting. */
  public static int run(String... args) {
    return commandLine().setParameterExceptionHandler(Main::badArguments).execute(args);
  }

  /** The jobs' parser, as {@link #run} uses it (tests parse the documented command lines with it). */
  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    CommandLine.IVersionProvider version = () -> new String[] {"zentrunk-spark " + ReportSource.projectVersion()};
    line.getCommandSpec().versionProvider(version);
    line.getSubcommands().values().forEach(job -> job.getCommandSpec().versionProvider(version));
    return line;
  }

  /** A mistake on the command line: one line naming it, a pointer to --help, exit code 2. */
  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage() + " (see " + cmd.getCommandSpec().qualifiedName() + " --help)");
    cmd.getErr().flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }
}
