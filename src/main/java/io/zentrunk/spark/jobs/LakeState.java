package io.zentrunk.spark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The lake's state file {@code _zentrunk_state.json}: the UTC midnight before which every CDR is in the lake,
 * and the schema version of the CDR table.
 *
 * <pre>{"format":"zentrunk-cdr-lake","schema_version":1,"complete_until":"2026-11-28T00:00:00Z",...}</pre>
 */
public record LakeState(Instant completeUntil, int schemaVersion) {

  public static final String FORMAT = "zentrunk-cdr-lake";
  public static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  public static LakeState of(Instant completeUntil) {
    return new LakeState(completeUntil, SCHEMA_VERSION);
  }

  byte[] toJson(Instant updatedAt) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("schema_version", schemaVersion);
    n.put("complete_until", completeUntil.toString());
    n.put("updated_at", updatedAt.toString());
    return (n.toString() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** @throws IllegalArgumentException with a short reason when the bytes are not a state of this version */
  static LakeState fromJson(byte[] bytes) {
    JsonNode n;
    try {
      n = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("is not JSON");
    }
    if (n == null || !n.isObject() || !FORMAT.equals(n.path("format").asText(null))) {
      throw new IllegalArgumentException("is not a zentrunk CDR lake state (no \"format\":\"" + FORMAT + "\")");
    }
    int version = n.path("schema_version").asInt(-1);
    if (version != SCHEMA_VERSION) {
      throw new IllegalArgumentException("has schema version " + version + ", this build reads version "
          + SCHEMA_VERSION);
    }
    try {
      return new LakeState(Instant.parse(n.path("complete_until").asText("")), version);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("has no valid complete_until");
    }
  }
}
