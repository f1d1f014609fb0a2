package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's options table is ReadOptions.DOCS, row for row: defaults and meanings cannot drift. */
class ReadmeOptionsTest {
  @Test
  void everyOptionIsInTheReadmeWithItsDefault() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    ReadOptions.DOCS.forEach((key, doc) -> {
      String[] parts = doc.split(" \\| ", 2);
      assertThat(readme).as("README row of option " + key).contains("| `" + key + "` | " + parts[0] + " | " + parts[1] + " |");
    });
  }
}
