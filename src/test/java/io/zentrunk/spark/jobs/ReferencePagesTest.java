package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.zentrunk.spark.testing.TestSpark;
import org.junit.jupiter.api.Test;

/**
 * The committed reference pages under docs/reference are what {@link ReferencePages} writes from the code: an option,
 * a job's option or a column that changes without its page fails here. The pages are committed (not written at build
 * time) so that they are read on the repository's web view and in a diff next to the change that made them, and the
 * site builds without Java; {@code jobs/docs --regenerate} (this test with ZENTRUNK_WRITE_REFERENCE=1) rewrites them.
 */
class ReferencePagesTest {

  @Test
  void theCommittedReferencePagesAreTheCode() throws Exception {
    boolean write = "1".equals(System.getenv("ZENTRUNK_WRITE_REFERENCE"));
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, String> page : ReferencePages.all(TestSpark.session()).entrySet()) {
      Path file = Path.of("docs").resolve(page.getKey());
      String committed = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
      if (page.getValue().equals(committed)) {
        continue;
      }
      if (write) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, page.getValue(), StandardCharsets.UTF_8);
      } else {
        stale.add(file.toString());
      }
    }
    assertThat(stale).as("reference pages that differ from the code (regenerate them: jobs/docs --regenerate)").isEmpty();
  }

  @Test
  void thePagesHoldEveryOptionJobAndColumn() {
    String options = ReferencePages.readOptions();
    // a row per option, with its accepted values and version
    assertThat(options).contains("| `request_budget` | auto or a whole number from 1 to 1000000 | 250 | 0.1.0 |");
    assertThat(options.lines().filter(l -> l.startsWith("| `"))).hasSize(io.zentrunk.spark.source.ReadOptions.ALL.size());
    String jobs = ReferencePages.jobs();
    for (String job : List.of("report", "ingest", "watch", "emulator")) {
      assertThat(jobs).contains("## " + job + "\n\n```text\nUsage: zentrunk-spark " + job + " ");
    }
    assertThat(ReferencePages.schemas()).contains("| `total_amount` | decimal(18,5) | yes | no |")
        .contains("| `from_number` | string | yes | yes |").contains("| `quality_score` | double | yes | no |");
    String report = ReferencePages.reportDatasets(TestSpark.session());
    for (String dataset : List.of("hangup_causes", "countries", "attestation", "kpis", "capacity", "fraud_signals",
        "trunk_hours", "trunk_sizing", "wangiri_signals", "quality", "quality_carriers", "quality_hours")) {
      assertThat(report).contains("\n## `" + dataset + "`\n\n| column | type | nullable |\n|---|---|---|\n| `");
    }
  }

  @Test
  void everyJobsHelpWrapsAt80ColumnsBetweenWholePhrases() {
    for (Map.Entry<String, picocli.CommandLine> job : Main.commandLine().getSubcommands().entrySet()) {
      String help = job.getValue().getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
      assertThat(HelpLayout.problems(help)).as("%s --help", job.getKey()).isEmpty();
    }
  }

  @Test
  void theLayoutCheckCatchesALongLineAndALineBrokenBeforeItIsFull() {
    String ok = "Usage: x [-h]\nA paragraph that is long enough to be wrapped by picocli at eighty columns, so\nit goes on.\n";
    assertThat(HelpLayout.problems(ok)).isEmpty();
    assertThat(HelpLayout.problems("Usage: x\n" + "y".repeat(81) + "\n")).singleElement().asString().contains("81 columns");
    // a description with a hard break after "(or" where the next word fits on the line
    assertThat(HelpLayout.problems("Usage: x\nan Apache Iceberg table at LAKE/cdrs (or --table in a catalog), or\nwith "
        + "--format parquet\n")).singleElement().asString().contains("broken before the line is full");
  }
}
