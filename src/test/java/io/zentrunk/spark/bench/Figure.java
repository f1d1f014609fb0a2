package io.zentrunk.spark.bench;

import java.util.Locale;

/**
 * One measured figure, with its target if it has one.
 *
 * @param scenario the scenario's short name
 * @param name what was measured
 * @param value the measurement
 * @param unit unit or kind of the value ("ratio", "req/s", ...)
 * @param target null for a figure reported for information only
 * @param note how it was measured, or why a target is missed
 */
record Figure(String scenario, String name, double value, String unit, Target target, String note) {

  enum Cmp { GE, LE }

  /**
   * A target: value {@code cmp} bound. {@code slack} is the noise margin in the value's units: a
   * miss by at most that much is reported as "noise" and does not fail the run.
   */
  record Target(Cmp cmp, double bound, double slack, String text) {
    static Target atLeast(double bound, double slack, String text) {
      return new Target(Cmp.GE, bound, slack, text);
    }

    static Target atMost(double bound, double slack, String text) {
      return new Target(Cmp.LE, bound, slack, text);
    }
  }

  static Figure info(String scenario, String name, double value, String unit, String note) {
    return new Figure(scenario, name, value, unit, null, note);
  }

  /** "pass", "noise" (missed within the margin), "FAIL" or "info". */
  String status() {
    if (target == null) {
      return "info";
    }
    boolean pass = target.cmp == Cmp.GE ? value >= target.bound : value <= target.bound;
    if (pass) {
      return "pass";
    }
    boolean withinNoise = target.cmp == Cmp.GE ? value >= target.bound - target.slack : value <= target.bound + target.slack;
    return withinNoise ? "noise" : "FAIL";
  }

  boolean failed() {
    return "FAIL".equals(status());
  }

  String valueText() {
    return format(value) + (unit.isEmpty() ? "" : " " + unit);
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : "%.3f", v);
  }
}
