package io.zentrunk.spark.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;

/**
 * Where a report's data came from, computed in this one place for the summary's first line, the page's banner
 * and {@code _source.json}: the built-in emulator's synthetic account, an account of the API (its {@code auth_id},
 * never a secret, and the API's host), or a lake; the window; the version of this project.
 *
 * @param kind {@code emulator}, {@code api}, {@code lake} or {@code unstated} (a caller that did not say)
 */
public record ReportSource(String kind, String authId, String apiHost, String lake, Instant start, Instant end,
    String version) {

  public static final String SYNTHETIC = "synthetic: built-in emulator";
  /** The {@link #kind} of a lake's report. */
  public static final String LAKE = "lake";

  public ReportSource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
  }

  /** The built-in emulator's synthetic account. */
  public static ReportSource builtInEmulator(Instant start, Instant end) {
    return new ReportSource("emulator", null, null, null, start, end, projectVersion());
  }

  /** An account of the API at {@code apiHost} (the real service's host, or an emulator's host:port). */
  public static ReportSource api(String authId, String apiHost, Instant start, Instant end) {
    return new ReportSource("api", authId, Objects.requireNonNull(apiHost, "apiHost"), null, start, end, projectVersion());
  }

  /** A lake made by ingest: its folder or its table name. */
  public static ReportSource lake(String lake, Instant start, Instant end) {
    return new ReportSource(LAKE, null, null, Objects.requireNonNull(lake, "lake"), start, end, projectVersion());
  }

  /** CDRs given by a caller that did not say where they came from. */
  public static ReportSource unstated(Instant start, Instant end) {
    return new ReportSource("unstated", null, null, null, start, end, projectVersion());
  }

  /** Where the data came from, in a few words: the banner's and the summary's text. */
  public String origin() {
    return switch (kind) {
      case "emulator" -> SYNTHETIC;
      case "api" -> "account " + (authId == null ? "(auth_id not set)" : authId) + " at " + apiHost;
      case "lake" -> "lake " + lake;
      default -> "CDRs given by the caller (source not stated)";
    };
  }

  /** The window, half-open. */
  public String window() {
    return start + " to " + end + " (end excluded)";
  }

  /** The summary's first line. */
  public String line() {
    return "Source: " + origin() + "; window " + window() + "; zentrunk-spark " + version;
  }

  /** {@code _source.json}: the same values, as fields. */
  public String json() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("source", origin());
    o.put("kind", kind);
    o.put("auth_id", authId);
    o.put("api_host", apiHost);
    o.put("lake", lake);
    o.putObject("window").put("start", start.toString()).put("end", end.toString());
    o.put("version", version);
    try {
      return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This project's version, from the build (a filtered resource). */
  public static String projectVersion() {
    try (InputStream in = ReportSource.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
