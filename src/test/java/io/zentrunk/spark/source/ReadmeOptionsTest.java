package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's options table documents every option the source accepts. */
class ReadmeOptionsTest {
  @Test
  void everyOptionIsInTheReadme() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (String key : ReadOptions.DOCS.keySet()) {
      assertThat(readme).as("README documents option " + key).contains("| `" + key + "` |");
    }
  }
}
