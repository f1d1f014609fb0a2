package io.zentrunk.spark.emulator;

import java.math.BigDecimal;
import java.util.List;

/**
 * The countries of the synthetic account: E.164 country code, national number length, per-minute
 * rates and billing increment (the same for the first and later increments: 60/60, 6/6 or 1/1).
 * Rates are plausible, not Plivo's price list.
 */
final class Countries {

  /** One country; {@code weight} is its share of traffic. */
  record Country(
      String iso,
      String dialCode,
      int nationalDigits,
      BigDecimal outboundRate,
      BigDecimal inboundRate,
      int increment,
      int weight) {

    boolean isUs() {
      return iso.equals("US");
    }
  }

  static final List<Country> ALL =
      List.of(
          c("US", "1", 10, "0.00450", "0.00300", 60, 40),
          c("CA", "1", 10, "0.00500", "0.00350", 60, 6),
          c("IN", "91", 10, "0.03000", "0.00800", 60, 10),
          c("GB", "44", 10, "0.01200", "0.00500", 1, 8),
          c("DE", "49", 10, "0.01500", "0.00600", 6, 6),
          c("FR", "33", 9, "0.01800", "0.00600", 6, 5),
          c("BR", "55", 11, "0.02500", "0.01000", 6, 5),
          c("MX", "52", 10, "0.01000", "0.00500", 60, 6),
          c("AU", "61", 9, "0.02000", "0.00700", 1, 5),
          c("SG", "65", 8, "0.01600", "0.00600", 1, 4),
          c("PH", "63", 10, "0.09000", "0.01200", 1, 5));

  /** Premium destinations the account never calls on its own: only an injected burst reaches them. */
  static final List<Country> PREMIUM =
      List.of(
          c("CU", "53", 8, "1.15000", "0.05000", 60, 0),
          c("SO", "252", 8, "1.80000", "0.05000", 60, 0),
          c("LV", "371", 8, "0.95000", "0.01000", 60, 0));

  /** The country with this ISO code, of the account or premium, or null. */
  static Country byIso(String iso) {
    for (List<Country> l : List.of(ALL, PREMIUM)) {
      for (Country c : l) {
        if (c.iso().equals(iso)) {
          return c;
        }
      }
    }
    return null;
  }

  static List<String> isoCodes() {
    return java.util.stream.Stream.concat(ALL.stream(), PREMIUM.stream()).map(Country::iso).toList();
  }

  private static final int TOTAL_WEIGHT = ALL.stream().mapToInt(Country::weight).sum();

  private Countries() {}

  private static Country c(
      String iso, String dial, int digits, String out, String in, int increment, int weight) {
    return new Country(
        iso, dial, digits, new BigDecimal(out), new BigDecimal(in), increment, weight);
  }

  /** A country drawn by weight from a uniform integer in [0, totalWeight()). */
  static Country pick(int u) {
    for (Country c : ALL) {
      u -= c.weight();
      if (u < 0) {
        return c;
      }
    }
    return ALL.get(0);
  }

  static int totalWeight() {
    return TOTAL_WEIGHT;
  }
}
