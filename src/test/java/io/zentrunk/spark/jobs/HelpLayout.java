package io.zentrunk.spark.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a job's {@code --help} must look in an 80-column terminal: no line longer than 80 columns, and text wrapped
 * where the line is full, never broken earlier by a line break written into a description (a description is a
 * whole paragraph; paragraphs are separated by an empty line). The synopsis ({@code Usage: ...}), which picocli
 * wraps between whole options, is checked for width only.
 */
final class HelpLayout {
  private HelpLayout() {}

  static final int WIDTH = 80;
  /** One line per problem; empty when the help reads well at 80 columns. */
  static List<String> problems(String help) {
    List<String> problems = new ArrayList<>();
    String[] lines = help.split("\r?\n", -1);
    boolean synopsis = false;
    // the indent of the next line that continues the current option's description, or -1
    int continuation = -1;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.length() > WIDTH) {
        problems.add("line " + (i + 1) + " is " + line.length() + " columns: " + line);
      }
      if (line.startsWith("Usage: ")) {
        synopsis = true;
        continue;
      }
      if (synopsis && line.startsWith(" ")) {
        continue;
      }
      synopsis = false;
      String next = i + 1 < lines.length ? lines[i + 1] : "";
      boolean continues;
      if (line.isBlank()) {
        continuation = -1;
        continue;
      } else if (isOption(line)) {
        // "  -h, --help   Text": the text starts after the names; a long name stands alone on its line
        Matcher m = OPTION.matcher(line);
        continuation = m.matches() ? m.start(2) + 2 : -1;
        continues = continuation >= 0 && indent(next) == continuation && !isOption(next);
      } else if (indent(line) == 0) {
        continues = !next.isBlank() && indent(next) == 0;
      } else {
        // an option's description: its first line under a long name, or a line continuing it
        if (indent(line) != continuation) {
          continuation = indent(line) + 2;
        }
        continues = indent(next) == continuation && !isOption(next) && !next.isBlank();
      }
      if (!continues) {
        continue;
      }
      String word = next.strip().split(" ", 2)[0];
      // picocli leaves the last of the 80 columns empty: a word that fits in 79 belongs on this line
      if (line.stripTrailing().length() + 1 + word.length() <= WIDTH - 1) {
        problems.add("line " + (i + 1) + " is broken before the line is full ('" + word + "' fits): " + line);
      }
    }
    return problems;
  }

  private static final Pattern OPTION = Pattern.compile("^(\\s{1,6}-\\S+(?:, -\\S+)*)\\s+(\\S.*)$");

  /** An option's first line: picocli indents it by 2 (short name) or 6 (long name alone). */
  private static boolean isOption(String line) {
    return indent(line) >= 1 && indent(line) <= 6 && line.strip().startsWith("-");
  }

  private static int indent(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }
}
