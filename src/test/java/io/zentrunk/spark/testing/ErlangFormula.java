package io.zentrunk.spark.testing;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Erlang B by its textbook formula (E^N/N!) / sum_k E^k/k!, in 60-digit decimals: the oracle the tests hold the
 * report's stable recursion against, independent of it.
 */
public final class ErlangFormula {

  private ErlangFormula() {}

  public static double blocking(double erlangs, int channels) {
    MathContext mc = new MathContext(60);
    BigDecimal e = new BigDecimal(erlangs);
    BigDecimal term = BigDecimal.ONE;
    BigDecimal sum = BigDecimal.ONE;
    for (int k = 1; k <= channels; k++) {
      term = term.multiply(e, mc).divide(BigDecimal.valueOf(k), mc);
      sum = sum.add(term, mc);
    }
    return term.divide(sum, mc).doubleValue();
  }
}
