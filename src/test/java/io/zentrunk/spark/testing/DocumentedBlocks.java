package io.zentrunk.spark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The code blocks of the README and of the documentation site ({@code docs/**}, but for the generated
 * {@code docs/reference}), each with the marker on the line before its fence that says what becomes of it:
 * <ul>
 *   <li>{@code <!-- run by: PATH -->}: the test at {@code PATH} (a file of this repository) runs it, finding it by
 *       this marker ({@link #runBy});</li>
 *   <li>{@code <!-- parsed by: DocumentedCommandsTest -->}: a shell block of {@code jobs/run} lines alone, each
 *       parsed by the job's own options parser and checks;</li>
 *   <li>{@code <!-- not run here: REASON -->}: the reason (a real account, S3, a cluster).</li>
 * </ul>
 * {@code DocumentedBlocksTest} fails on a code block without one of them.
 */
public final class DocumentedBlocks {

  private DocumentedBlocks() {}

  /** A fenced block: its page (relative to the repository), the line of its fence, language, text and marker. */
  public record Block(String page, int line, String language, String text, String marker) {
    public String where() {
      return page + ":" + line;
    }
  }

  public static final Pattern MARKER = Pattern.compile("^<!-- ((?:run by|parsed by|not run here[^:]*): .*) -->$");
  private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*([A-Za-z0-9_+-]*)\\s*$");

  public static Path root() {
    return Path.of("").toAbsolutePath();
  }

  /** README.md, then every page under docs/ but the generated reference, sorted. */
  public static List<Path> pages() {
    Path root = root();
    List<Path> out = new ArrayList<>();
    out.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md"))
          .filter(p -> !root.resolve("docs").relativize(p).startsWith("reference"))
          .sorted().forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public static List<Block> all() {
    List<Block> out = new ArrayList<>();
    for (Path p : pages()) {
      try {
        out.addAll(parse(root().relativize(p).toString(), Files.readAllLines(p)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** The blocks whose marker names {@code runner} ("run by: PATH"). */
  public static List<Block> runBy(String runner) {
    return all().stream().filter(b -> ("run by: " + runner).equals(b.marker())).toList();
  }

  public static List<Block> parse(String page, List<String> lines) {
    List<Block> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).trim().equals("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      String marker = null;
      if (start > 0) {
        Matcher m = MARKER.matcher(lines.get(start - 1).trim());
        if (m.matches()) {
          marker = m.group(1);
        }
      }
      out.add(new Block(page, start + 1, open.group(1), text.toString(), marker));
    }
    return out;
  }
}
