package io.zentrunk.spark.report;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * The IRSF rule's thresholds. A destination (outbound {@code to_country}) is flagged on a day when its
 * amount that day is at least {@code minAmount} and either it was not called in the baseline days (a new
 * destination) or its amount is at least {@code ratio} times its baseline: its average daily amount over the
 * up to {@code baselineDays} days before, counting only days the data covers (days from {@code coveredFrom}).
 * A day with no covered day before it is not judged.
 */
public record FraudRule(BigDecimal minAmount, BigDecimal ratio, int baselineDays) implements Serializable {
  public static final BigDecimal DEFAULT_MIN_AMOUNT = new BigDecimal("25.00");
  public static final BigDecimal DEFAULT_RATIO = new BigDecimal("5");
  public static final int DEFAULT_BASELINE_DAYS = 7;

  public static FraudRule defaults() {
    return new FraudRule(DEFAULT_MIN_AMOUNT, DEFAULT_RATIO, DEFAULT_BASELINE_DAYS);
  }
}
