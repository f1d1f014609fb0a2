package io.zentrunk.spark.emulator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A one-time clock step armed by a test: it moves the emulator's clock forward when the n-th
 * admitted list request from now arrives, before that request is answered, so it and every later
 * one see the new time. Requests the API refuses (405, 401, 429) are not counted.
 */
final class ClockStep {

  private record Armed(AtomicLong remaining, Duration by) {}

  private final EmulatorClock clock;
  private final AtomicReference<Armed> armed = new AtomicReference<>();

  ClockStep(EmulatorClock clock) {
    this.clock = clock;
  }

  /** Moves the clock forward by {@code by} when the {@code listRequests}-th list request from now arrives. */
  void arm(long listRequests, Duration by) {
    if (listRequests < 1) {
      throw new IllegalArgumentException("listRequests must be >= 1, got " + listRequests);
    }
    armed.set(new Armed(new AtomicLong(listRequests), by));
  }

  /** Counts one admitted list request and steps the clock if it is the one armed for. */
  void onListRequest() {
    Armed a = armed.get();
    if (a != null && a.remaining().decrementAndGet() == 0 && armed.compareAndSet(a, null)) {
      clock.advance(a.by());
    }
  }
}
