package io.zentrunk.spark.jobs;

import java.util.Map;

/**
 * The API endpoint a command reads from: the given {@code --api-url} (or the real service) when credentials or
 * a URL were given, otherwise the built-in API emulator, started for the duration of the command.
 */
public final class EmbeddedEmulator implements AutoCloseable {

  private final String apiUrl;

  private EmbeddedEmulator(String apiUrl) {
    this.apiUrl = apiUrl;
  }

  /**
   * @param apiUrl {@code --api-url}, or null
   * @param env the environment (PLIVO_AUTH_ID)
   * @throws UnsupportedOperationException until the emulator is wired in (neither credentials nor URL given)
   */
  public static EmbeddedEmulator startIfNoCredentials(String apiUrl, Map<String, String> env) {
    String authId = env.get("PLIVO_AUTH_ID");
    if (apiUrl != null || authId != null && !authId.isBlank()) {
      return new EmbeddedEmulator(apiUrl);
    }
    throw new UnsupportedOperationException("emulator not wired yet");
  }

  /** The URL to pass to the source as {@code api_url}; null for the real service. */
  public String apiUrl() {
    return apiUrl;
  }

  @Override
  public void close() {
    // nothing runs yet; the emulator stops here once it is wired in
  }
}
