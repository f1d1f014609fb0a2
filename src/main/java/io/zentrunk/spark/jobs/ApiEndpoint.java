package io.zentrunk.spark.jobs;

import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.source.ReadOptions;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The API endpoint a command reads from: the given {@code --api-url} (or the real service) when
 * credentials or a URL were given, otherwise the built-in API emulator, started on loopback for
 * the duration of the command (local mode: executors elsewhere cannot reach it; on a cluster
 * run {@code jobs/run emulator} and pass {@code --api-url}).
 */
public final class ApiEndpoint implements AutoCloseable {

  /** The built-in demo account: a synthetic week holds about 35,000 CDRs. */
  static final long DEMO_SEED = 42;
  static final long DEMO_CALLS_PER_DAY = 5_000;

  private final ZentrunkEmulator emulator;
  private final Map<String, String> options;

  private ApiEndpoint(ZentrunkEmulator emulator, Map<String, String> options) {
    this.emulator = emulator;
    this.options = Map.copyOf(options);
  }

  /**
   * @param apiUrl {@code --api-url}, or null
   * @param env the environment (PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN)
   * @param say where to say, in one line, that the emulator is used
   */
  public static ApiEndpoint startIfNoCredentials(String apiUrl, Map<String, String> env, PrintStream say) {
    String authId = env.get(ReadOptions.ENV_AUTH_ID);
    if (apiUrl != null || authId != null && !authId.isBlank()) {
      return remote(apiUrl);
    }
    return startBuiltIn(say);
  }

  /** The real service, or {@code apiUrl}; credentials come from the environment. */
  public static ApiEndpoint remote(String apiUrl) {
    Map<String, String> o = new HashMap<>();
    if (apiUrl != null) {
      o.put(ReadOptions.API_URL.key(), apiUrl);
    }
    return new ApiEndpoint(null, o);
  }

  /** The built-in emulator, saying so in one line on {@code say}. */
  public static ApiEndpoint startBuiltIn(PrintStream say) {
    ZentrunkEmulator api = ZentrunkEmulator.start(EmulatorConfig.builder().seed(DEMO_SEED).callsPerDay(DEMO_CALLS_PER_DAY)
        .liveClock().build());
    say.println("No PLIVO_AUTH_ID/PLIVO_AUTH_TOKEN and no --api-url: reading the built-in emulator at " + api.baseUrl()
        + " (synthetic account, seed " + DEMO_SEED + ", " + DEMO_CALLS_PER_DAY + " calls a day, the API's 300 requests per 5 s)");
    return new ApiEndpoint(api, Map.of(ReadOptions.API_URL.key(), api.baseUrl(), ReadOptions.AUTH_ID.key(),
        api.config().authId(), ReadOptions.AUTH_TOKEN.key(), api.config().authToken()));
  }

  /** Options for the {@code zentrunk} source: the endpoint and, for the emulator, its credentials. */
  public Map<String, String> sourceOptions() {
    return options;
  }

  /** True when the built-in emulator serves this command. */
  public boolean emulated() {
    return emulator != null;
  }

  @Override
  public void close() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Override
  public String toString() {
    return emulated() ? "ApiEndpoint{" + emulator.baseUrl() + "}" : "ApiEndpoint{" + options.get(ReadOptions.API_URL.key()) + "}";
  }
}
