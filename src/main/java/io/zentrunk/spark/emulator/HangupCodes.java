package io.zentrunk.spark.emulator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole Zentrunk hangup code table of the reference (code, cause name, family), with the
 * hangup source the emulator assigns to each code and whether a call ending with it was answered.
 *
 * <p>Assumptions (the reference gives names and families only): codes whose name says who ended
 * the call use that side ({@code *_by_customer}, {@code *_customer}, {@code user_*} = customer;
 * {@code *_by_carrier}, {@code *_carrier}, {@code carrier_*} = carrier); Plivo-side policy,
 * routing and internal errors are {@code zentrunk}; remaining SIP failures from the far end are
 * {@code carrier}. Calls ending with a "Normal" or "Mid-call" code were answered; every other code
 * is a setup failure (no answer time, zero durations, zero amount).
 */
public final class HangupCodes {

  /** One row of the table. */
  public record Code(int code, String name, String family, String source, boolean answered) {}

  private static final Map<Integer, Code> BY_CODE = new LinkedHashMap<>();

  static {
    // Normal
    add(3000, "normal_hangup", "Normal", "carrier");
    add(3010, "normal_hangup", "Normal", "customer");
    add(3020, "rtp_timeout", "Normal", "zentrunk");
    add(3030, "insufficient_plivo_credits", "Normal", "zentrunk");
    add(3040, "abnormal_hangup_due_to_reinvite", "Normal", "zentrunk");
    // Authentication
    add(4000, "bad_request", "Authentication", "zentrunk");
    add(4010, "unauthorized_by_carrier", "Authentication", "carrier");
    add(4020, "unauthorized", "Authentication", "zentrunk");
    add(4030, "insufficient_plivo_credits", "Authentication", "zentrunk");
    add(4040, "forbidden", "Authentication", "zentrunk");
    add(4050, "blacklisted_for_verification", "Authentication", "zentrunk");
    add(4060, "forbidden", "Authentication", "carrier");
    // Routing
    add(4070, "trunk_not_found", "Routing", "zentrunk");
    add(4080, "route_not_found", "Routing", "zentrunk");
    add(4090, "destination_not_found", "Routing", "carrier");
    add(4100, "prefix_not_supported", "Routing", "zentrunk");
    add(4110, "secure_trunking_disabled", "Routing", "zentrunk");
    add(4120, "destination_invalid", "Routing", "zentrunk");
    // Caller ID
    add(4130, "incorrect_callerid_non_numeric", "Caller ID", "zentrunk");
    add(4140, "incorrect_callerid_too_short", "Caller ID", "zentrunk");
    add(4190, "unknown_caller_id", "Caller ID", "zentrunk");
    add(4200, "dno_caller_id", "Caller ID", "zentrunk");
    // Format and media
    add(4150, "proxy_authentication_required", "Format and media", "carrier");
    add(4160, "request_timeout_carrier", "Format and media", "carrier");
    add(4170, "request_timeout_customer", "Format and media", "customer");
    add(4220, "unsupported_media_type", "Format and media", "carrier");
    add(4230, "unsupported_uri_scheme", "Format and media", "carrier");
    add(4270, "session_interval_too_small", "Format and media", "carrier");
    // URI and availability
    add(4310, "uri_not_found", "URI and availability", "carrier");
    add(4320, "uri_invalid", "URI and availability", "carrier");
    add(4330, "temporary_unavailable", "URI and availability", "carrier");
    add(4340, "temporary_unavailable", "URI and availability", "carrier");
    add(4350, "temporary_unavailable", "URI and availability", "carrier");
    add(4360, "call_does_not_exist", "URI and availability", "carrier");
    add(4370, "loop_detected", "URI and availability", "zentrunk");
    add(4380, "too_many_hops", "URI and availability", "zentrunk");
    // Call state
    add(4410, "user_busy", "Call state", "customer");
    add(4420, "carrier_cancelled", "Call state", "carrier");
    add(4430, "sdp_not_acceptable_here", "Call state", "carrier");
    add(4440, "request_terminated", "Call state", "carrier");
    add(4500, "request_pending", "Call state", "carrier");
    add(4520, "security_agreement_required", "Call state", "carrier");
    add(4540, "forbidden", "Call state", "carrier");
    add(4550, "user_cancelled", "Call state", "customer");
    // Geo and number
    add(4560, "barred_country", "Geo and number", "zentrunk");
    add(4570, "barred_number", "Geo and number", "zentrunk");
    add(4580, "invalid_sip_packet", "Geo and number", "zentrunk");
    add(4590, "domestic_anchored_terms_not_met", "Geo and number", "zentrunk");
    // SDP and codec
    add(4610, "ruri_not_acceptable_here", "SDP and codec", "carrier");
    add(4620, "codec_not_acceptable_here", "SDP and codec", "carrier");
    add(4630, "sdp_not_acceptable_here_by_carrier", "SDP and codec", "carrier");
    add(4640, "sdp_not_acceptable_here_by_user", "SDP and codec", "customer");
    // Server and capacity
    add(5000, "service_unavailable_no_more_destinations", "Server and capacity", "carrier");
    add(5010, "port_limit_reached", "Server and capacity", "zentrunk");
    add(5020, "not_implemented", "Server and capacity", "zentrunk");
    add(5030, "not_implemented_at_carrier", "Server and capacity", "carrier");
    add(5040, "not_implemented_at_user", "Server and capacity", "customer");
    add(5180, "cps_limit_reached", "Server and capacity", "zentrunk");
    add(5190, "concurrent_call_limit_exceeded", "Server and capacity", "zentrunk");
    add(5200, "server_timeout", "Server and capacity", "carrier");
    // Mid-call
    add(5220, "service_interrupted_by_customer", "Mid-call", "customer");
    add(5230, "service_interrupted_by_customer", "Mid-call", "customer");
    add(5240, "service_interrupted_by_nomedia", "Mid-call", "zentrunk");
    add(5250, "internal_error", "Mid-call", "zentrunk");
    add(5260, "internal_error_routing", "Mid-call", "zentrunk");
    add(5270, "internal_error_media_service", "Mid-call", "zentrunk");
    add(5290, "internal_error_trunk", "Mid-call", "zentrunk");
    add(5300, "bad_gateway", "Mid-call", "carrier");
    add(5310, "service_interrupted_by_carrier_4xx", "Mid-call", "carrier");
    add(5320, "service_interrupted_by_carrier_5xx_6xx", "Mid-call", "carrier");
    add(5330, "server_timeout", "Mid-call", "carrier");
    add(5340, "server_timeout", "Mid-call", "carrier");
    add(5350, "service_unavailable_by_carrier", "Mid-call", "carrier");
    add(5360, "service_unavailable_by_user", "Mid-call", "customer");
    // Global failures
    add(6000, "busy_everywhere", "Global failures", "carrier");
    add(6020, "does_not_exist_anywhere", "Global failures", "carrier");
    add(6030, "alloted_timeout", "Global failures", "carrier");
    add(6040, "declined_from_carrier", "Global failures", "carrier");
    add(6070, "not_acceptable", "Global failures", "carrier");
  }

  private static final List<Code> ALL = List.copyOf(BY_CODE.values());

  /**
   * A code the table does not list, served only when {@code EmulatorConfig.unlistedCodeShare}
   * is above 0: what a reader sees when the service adds a code. {@link #get} does not know it,
   * so a list request filtering by it is refused, as for any unknown code.
   */
  public static final Code UNLISTED = new Code(4990, "emulator_unlisted_cause", "Unlisted", "carrier", false);

  private HangupCodes() {}

  private static void add(int code, String name, String family, String source) {
    boolean answered = family.equals("Normal") || family.equals("Mid-call");
    BY_CODE.put(code, new Code(code, name, family, source, answered));
  }

  /** The row of {@code code}, or null if the table has no such code. */
  public static Code get(int code) {
    return BY_CODE.get(code);
  }

  /** Every row, in table order. */
  public static List<Code> all() {
    return Collections.unmodifiableList(ALL);
  }
}
