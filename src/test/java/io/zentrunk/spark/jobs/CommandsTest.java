package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Arguments and exit codes of the commands; every case here fails or succeeds before a SparkSession exists. */
class CommandsTest {

  private record Outcome(int code, String out, String err) {}

  private static Outcome run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static void assertOneLineError(Outcome o, String... fragments) {
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).hasLineCount(1).contains(fragments).doesNotContain("Exception", "\tat ");
  }

  @Test
  void help() {
    Outcome report = run("report", "--help");
    assertThat(report.code()).isZero();
    assertThat(report.out()).contains("--start=TS", "--end=TS", "--output=PATH", "--source=api|lake", "--lake=PATH",
        "--api-url=URL", "--fraud-min-amount=USD", "--fraud-ratio=X", "--fraud-baseline-days=N",
        "--no-fraud-baseline-read");
    Outcome ingest = run("ingest", "--help");
    assertThat(ingest.code()).isZero();
    assertThat(ingest.out()).contains("--lake=PATH", "--lookback-days=N", "--verify-days=counts|full", "--accept-data-loss", "--api-url=URL");
  }

  @Test
  void reportArgumentErrors() {
    assertOneLineError(run("report", "--end", "2026-11-02", "--output", "/tmp/x"), "report:", "--start");
    assertOneLineError(run("report", "--start", "2026-11-01", "--end", "2026-11-02"), "--output");
    assertOneLineError(run("report", "--start", "2026-11-32", "--end", "2026-12-02", "--output", "/tmp/x"),
        "--start: cannot read '2026-11-32'");
    assertOneLineError(run("report", "--start", "2026-11-02", "--end", "2026-11-01", "--output", "/tmp/x"),
        "--end", "must be after --start");
    assertOneLineError(run("report", "--start", "2026-11-01", "--end", "2026-11-02", "--output", "/tmp/x",
        "--source", "ftp"), "--source must be api or lake");
    assertOneLineError(run("report", "--start", "2026-11-01", "--end", "2026-11-02", "--output", "/tmp/x",
        "--source", "lake"), "--lake");
    assertOneLineError(run("report", "--start", "2026-11-01", "--end", "2026-11-02", "--output", "/tmp/x",
        "--fraud-min-amount", "lots"), "--fraud-min-amount must be a decimal number, not 'lots'");
    assertOneLineError(run("report", "--start", "2026-11-01", "--end", "2026-11-02", "--output", "/tmp/x",
        "--fraud-min-amount", "-1"), "--fraud-min-amount must be >= 0 USD");
    assertOneLineError(run("report", "--start", "2026-11-01", "--end", "2026-11-02", "--output", "/tmp/x",
        "--fraud-min-amount", "0.000001"), "--fraud-min-amount", "at most 5 decimals");
    assertOneLineError(run("report", "--start", "2026-11-01", "--end", "2026-11-02", "--output", "/tmp/x",
        "--fraud-ratio", "0.5"), "--fraud-ratio must be at least 1");
    assertOneLineError(run("report", "--start", "2026-11-01", "--end", "2026-11-02", "--output", "/tmp/x",
        "--fraud-baseline-days", "0"), "--fraud-baseline-days must be in [1,60]");
  }

  @Test
  void reportSizingAndWangiriArgumentErrorsNameTheOption() {
    String[][] cases = {
        {"--grade-of-service", "1", "--grade-of-service must be a number in (0,1)"},
        {"--grade-of-service", "often", "--grade-of-service must be a number in (0,1)"},
        {"--channels", "0", "--channels must be N or TRUNK=N,..."},
        {"--channels", "a=1,a=2", "--channels names trunk a twice"},
        {"--cps-limit", "a=x", "--cps-limit must be N or TRUNK=N,..."},
        {"--one-ring-seconds", "0", "--one-ring-seconds must be in [1,60]"},
        {"--callback-hours", "0", "--callback-hours must be in [1,720]"},
        {"--wangiri-block-digits", "12", "--wangiri-block-digits must be in [0,8]"},
        {"--wangiri-min-numbers", "0", "--wangiri-min-numbers must be at least 1"},
        {"--wangiri-min-callbacks", "-1", "--wangiri-min-callbacks must be at least 0"}};
    for (String[] c : cases) {
      assertOneLineError(run("report", "--start", "2026-11-01", "--end", "2026-11-02", "--output", "/tmp/x", c[0], c[1]),
          c[2]);
    }
    Outcome report = run("report", "--help");
    assertThat(report.out()).contains("--grade-of-service=P", "--channels=N|TRUNK=N,...", "--cps-limit=N|TRUNK=N,...",
        "--one-ring-seconds=S", "--callback-hours=H", "--wangiri-block-digits=D", "--wangiri-min-numbers=N",
        "--wangiri-min-callbacks=N");
  }

  @Test
  void ingestArgumentErrors() {
    assertOneLineError(run("ingest"), "ingest:", "--lake");
    assertOneLineError(run("ingest", "--lake", "/tmp/x", "--lookback-days", "-1"), "--lookback-days");
    assertOneLineError(run("ingest", "--lake", "/tmp/x", "--end", "tomorrow"), "--end: cannot read 'tomorrow'");
    assertOneLineError(run("ingest", "--lake", "/tmp/x", "--verify-days", "some"),
        "--verify-days must be counts or full, not 'some'");
    Outcome notANumber = run("ingest", "--lake", "/tmp/x", "--lookback-days", "x");
    assertThat(notANumber.code()).isEqualTo(2);
    assertThat(notANumber.err().trim()).startsWith("ingest: Invalid value for option '--lookback-days'").doesNotContain("\n");
  }

  @Test
  void watchHelpAndArgumentErrors() {
    Outcome help = run("watch", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--checkpoint=PATH", "--alerts=PATH", "--every=DURATION", "--lag=DURATION",
        "--webhook=URL", "--lake=PATH", "--table=", "--fraud-min-amount=USD", "--fraud-ratio=X", "--fraud-baseline-days=N",
        "--limit-failures=N", "--ner-below=X", "--ner-min-calls=N", "--quality", "--quality-sample=FRACTION",
        "--quality-threshold=POINTS");
    assertOneLineError(run("watch", "--alerts", "/tmp/a"), "watch: missing required option --checkpoint");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--quality-sample", "0.5"),
        "--quality-sample needs --quality");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--quality", "--quality-sample", "2"),
        "--quality-sample must be a fraction with 0 < F <= 1, not '2'");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--quality", "--quality-threshold", "9"),
        "--quality-threshold must be a number of score points in (0,4), got 9.0");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c"), "watch: missing required option --alerts");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--every", "soon"),
        "--every must be a duration such as '30s', '5m'");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--every", "500 milliseconds"),
        "--every must be at least 1 second");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--ner-below", "1.5"),
        "--ner-below must be in (0,1], not 1.5");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--limit-failures", "0"),
        "--limit-failures must be at least 1");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--fraud-ratio", "0.5"),
        "--fraud-ratio must be at least 1");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--webhook", "ftp://x/y"),
        "--webhook: the webhook must be an http:// or https:// URL");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--lake", "/l", "--table", "c.n.t"),
        "--lake", "--table");

  }

  @Test
  void theLeastBaselineDaysHeldIsAnOptionOfBothJobsUpToTheBaselinesDays() {
    assertOneLineError(run("report", "--start", "2026-11-01", "--end", "2026-11-02", "--output", "/tmp/x",
        "--fraud-min-baseline-days", "8"), "--fraud-min-baseline-days must be from 1 to --fraud-baseline-days (7), not 8");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--fraud-baseline-days", "2",
        "--fraud-min-baseline-days", "3"), "--fraud-min-baseline-days must be from 1 to --fraud-baseline-days (2), not 3");
    assertThat(run("report", "--help").out()).contains("--fraud-min-baseline-days=N");
    assertThat(run("watch", "--help").out()).contains("--fraud-min-baseline-days=N");
  }

  @Test
  void watchWebhookErrorsShowTheUrlNoFurtherThanItsHostAndPagerDutyNeedsItsKeyFromTheEnvironment() {
    String secret = "hooks.slack.com/services/T000/B000/XXXXS3CRET";
    Outcome noScheme = run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--webhook", secret);
    assertOneLineError(noScheme, "--webhook: the webhook must be an http:// or https:// URL");
    assertThat(noScheme.err() + noScheme.out()).doesNotContain("S3CRET", "services");
    Outcome space = run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--webhook", "https://" + secret + " x");
    assertOneLineError(space, "--webhook:", "https://hooks.slack.com/...");
    assertThat(space.err() + space.out()).doesNotContain("S3CRET", "services");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--webhook", "https://x.example/h",
        "--webhook-format", "teams"), "--webhook-format must be slack, pagerduty or alertmanager, not 'teams'");
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--webhook-format", "slack"),
        "--webhook-format needs --webhook");
    // no key on the command line: there is no option for it, and without the environment variable the job stops
    // before any Spark or request (this JVM's environment has no PAGERDUTY_ROUTING_KEY)
    assertThat(System.getenv("PAGERDUTY_ROUTING_KEY")).isNull();
    assertOneLineError(run("watch", "--checkpoint", "/tmp/c", "--alerts", "/tmp/a", "--webhook",
        "https://events.pagerduty.com/v2/enqueue"), "--webhook: PagerDuty needs its routing key in the environment variable "
        + "PAGERDUTY_ROUTING_KEY");
    assertThat(run("watch", "--help").out()).contains("--webhook-format=slack|pagerduty|alertmanager")
        .doesNotContain("--routing-key");
  }

  @Test
  void jobsRunAnswersAnUnknownJobWithTheListOfJobsBeforeBuildingOrStartingAJvm() throws Exception {
    java.util.Set<String> jobs = new picocli.CommandLine(Main.class).getSubcommands().keySet();
    String script = java.nio.file.Files.readString(java.nio.file.Path.of("jobs/run"));
    assertThat(script).as("jobs/run lists Main's jobs").contains("JOBS=(" + String.join(" ", jobs) + ")");
    Process p = new ProcessBuilder("bash", "jobs/run", "nosuchjob").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(text).contains("unknown job 'nosuchjob'", "jobs: " + String.join(" ", jobs)).doesNotContain("mvn", "building");
  }

  @Test
  void aFailureShowsTheFirstErrorOfTheProjectNotTheLibraryErrorBeneathIt() {
    Exception iceberg = new IllegalStateException("Cannot fast-forward: main is not an ancestor of zentrunk_run_1");
    Exception own = new io.zentrunk.spark.lake.LakeConflictException("another writer committed to --lake /x (snapshot 7)"
        + " while this run was writing; nothing of this run is visible: run ingest again", iceberg);
    Exception spark = new RuntimeException("Job aborted due to stage failure:\n  multi-line", own);
    assertThat(JobCommand.failure(spark)).isEqualTo("another writer committed to --lake /x (snapshot 7) while this run"
        + " was writing; nothing of this run is visible: run ingest again");
    // with no error of the project's own in the chain, the deepest cause and its type, first line only
    assertThat(JobCommand.failure(new RuntimeException("wrapper", new java.io.IOException("disk full\nmore"))))
        .isEqualTo("IOException: disk full");
  }

  @Test
  void withInsightsArgumentErrorsBeforeAnything(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    java.nio.file.Path lake = tmp.resolve("lake");
    assertOneLineError(run("ingest", "--lake", lake.toString(), "--emulator", "--insights-sample", "0.5"),
        "--insights-sample needs --with-insights");
    assertOneLineError(run("ingest", "--lake", lake.toString(), "--emulator", "--with-insights", "--insights-sample",
        "0"), "--insights-sample must be a fraction with 0 < F <= 1, not '0'");
    assertOneLineError(run("ingest", "--lake", lake.toString(), "--emulator", "--with-insights", "--insights-sample",
        "half"), "--insights-sample", "'half'");
    assertOneLineError(run("ingest", "--lake", lake.toString(), "--format", "parquet", "--emulator", "--with-insights"),
        "--with-insights needs an Iceberg lake");
    assertOneLineError(run("ingest", "--lake", lake.toString(), "--api-url", "http://127.0.0.1:1", "--with-insights",
        "--source-option", "auth_ids=MA1,MA2"), "--with-insights", "several accounts");
    assertThat(lake).doesNotExist();
  }
}
