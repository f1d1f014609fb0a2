package io.zentrunk.spark.jobs;

import java.io.PrintStream;
import java.util.Locale;

/** ProgressLines lines with the elapsed time, on stderr so that stdout stays for results. */
public final class ProgressLines {

  private final PrintStream out;
  private final String job;
  private final long startNanos = System.nanoTime();

  public ProgressLines(String job, PrintStream out) {
    this.job = job;
    this.out = out;
  }

  public static ProgressLines stderr(String job) {
    return new ProgressLines(job, System.err);
  }

  public void line(String message) {
    out.println(String.format(Locale.ROOT, "[%s %s] %s", job, elapsed(), message));
    out.flush();
  }

  /** Elapsed time since this printer was made, as {@code m:ss.s}. */
  public String elapsed() {
    long tenths = (System.nanoTime() - startNanos) / 100_000_000L;
    return String.format(Locale.ROOT, "%d:%02d.%d", tenths / 600, (tenths / 10) % 60, tenths % 10);
  }
}
