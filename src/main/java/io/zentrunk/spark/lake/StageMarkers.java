package io.zentrunk.spark.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;

/**
 * Where an ingest is, for tests that must act at a named point (kill it there, stall it there) instead of
 * guessing from log text or time. Off unless the JVM has the system property {@value #DIR_PROPERTY}: then each
 * stage reached writes a file of that name into the folder (holding the process id and the time), and with
 * {@value #PAUSE_PROPERTY}{@code =STAGE} the run also waits at that stage until a file {@code STAGE.go} appears
 * there. A job never sets these itself.
 */
public final class StageMarkers {

  public static final String DIR_PROPERTY = "zentrunk.stage-dir";
  public static final String PAUSE_PROPERTY = "zentrunk.pause-at";

  /** the lake is opened (its format known); next is taking its lock */
  public static final String OPENED = "opened";
  /** the lake's lock is held */
  public static final String LOCKED = "locked";
  /** the run has planned its days and starts reading the API into the write */
  public static final String READING = "reading";
  /** the run's rows are on its branch; next is the fast-forward of main, the commit */
  public static final String FAST_FORWARD = "fast-forward";
  /** a metadata version is about to be created (after every check); inside the fast-forward: "fast-forward-write" */
  public static final String METADATA_WRITE = "metadata-write";
  /** a Parquet lake's data is written; next is its commit, the conditional write of the state */
  public static final String STATE_WRITE = "state-write";
  /** with --with-insights: the run's call_insights rows are on its call_insights branch; next is the cdrs commit */
  public static final String INSIGHTS_WRITTEN = "insights-written";
  /** the fast-forward is committed (with --with-insights: of cdrs; next is call_insights' main catching up) */
  public static final String COMMITTED = "committed";

  private static final ThreadLocal<String> OPERATION = new ThreadLocal<>();

  private StageMarkers() {}

  /** Marks {@code stage} (and waits there if asked); inside {@link #during} a metadata write is named after it. */
  public static void reach(String stage) {
    String dir = System.getProperty(DIR_PROPERTY);
    if (dir == null) {
      return;
    }
    String name = stage.equals(METADATA_WRITE) && OPERATION.get() != null ? OPERATION.get() + "-write" : stage;
    Path folder = Path.of(dir);
    try {
      Path tmp = Files.createTempFile(folder, name, ".tmp");
      Files.writeString(tmp, ProcessHandle.current().pid() + " " + System.currentTimeMillis() + "\n",
          StandardCharsets.UTF_8);
      Files.move(tmp, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      if (name.equals(System.getProperty(PAUSE_PROPERTY))) {
        Path go = folder.resolve(name + ".go");
        while (!Files.exists(go)) {
          Thread.sleep(50);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the stage marker " + name + " in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while paused at " + name, e);
    }
  }

  /** Runs {@code body} as the operation {@code stage}: marks it first and names the metadata writes inside it. */
  static <T> T during(String stage, Supplier<T> body) {
    reach(stage);
    OPERATION.set(stage);
    try {
      return body.get();
    } finally {
      OPERATION.remove();
    }
  }
}
