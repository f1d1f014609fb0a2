package io.zentrunk.spark.report;

import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The Erlang B formula: the blocking of traffic offered to a number of channels, and the channels a grade of
 * service needs; plain maths, and the two as Spark UDFs for {@link TrunkSizing#sizing}.
 */
public final class ErlangB {

  private ErlangB() {}

  /**
   * Erlang B blocking probability of {@code erlangs} offered to {@code channels} channels, by the stable
   * recursion B(E,0) = 1, B(E,m) = E·B(E,m-1) / (m + E·B(E,m-1)): every step is a contraction, so it stays exact
   * to about 1e-15 relative where the textbook formula (E^N/N!) / sum E^k/k! overflows beyond ~170 channels.
   * No traffic is never blocked: 0 for 0 Erlangs (any channel count, even 0).
   */
  public static double blocking(double erlangs, long channels) {
    check(erlangs);
    if (channels < 0) {
      throw new IllegalArgumentException("channels must be >= 0, got " + channels);
    }
    if (erlangs == 0) {
      return 0;
    }
    double b = 1;
    for (long m = 1; m <= channels; m++) {
      b = erlangs * b / (m + erlangs * b);
    }
    return b;
  }

  /**
   * The fewest channels whose Erlang B blocking at {@code erlangs} is at most {@code gradeOfService}; 0 for 0
   * Erlangs (nothing offered, nothing to carry). One pass of the recursion, O(channels): 5,010 steps for 5,000
   * Erlangs at 1%.
   */
  public static int channels(double erlangs, double gradeOfService) {
    check(erlangs);
    if (!(gradeOfService > 0 && gradeOfService < 1)) {
      throw new IllegalArgumentException("grade of service must be in (0,1), got " + gradeOfService);
    }
    if (erlangs == 0) {
      return 0;
    }
    double b = 1;
    int m = 0;
    while (b > gradeOfService) {
      m++;
      b = erlangs * b / (m + erlangs * b);
    }
    return m;
  }

  private static void check(double erlangs) {
    if (!(erlangs >= 0) || Double.isInfinite(erlangs)) {
      throw new IllegalArgumentException("traffic must be a finite number of Erlangs >= 0, got " + erlangs);
    }
  }

  /** {@link #channels} of a column of Erlangs (NULL stays NULL) and a grade of service. */
  static final UserDefinedFunction CHANNELS_UDF = udf(
      (UDF2<Double, Double, Integer>) (e, gos) -> e == null ? null : channels(e, gos), DataTypes.IntegerType);

  /** {@link #blocking} of a column of Erlangs and a column of channels (NULL if either is). */
  static final UserDefinedFunction BLOCKING_UDF = udf(
      (UDF2<Double, Integer, Double>) (e, n) -> e == null || n == null ? null : blocking(e, n), DataTypes.DoubleType);
}
