package io.zentrunk.spark.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Executes every analyst notebook headless with nbconvert on the {@code zentrunk-java} kernel (the
 * emulator path: PLIVO_AUTH_* and ZENTRUNK_LAKE are removed from the kernel's environment) and checks
 * the executed notebook: no error output, an image/png for every cell marked {@code // chart}, and
 * no auth token anywhere in the outputs. Needs {@code notebooks/setup} to have run in this checkout.
 */
class NotebooksIT {

  static final String KERNEL = "zentrunk-java";
  static final String TOKEN = "emulator-token";
  /** The rapaio kernel occasionally never answers its first kernel_info_request; a new kernel does. */
  static final int START_ATTEMPTS = 3;

  static Path root;
  static String python;

  @BeforeAll
  static void requireSetup() throws Exception {
    root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path pythonFile = root.resolve("target/notebook-kernel/python");
    python = Files.exists(pythonFile) ? Files.readString(pythonFile).trim() : "python3";
    Run nbconvert = run(List.of(python, "-m", "nbconvert", "--version"), root, 120);
    Run specs = run(List.of(python, "-m", "jupyter_client.kernelspecapp", "list"), root, 120);
    if (nbconvert.exit != 0 || specs.exit != 0 || !specs.output.contains(KERNEL)
        || !Files.isDirectory(root.resolve("target/notebook-jars"))) {
      fail("Jupyter/nbconvert, the '" + KERNEL + "' kernelspec or target/notebook-jars is missing:"
          + " run notebooks/setup first (it installs them for this checkout).\n"
          + "nbconvert --version: exit " + nbconvert.exit + "\nkernelspec list: exit " + specs.exit
          + "\n" + specs.output);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cdr-explorer.ipynb", "lake-trends.ipynb"})
  void executesCleanly(String name, @TempDir Path tmp) throws Exception {
    Path notebook = root.resolve("notebooks").resolve(name);
    assertThat(notebook).exists();
    Path out = tmp.resolve(name);
    List<String> cmd = List.of(python, "-m", "nbconvert", "--to", "notebook", "--execute",
        "--ExecutePreprocessor.kernel_name=" + KERNEL,
        "--ExecutePreprocessor.timeout=600",
        "--ExecutePreprocessor.startup_timeout=90",
        "--output", out.toString(), notebook.toString());

    Run run = null;
    long started = 0;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      started = System.nanoTime();
      run = run(cmd, notebook.getParent(), 1500);
      if (!run.output.contains("Kernel didn't respond")) {
        break;
      }
      System.out.printf("%s: the kernel did not start (attempt %d of %d)%n", name, attempt, START_ATTEMPTS);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("%s executed in %.1f s (exit %d)%n", name, seconds, run.exit);
    assertThat(run.exit).as("nbconvert exit code; its output:\n%s", tail(run.output)).isZero();

    JsonNode nb = new ObjectMapper().readTree(out.toFile());
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(text).as("outputs must not contain the auth token").doesNotContain(TOKEN);

    int charts = 0;
    List<String> problems = new ArrayList<>();
    int index = 0;
    for (JsonNode cell : nb.get("cells")) {
      index++;
      if (!"code".equals(cell.path("cell_type").asText())) {
        continue;
      }
      String source = joined(cell.get("source"));
      boolean chart = source.lines().anyMatch(l -> l.trim().equals("// chart"));
      boolean png = false;
      for (JsonNode o : cell.path("outputs")) {
        if ("error".equals(o.path("output_type").asText())) {
          problems.add("cell " + index + " raised " + o.path("ename").asText() + ": "
              + o.path("evalue").asText() + "\n" + joined(o.get("traceback")));
        }
        png |= o.path("data").has("image/png");
      }
      if (chart) {
        charts++;
        if (!png) {
          problems.add("cell " + index + " is marked // chart but produced no image/png output");
        }
      }
    }
    assertThat(problems).as(name).isEmpty();
    assertThat(charts).as("chart cells in " + name).isGreaterThanOrEqualTo(3);
  }

  static String joined(JsonNode n) {
    if (n == null || n.isNull()) {
      return "";
    }
    if (n.isArray()) {
      StringBuilder b = new StringBuilder();
      n.forEach(x -> b.append(x.asText()));
      return b.toString();
    }
    return n.asText();
  }

  static String tail(String s) {
    return s.length() <= 8000 ? s : "..." + s.substring(s.length() - 8000);
  }

  record Run(int exit, String output) {}

  static Run run(List<String> cmd, Path dir, long timeoutSeconds) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // The emulator path: never the real account, never a foreign lake.
    pb.environment().remove("PLIVO_AUTH_ID");
    pb.environment().remove("PLIVO_AUTH_TOKEN");
    pb.environment().remove("ZENTRUNK_LAKE");
    Path log = Files.createTempFile("nbconvert", ".log");
    pb.redirectOutput(log.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Run(127, e.toString());
    }
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return new Run(124, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log));
      }
      return new Run(p.exitValue(), Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
