package io.zentrunk.spark.lake;

import io.zentrunk.spark.client.ClientConfig;
import io.zentrunk.spark.source.ReadOptions;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where a lake's CDRs come from: the Plivo account ({@code auth_id}, not a secret) and the API's host. Recorded
 * when a lake is created; a run that reads another account or host is refused unless it says so on purpose
 * ({@code --change-source}), so that two accounts never mix in one lake unnoticed.
 */
public record Provenance(String authId, String apiHost) {

  /** The host recorded for the built-in emulator: its port changes from run to run, its data does not. */
  public static final String BUILT_IN_EMULATOR = "built-in-emulator";

  /**
   * The source of a run: {@code auth_id} from the source options, else PLIVO_AUTH_ID; the host of
   * {@code api_url} (with its port when it has one), else the real service's.
   */
  public static Provenance of(Map<String, String> sourceOptions, Map<String, String> env, boolean builtInEmulator) {
    java.util.List<String> accounts = accounts(sourceOptions);
    String authId = !accounts.isEmpty() ? String.join(",", accounts)
        : sourceOptions.getOrDefault(ReadOptions.AUTH_ID.key(), env.get("PLIVO_AUTH_ID"));
    if (builtInEmulator) {
      return new Provenance(authId, BUILT_IN_EMULATOR);
    }
    return new Provenance(authId, host(sourceOptions.getOrDefault(ReadOptions.API_URL.key(), ClientConfig.DEFAULT_API_URL)));
  }

  /**
   * The accounts of the source option {@code auth_ids} (in its order, blanks dropped), or none: a lake of several
   * accounts records them all, as {@code A,B,C}.
   */
  public static java.util.List<String> accounts(Map<String, String> sourceOptions) {
    String ids = null;
    for (Map.Entry<String, String> e : sourceOptions.entrySet()) {
      if (e.getKey().equalsIgnoreCase(ReadOptions.AUTH_IDS.key())) {
        ids = e.getValue();
      }
    }
    if (ids == null) {
      return java.util.List.of();
    }
    return java.util.Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public static String host(String url) {
    URI u = URI.create(url.trim());
    if (u.getHost() == null) {
      return url.trim();
    }
    return u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
  }

  /**
   * @throws LakeUsageException in one line naming the account and host the lake holds, when {@code run} differs from
   *     {@code recorded} and the change is not on purpose
   */
  public static void check(String lake, Optional<Provenance> recorded, Provenance run, boolean changeOnPurpose) {
    if (recorded.isEmpty() || recorded.get().equals(run) || changeOnPurpose) {
      return;
    }
    Provenance r = recorded.get();
    throw new LakeUsageException(lake + " holds the CDRs of account " + r.authId() + " from " + r.apiHost()
        + ", not of account " + run.authId() + " from " + run.apiHost()
        + ": use another lake, or pass --change-source to record the new source on purpose");
  }

  @Override
  public String toString() {
    return "account " + authId + " from " + apiHost;
  }
}
