package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.testing.DocumentedBlocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code jobs/run ...} command line of the README and of the site's pages ({@link DocumentedBlocks#pages}: all of
 * {@code docs/}, but for the reference generated from picocli itself), in code blocks and in inline code,
 * goes through the job's own option parser (picocli, as {@code --help} does: nothing runs, no Spark) and the job's
 * checks of its option values ({@link JobCommand#checkOptions}: durations, thresholds), so a documented command
 * cannot drift from the jobs.
 */
class DocumentedCommandsTest {

  /** A command as documented, where it is, and the words the shell would give the job. */
  record Documented(String where, String text, List<String> args) {}

  @Test
  void everyDocumentedJobsRunLineParses() throws IOException {
    List<Documented> commands = documented();
    // the pages document report, ingest, watch and emulator lines: an extraction that finds few is broken
    assertThat(commands).hasSizeGreaterThanOrEqualTo(15);
    assertThat(commands.stream().map(c -> c.args().get(0)).distinct())
        .contains("report", "ingest", "watch", "emulator");
    List<String> failures = new ArrayList<>();
    for (Documented c : commands) {
      String problem = problem(c.args());
      if (problem != null) {
        failures.add(c.where() + ": " + c.text() + "\n    -> " + problem);
      }
    }
    assertThat(failures).as("documented jobs/run lines that the jobs refuse").isEmpty();
  }

  @Test
  void theCheckCatchesAnOptionThatDoesNotExistAndADurationTheJobRefuses() {
    assertThat(problem(words("watch --checkpoint /c --alerts /a --every 30s --lag 2m"))).isNull();
    assertThat(problem(words("watch --checkpoint /c --alerts /a --evry 30s"))).contains("--evry");
    assertThat(problem(words("watch --checkpoint /c --alerts /a --every 'in a while'")))
        .contains("--every must be a duration");
    assertThat(problem(words("report --start 2026-10-01 --end 2026-10-08 --output /tmp/x --fraud-ratio x")))
        .contains("--fraud-ratio");
  }

  /** Null when the job takes {@code args}, else the one line it answers. */
  static String problem(List<String> args) {
    CommandLine cl = Main.commandLine();
    try {
      CommandLine.ParseResult r = cl.parseArgs(args.toArray(String[]::new));
      CommandLine.ParseResult sub = r.subcommand();
      if (sub == null) {
        return "no job";
      }
      if (sub.isUsageHelpRequested() || sub.isVersionHelpRequested()) {
        return null;
      }
      Object job = sub.commandSpec().userObject();
      if (job instanceof JobCommand j) {
        j.checkOptions();
      }
      return null;
    } catch (CommandLine.ParameterException | UsageException e) {
      return e.getMessage();
    }
  }

  static List<Documented> documented() throws IOException {
    Path root = DocumentedBlocks.root();
    List<Documented> out = new ArrayList<>();
    for (Path f : DocumentedBlocks.pages()) {
      extract(root.relativize(f).toString(), Files.readAllLines(f), out);
    }
    return out;
  }

  private static final Pattern INLINE = Pattern.compile("`(jobs/run [^`]+)`");

  /** The command lines of a Markdown file: in fenced blocks (with '\' continuations) and in inline code. */
  static void extract(String file, List<String> lines, List<Documented> out) {
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.trim().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        if (!line.contains("jobs/run ")) {
          continue;
        }
        int at = i;
        StringBuilder cmd = new StringBuilder(stripComment(line));
        while (cmd.toString().trim().endsWith("\\") && i + 1 < lines.size()) {
          String c = cmd.toString().trim();
          cmd.setLength(0);
          cmd.append(c, 0, c.length() - 1).append(' ').append(stripComment(lines.get(++i)));
        }
        add(file + ":" + (at + 1), cmd.toString(), out);
      } else {
        Matcher m = INLINE.matcher(line);
        while (m.find()) {
          add(file + ":" + (i + 1), m.group(1), out);
        }
      }
    }
  }

  private static void add(String where, String text, List<Documented> out) {
    String t = text.substring(text.indexOf("jobs/run ") + "jobs/run ".length()).trim();
    // the end of a pipeline or a background job is not the job's
    t = t.replaceAll("\\s*&\\s*$", "").trim();
    // "jobs/run <job> ..." and "jobs/run report ..." name the jobs in prose: not a command line
    if (t.startsWith("<") || t.endsWith("...") || t.equals("report") || t.isEmpty()) {
      return;
    }
    List<String> args = words(synopsis(t));
    if (!args.isEmpty() && List.of("report", "ingest", "watch", "emulator").contains(args.get(0))) {
      out.add(new Documented(where, text.trim(), args));
    }
  }

  /**
   * A synopsis as a command: {@code [--opt VALUE]} becomes {@code --opt VALUE}, {@code [--a X | --b Y]} its first
   * choice; the placeholders TS and URL become a time and a loopback URL, so that the job's checks see values of the
   * kind the synopsis names; a {@code $(date ...)} a date.
   */
  static String synopsis(String t) {
    String s = t.replaceAll("\\[([^\\]|]*)\\|[^\\]]*\\]", "$1").replace("[", " ").replace("]", " ");
    s = s.replaceAll("\\$\\([^)]*\\)", "2026-10-01");
    s = s.replaceAll("(?<=\\s)TS(?=\\s|$)", "2026-10-01").replaceAll("(?<=\\s)URL(?=\\s|$)", "http://127.0.0.1:9/x");
    return s;
  }

  private static String stripComment(String line) {
    // a '#' after a blank outside quotes starts a shell comment
    boolean single = false;
    boolean dbl = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'' && !dbl) {
        single = !single;
      } else if (c == '"' && !single) {
        dbl = !dbl;
      } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  /** The words of a command as a POSIX shell splits them (quotes, no expansion). */
  static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(w.toString());
    }
    return out;
  }
}
