package io.zentrunk.spark.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The Parquet lake's state file {@code _zentrunk_state.json}: the UTC midnight before which every CDR is in the
 * lake, the schema version of the CDR table and where the CDRs come from ({@code auth_id}, {@code api_host}).
 *
 * <pre>{"format":"zentrunk-cdr-lake","schema_version":1,"complete_until":"2026-11-28T00:00:00Z","auth_id":"MA...","api_host":"api.plivo.com",...}</pre>
 */
public record ParquetLakeState(Instant completeUntil, int schemaVersion, java.util.Optional<Provenance> source) {

  public static final String FORMAT = "zentrunk-cdr-lake";
  public static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  public static ParquetLakeState of(Instant completeUntil, Provenance source) {
    return new ParquetLakeState(completeUntil, SCHEMA_VERSION, java.util.Optional.ofNullable(source));
  }

  byte[] toJson(Instant updatedAt) {
    return toJson(updatedAt, null);
  }

  /**
   * @param run the writing run's id, or null: makes every commit's bytes (and so its ETag) differ from any other's,
   *     which the next writer's conditional write relies on
   */
  byte[] toJson(Instant updatedAt, String run) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("schema_version", schemaVersion);
    n.put("complete_until", completeUntil.toString());
    source.ifPresent(p -> {
      n.put("auth_id", p.authId());
      n.put("api_host", p.apiHost());
    });
    n.put("updated_at", updatedAt.toString());
    if (run != null) {
      n.put("run", run);
    }
    return (n.toString() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** @throws IllegalArgumentException with a short reason when the bytes are not a state of this version */
  static ParquetLakeState fromJson(byte[] bytes) {
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
      String authId = n.path("auth_id").asText(null);
      String host = n.path("api_host").asText(null);
      // lakes written before provenance was recorded have none: the next run records its own
      return new ParquetLakeState(Instant.parse(n.path("complete_until").asText("")), version,
          authId == null || host == null ? java.util.Optional.empty() : java.util.Optional.of(new Provenance(authId, host)));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("has no valid complete_until");
    }
  }
}
