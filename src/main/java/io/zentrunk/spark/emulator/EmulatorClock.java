package io.zentrunk.spark.emulator;

import java.time.Duration;
import java.time.Instant;

/**
 * The emulator's notion of now: the live system clock, a fixed instant that tests move, or a clock that runs
 * {@code rate} times faster than real time from an emulated instant (tests and demos see hours pass in minutes).
 */
final class EmulatorClock {

  /** rate 0: fixed at {@code at} (null: the system clock); rate > 0: at + (nanoTime - sinceNanos) x rate. */
  private record State(Instant at, double rate, long sinceNanos) {}

  private volatile State state;

  EmulatorClock(Instant fixed) {
    this.state = new State(fixed, 0, 0);
  }

  Instant now() {
    State s = state;
    if (s.rate > 0) {
      return s.at.plusNanos((long) ((System.nanoTime() - s.sinceNanos) * s.rate));
    }
    return s.at != null ? s.at : Instant.now();
  }

  /** Sets the clock to {@code t}; a running clock keeps running from there, a live clock becomes fixed. */
  synchronized void set(Instant t) {
    State s = state;
    state = s.rate > 0 ? new State(t, s.rate, System.nanoTime()) : new State(t, 0, 0);
  }

  /** Moves the clock forward; a live clock becomes fixed at (system now + d), a running clock keeps running. */
  synchronized void advance(Duration d) {
    set(now().plus(d));
  }

  /**
   * Runs the clock from its current time at {@code rate} emulated seconds per real second (60: an emulated minute
   * a second); 0 stops it (it stays fixed where it is).
   */
  synchronized void run(double rate) {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("clock rate must be a finite number >= 0, got " + rate);
    }
    Instant t = now();
    state = new State(t, rate, System.nanoTime());
  }

  /** Emulated seconds per real second; 0 when fixed, 1 for the live system clock. */
  double rate() {
    State s = state;
    return s.rate > 0 ? s.rate : s.at == null ? 1 : 0;
  }
}
