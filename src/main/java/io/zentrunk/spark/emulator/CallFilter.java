package io.zentrunk.spark.emulator;

/**
 * The non-time filters of a list request. Null fields do not filter. Equal filters are equal
 * records, which keys the per-minute match-count cache.
 *
 * <p>Number filters are prefix matches on the digits without '+': {@code fromPrefix} is the digit
 * string; {@code noMatch} is set when a number filter value starts with '+' (Plivo then matches
 * nothing).
 */
record CallFilter(
    String fromPrefix,
    String toPrefix,
    String direction,
    Long billEq,
    Long billGt,
    Long billGte,
    Long billLt,
    Long billLte,
    Integer hangupCode,
    String hangupSource,
    String stir,
    boolean noMatch) {

  static final CallFilter NONE =
      new CallFilter(null, null, null, null, null, null, null, null, null, null, null, false);

  boolean isEmpty() {
    return !noMatch && fromPrefix == null && toPrefix == null && direction == null
        && billEq == null && billGt == null && billGte == null && billLt == null
        && billLte == null && hangupCode == null && hangupSource == null && stir == null;
  }

  boolean matches(EmulatedCall c) {
    if (noMatch) {
      return false;
    }
    if (fromPrefix != null && !c.fromNumber().startsWith(fromPrefix, 1)) {
      return false;
    }
    if (toPrefix != null && !c.toNumber().startsWith(toPrefix, 1)) {
      return false;
    }
    if (direction != null && !direction.equals(c.callDirection())) {
      return false;
    }
    long b = c.billDuration();
    if (billEq != null && b != billEq) {
      return false;
    }
    if (billGt != null && !(b > billGt)) {
      return false;
    }
    if (billGte != null && !(b >= billGte)) {
      return false;
    }
    if (billLt != null && !(b < billLt)) {
      return false;
    }
    if (billLte != null && !(b <= billLte)) {
      return false;
    }
    if (hangupCode != null && hangupCode != c.hangupCauseCode()) {
      return false;
    }
    if (hangupSource != null && !hangupSource.equals(c.hangupSource())) {
      return false;
    }
    return stir == null || stir.equals(c.stirVerification());
  }
}
