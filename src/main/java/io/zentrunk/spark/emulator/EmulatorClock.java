package io.zentrunk.spark.emulator;

import java.time.Duration;
import java.time.Instant;

/** The emulator's notion of now: the live system clock, or a fixed instant that tests move. */
final class EmulatorClock {

  private volatile Instant fixed;

  EmulatorClock(Instant fixed) {
    this.fixed = fixed;
  }

  Instant now() {
    Instant f = fixed;
    return f != null ? f : Instant.now();
  }

  /** Fixes the clock at {@code t} (a live clock becomes fixed). */
  void set(Instant t) {
    fixed = t;
  }

  /** Moves the clock forward; a live clock becomes fixed at (system now + d). */
  synchronized void advance(Duration d) {
    fixed = now().plus(d);
  }
}
