package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.lake.StageMarkers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The stage markers of one job process ({@link StageMarkers}): where it is, and the switch that lets it go on. */
final class Stages {

  final Path dir;

  Stages(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** The JVM arguments that make the job write its markers here, and wait at {@code pauseAt} if not null. */
  List<String> jvmArgs(String pauseAt) {
    List<String> a = new ArrayList<>(List.of("-D" + StageMarkers.DIR_PROPERTY + "=" + dir));
    if (pauseAt != null) {
      a.add("-D" + StageMarkers.PAUSE_PROPERTY + "=" + pauseAt);
    }
    return a;
  }

  boolean reached(String stage) {
    return Files.exists(dir.resolve(stage));
  }

  /** When the process reached {@code stage}, in epoch milliseconds (the marker holds "pid millis"). */
  long at(String stage) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(stage)).trim().split(" ")[1]);
  }

  /** Waits until {@code p} reaches {@code stage}; fails if it exits first or takes longer than {@code limit}. */
  void await(Process p, String stage, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!reached(stage)) {
      assertThat(p.isAlive()).as("the job exited before reaching " + stage).isTrue();
      assertThat(System.nanoTime()).as("the job did not reach " + stage + " within " + limit).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /**
   * As {@link #await(Process, String, Duration)}, with the job's log in the failure message: why a job ended
   * early is in its log, which the test's temporary folder does not outlive.
   */
  void await(Process p, String stage, Duration limit, Path log) throws Exception {
    try {
      await(p, stage, limit);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n--- its log " + log + ":\n"
          + (Files.exists(log) ? Files.readString(log) : "(none)"), e);
    }
  }

  /** Lets a job paused at {@code stage} go on. */
  void go(String stage) throws IOException {
    Files.writeString(dir.resolve(stage + ".go"), "");
  }

  /** Stops (SIGSTOP) or resumes (SIGCONT) the whole process: every thread stalls, as in a long GC pause. */
  static void signal(Process p, String sig) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -" + sig).isZero();
  }
}
