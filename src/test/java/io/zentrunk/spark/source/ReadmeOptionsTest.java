package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's options table is the option table of {@link ReadOptions}, row for row and column
 * for column (key, default, meaning), in the same order: nothing can drift, be missing or be extra.
 */
class ReadmeOptionsTest {
  @Test
  void theReadmeTableIsTheDeclaredTable() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int header = lines.indexOf("| option | default | meaning |");
    assertThat(header).as("the README's options table header").isGreaterThan(0);
    List<String> rows = lines.subList(header + 2, lines.size()).stream().takeWhile(l -> l.startsWith("| `")).toList();
    List<String> declared = ReadOptions.ALL.values().stream()
        .map(o -> "| `" + o.key() + "` | " + o.defaultDoc() + " | " + o.doc() + " |").toList();
    assertThat(rows).containsExactlyElementsOf(declared);
  }
}
