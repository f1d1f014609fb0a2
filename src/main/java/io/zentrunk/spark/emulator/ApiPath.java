package io.zentrunk.spark.emulator;

/**
 * An API path, {@code /v1/Account/{id}/Zentrunk/Call/[{uuid}/[Insights/]]}: the account and, for a get or the
 * call's Insights, the call's uuid (null for the list call).
 */
record ApiPath(String account, String callUuid, boolean insights) {

  static final String PREFIX = "/v1/Account/";

  /** The parsed path, or null if it is not an API path (a 404). */
  static ApiPath parse(String path) {
    if (!path.startsWith(PREFIX)) {
      return null;
    }
    String rest = path.substring(PREFIX.length());
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    String[] seg = rest.split("/", -1);
    if (seg.length < 3 || seg.length > 5 || !seg[1].equals("Zentrunk") || !seg[2].equals("Call")
        || seg[0].isEmpty() || (seg.length >= 4 && seg[3].isEmpty())
        || (seg.length == 5 && !seg[4].equals("Insights"))) {
      return null;
    }
    return new ApiPath(seg[0], seg.length >= 4 ? seg[3] : null, seg.length == 5);
  }

  boolean isList() {
    return callUuid == null;
  }
}
