package io.zentrunk.spark.report;

import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The traffic offered to a trunk, estimated from what its CDRs show: the carried traffic plus the attempts its
 * limits refused (5180 cps_limit_reached, 5190 concurrent_call_limit_exceeded) times the trunk's mean holding time.
 *
 * <p>Why: Erlang B's input is the traffic <em>offered</em> to the channels; what CDRs measure is the traffic
 * <em>carried</em> (the seconds the calls held a channel). A refused attempt holds nothing, so a congested trunk's
 * carried traffic stops growing at its limit and a sizing fed with it comes out too small exactly where it matters.
 * The estimator is the usual one of teletraffic engineering for a loss system without repeated attempts: offered
 * traffic A = λ·h (attempt rate times mean holding time), carried Y = λ_c·h, so A = Y + λ_r·h = Y / (1 − B) with
 * B = λ_r / λ the observed share of attempts refused (V. B. Iversen (ed.), <i>Teletraffic Engineering Handbook</i>,
 * ITU-D SG2 Q16/2, 2005: §2.1 defines offered, carried and lost traffic, §2.4 the subscribers' repeated attempts;
 * ITU-T Rec. E.501, "Estimation of traffic offered in the network", estimates it from measured carried traffic
 * and attempts). Assumptions, said where it is used:
 * <ul>
 *   <li>a refused attempt would have held a channel as long as the trunk's carried calls do on average;
 *   <li>every refused attempt is a fresh demand. Callers and dialers retry a refused call: each retry is another
 *       refusal in the CDRs, so under congestion the estimate is an upper bound of the fresh offered traffic (both
 *       references name repeated attempts as this estimate's main error); with no refusal it is the carried traffic.
 * </ul>
 * One implementation: the report's {@code trunk_hours} and {@code trunk_sizing} ({@link TrunkHours},
 * {@link TrunkSizing}) use {@link #ERLANGS_UDF}, Python's {@code zentrunk_spark.report.offered_erlangs} calls
 * {@link #erlangs} through {@link ReportFunctions}.
 */
public final class OfferedTraffic {

  private OfferedTraffic() {}

  /**
   * Offered Erlangs: {@code carriedErlangs + refusals × meanHoldingSeconds / 3600}. With no refusal it is the
   * carried traffic, whatever the holding time (null or not); with refusals and no holding time known (a trunk
   * none of whose attempts was carried) it cannot be estimated: null.
   *
   * @throws IllegalArgumentException in one line naming the value, for a negative or non-finite one
   */
  public static Double erlangs(double carriedErlangs, long refusals, Double meanHoldingSeconds) {
    if (!(carriedErlangs >= 0) || Double.isInfinite(carriedErlangs)) {
      throw new IllegalArgumentException("carried traffic must be a finite number of Erlangs >= 0, got " + carriedErlangs);
    }
    if (refusals < 0) {
      throw new IllegalArgumentException("refusals must be >= 0, got " + refusals);
    }
    if (refusals == 0) {
      return carriedErlangs;
    }
    if (meanHoldingSeconds == null) {
      return null;
    }
    if (!(meanHoldingSeconds >= 0) || meanHoldingSeconds.isInfinite()) {
      throw new IllegalArgumentException("mean holding time must be a finite number of seconds >= 0, got " + meanHoldingSeconds);
    }
    return carriedErlangs + refusals * meanHoldingSeconds / 3600.0;
  }

  /** {@link #erlangs} of columns: carried Erlangs (double), refusals (bigint), mean holding seconds (double). */
  static final UserDefinedFunction ERLANGS_UDF = udf(
      (UDF3<Double, Long, Double, Double>) (carried, refusals, holding) ->
          carried == null || refusals == null ? null : erlangs(carried, refusals, holding), DataTypes.DoubleType);
}
