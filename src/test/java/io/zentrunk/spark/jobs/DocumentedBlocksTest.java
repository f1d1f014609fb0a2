package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.testing.DocumentedBlocks;
import io.zentrunk.spark.testing.DocumentedBlocks.Block;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every code block of the README and of the site is run by a test, parsed as a job's command line, or says why it
 * is not run here (see {@link DocumentedBlocks}); a block that says a test runs it names a test that exists and
 * selects its blocks by that marker.
 */
class DocumentedBlocksTest {

  /** Languages of code; a block without a language is text (a folder layout, an output) and needs no marker. */
  static final Set<String> CODE = Set.of("bash", "sh", "shell", "console", "java", "scala", "sql", "python", "py");

  @Test
  void everyCodeBlockIsRunParsedOrSaysWhyNot() throws IOException {
    List<Block> blocks = DocumentedBlocks.all();
    assertThat(blocks.stream().filter(b -> CODE.contains(b.language())))
        .as("the README and the site have code blocks in every language (an extraction that finds few is broken)")
        .extracting(Block::language).contains("bash", "java", "sql", "python");
    List<String> problems = new ArrayList<>();
    for (Block b : blocks) {
      String p = problem(b);
      if (p != null) {
        problems.add(b.where() + " (```" + b.language() + "): " + p);
      }
    }
    assertThat(problems).as("code blocks neither run, parsed nor marked not runnable with a reason").isEmpty();
  }

  @Test
  void theReadmesPythonJavaAndSqlBlocksAreRun() {
    List<Block> readme = DocumentedBlocks.all().stream().filter(b -> b.page().equals("README.md")).toList();
    for (String lang : List.of("java", "sql", "python")) {
      assertThat(readme).as("the README's " + lang + " block")
          .anyMatch(b -> b.language().equals(lang) && b.marker() != null && b.marker().startsWith("run by: "));
    }
  }

  @Test
  void theReadmesTestCommandIsTheOneCiRuns() throws IOException {
    // .ci/run is "the README's test command on a clean clone": its last command is the README's second command
    List<String> ci = Files.readAllLines(DocumentedBlocks.root().resolve(".ci/run")).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    String ciCommand = ci.get(ci.size() - 1);
    Block twoCommands = DocumentedBlocks.all().stream().filter(b -> b.page().equals("README.md"))
        .filter(b -> b.language().equals("bash")).findFirst().orElseThrow();
    assertThat(commands(twoCommands.text())).as("the README's two commands").hasSize(2)
        .first().asString().startsWith("jobs/run report ");
    assertThat(commands(twoCommands.text()).get(1)).isEqualTo(ciCommand).isEqualTo("jobs/test");
  }

  @Test
  void theCheckRefusesABlockWithoutAMarkerAndAnUnknownRunner() {
    List<Block> b = DocumentedBlocks.parse("x.md", List.of(
        "```bash", "jobs/run report --start 2026-10-01", "```",
        "<!-- run by: src/test/java/NoSuchTest.java -->", "```python", "print(1)", "```",
        "<!-- parsed by: DocumentedCommandsTest -->", "```bash", "curl http://127.0.0.1:1/", "```",
        "<!-- not run here: -->", "```sql", "SELECT 1", "```",
        "<!-- not run here: needs a real account -->", "```sql", "SELECT 1", "```",
        "```", "a/  a folder", "```"));
    assertThat(b).hasSize(6);
    assertThat(problem(b.get(0))).contains("no marker");
    assertThat(problem(b.get(1))).contains("no such test");
    assertThat(problem(b.get(2))).contains("not a jobs/run line");
    assertThat(problem(b.get(3))).contains("no marker");
    assertThat(problem(b.get(4))).isNull();
    assertThat(problem(b.get(5))).isNull();
  }

  /** Null when the block is accounted for, else what is wrong. */
  static String problem(Block b) {
    if (!CODE.contains(b.language())) {
      return b.language().isEmpty() ? null : "unknown language '" + b.language() + "' (add it to CODE)";
    }
    String m = b.marker();
    if (m == null) {
      return "no marker on the line before the fence (<!-- run by: TEST -->, <!-- parsed by: DocumentedCommandsTest -->"
          + " or <!-- not run here: REASON -->)";
    }
    if (m.startsWith("not run here")) {
      String reason = m.substring(m.indexOf(':') + 1).trim();
      return reason.length() < 10 ? "not run here without a reason" : null;
    }
    if (m.startsWith("parsed by: ")) {
      if (!m.equals("parsed by: DocumentedCommandsTest")) {
        return "parsed by an unknown check: " + m;
      }
      for (String command : commands(b.text())) {
        if (!command.startsWith("jobs/run ")) {
          return "not a jobs/run line, so DocumentedCommandsTest does not check it: " + command;
        }
      }
      return null;
    }
    String runner = m.substring("run by: ".length()).trim();
    Path file = DocumentedBlocks.root().resolve(runner);
    if (!Files.isRegularFile(file)) {
      return "no such test: " + runner;
    }
    try {
      // the runner finds its blocks by this marker: it names itself
      return Files.readString(file).contains('"' + runner + '"') ? null
          : runner + " does not select its blocks by its marker (it does not name \"" + runner + "\")";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The commands of a shell block: '\' continuations joined, comments and blank lines left out. */
  static List<String> commands(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String t = line.trim();
      if (cur.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
        continue;
      }
      if (t.endsWith("\\")) {
        cur.append(t, 0, t.length() - 1).append(' ');
      } else {
        cur.append(t);
        out.add(cur.toString().trim());
        cur.setLength(0);
      }
    }
    return out;
  }
}
