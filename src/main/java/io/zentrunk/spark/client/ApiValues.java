package io.zentrunk.spark.client;

import java.util.List;

/**
 * The value sets the API documents for its equality filters (zentrunk-api.md). Group counts
 * probe exactly these values; a value the service returns but no document lists (a new
 * hangup code, a new source) is caught by {@code window.GroupCounter}'s sum check and read as rows.
 */
public final class ApiValues {
  private ApiValues() {}

  public static final List<String> DIRECTIONS = List.of("inbound", "outbound");
  public static final List<String> SOURCES = List.of("customer", "carrier", "zentrunk");
  public static final List<String> STIR = List.of("Verified", "Not Verified", "Not Applicable");
  /** Every code of the reference's hangup code table, ascending. */
  public static final List<String> HANGUP_CODES = List.of(
      "3000", "3010", "3020", "3030", "3040",
      "4000", "4010", "4020", "4030", "4040", "4050", "4060",
      "4070", "4080", "4090", "4100", "4110", "4120",
      "4130", "4140", "4150", "4160", "4170", "4190", "4200", "4220", "4230", "4270",
      "4310", "4320", "4330", "4340", "4350", "4360", "4370", "4380",
      "4410", "4420", "4430", "4440", "4500", "4520", "4540", "4550",
      "4560", "4570", "4580", "4590",
      "4610", "4620", "4630", "4640",
      "5000", "5010", "5020", "5030", "5040", "5180", "5190", "5200",
      "5220", "5230", "5240", "5250", "5260", "5270", "5290", "5300", "5310", "5320", "5330", "5340", "5350", "5360",
      "6000", "6020", "6030", "6040", "6070");

  /** The documented values of an API equality filter, or null if it has no closed set. */
  public static List<String> of(String param) {
    return switch (param) {
      case "call_direction" -> DIRECTIONS;
      case "hangup_source" -> SOURCES;
      case "stir_verification" -> STIR;
      case "hangup_cause_code" -> HANGUP_CODES;
      default -> null;
    };
  }
}
