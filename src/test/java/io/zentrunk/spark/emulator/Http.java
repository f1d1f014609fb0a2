package io.zentrunk.spark.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Test client: real HTTP/1.1 through java.net.http, JSON through Jackson. */
final class Http {

  static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Http() {}

  record Resp(int status, String body, HttpHeaders headers) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    String error() {
      return json().path("error").asText();
    }
  }

  static String basic(String id, String token) {
    return "Basic " + Base64.getEncoder()
        .encodeToString((id + ":" + token).getBytes(StandardCharsets.UTF_8));
  }

  static Resp send(HttpRequest req) {
    try {
      HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static HttpRequest.Builder request(String url, String id, String token) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", basic(id, token));
  }

  /** GET base + path (path starts with '/') with the default credentials. */
  static Resp get(ZentrunkEmulator api, String path) {
    return send(request(api.baseUrl() + path, EmulatorConfig.DEFAULT_AUTH_ID,
        EmulatorConfig.DEFAULT_AUTH_TOKEN).GET().build());
  }

  static String listPath() {
    return "/v1/Account/" + EmulatorConfig.DEFAULT_AUTH_ID + "/Zentrunk/Call/";
  }

  /** GET the list call with query pairs k1, v1, k2, v2... (URL-encoded here). */
  static Resp list(ZentrunkEmulator api, String... kv) {
    return get(api, listPath() + "?" + query(kv));
  }

  static String query(String... kv) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < kv.length; i += 2) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  static String ts(Instant t) {
    return TS.format(t);
  }

  /** Follows next links from the first page; returns every object in order. */
  static List<JsonNode> all(ZentrunkEmulator api, String... kv) {
    List<JsonNode> out = new ArrayList<>();
    Resp r = list(api, kv);
    long total = r.json().path("meta").path("total_count").asLong();
    while (true) {
      if (r.status() != 200) {
        throw new AssertionError(r.status() + " " + r.body());
      }
      JsonNode j = r.json();
      if (j.path("meta").path("total_count").asLong() != total) {
        throw new AssertionError("total_count changed while paging");
      }
      j.path("objects").forEach(out::add);
      JsonNode next = j.path("meta").path("next");
      if (next.isNull()) {
        return out;
      }
      r = get(api, next.asText());
    }
  }
}
