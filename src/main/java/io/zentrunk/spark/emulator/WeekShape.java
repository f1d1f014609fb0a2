package io.zentrunk.spark.emulator;

/**
 * The account's relative call volume per minute of the week (Monday 00:00 UTC first), mean exactly
 * 1: two working-day peaks (10:30 and 15:30 UTC) over a low floor, weekends at 40%.
 */
final class WeekShape {

  private static final double[] WEEK = build();

  private WeekShape() {}

  /** The relative volume of epoch minute {@code m}. */
  static double at(long m) {
    // epoch day 0 (1970-01-01) was a Thursday: Monday-based day of week = (day + 3) mod 7
    long day = Math.floorDiv(m, 1440);
    int dow = Math.floorMod(day + 3, 7);
    return WEEK[dow * 1440 + Math.floorMod(m, 1440)];
  }

  private static double[] build() {
    double[] w = new double[7 * 1440];
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      int day = i / 1440; // 0 = Monday
      double h = (i % 1440) / 60.0;
      double v =
          0.12
              + Math.exp(-((h - 10.5) * (h - 10.5)) / (2 * 2.5 * 2.5))
              + 0.9 * Math.exp(-((h - 15.5) * (h - 15.5)) / (2 * 2.5 * 2.5));
      if (day >= 5) {
        v *= 0.4;
      }
      w[i] = v;
      sum += v;
    }
    double mean = sum / w.length;
    for (int i = 0; i < w.length; i++) {
      w[i] /= mean;
    }
    return w;
  }
}
