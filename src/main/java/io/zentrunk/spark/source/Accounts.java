package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ClientConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The accounts of a read that names several ({@code auth_ids}): their tokens, from the environment
 * ({@code PLIVO_AUTH_TOKEN_<AUTH_ID>}) or a credentials file only its owner can read, and which of them draw on one
 * request budget ({@code shared_budget}). Every mistake is one line naming the option and the account, never a
 * token; all of it is checked before any request.
 *
 * <p>Budgets. Plivo documents 300 requests per 5 s "per account" and nothing about subaccounts' own limits (its
 * calls-per-second limits are counted on the main account, not per subaccount). A subaccount's auth id starts with
 * {@code SA}, a main account's with {@code MA}, but the auth id does not say which main account a subaccount belongs
 * to. So the default is the safe one: when a read lists a subaccount, all of its accounts share one budget (the
 * group's limit is then the read's {@code request_budget}); a read of main accounts only gives each its own.
 * {@code shared_budget=none} gives every account its own budget (subaccounts known to have their own limits),
 * {@code shared_budget=A,B;C,D} makes groups.
 */
final class Accounts {
  private Accounts() {}

  /** The prefix of a subaccount's auth id (a main account's is MA). */
  static final String SUBACCOUNT_PREFIX = "SA";

  /**
   * The accounts of {@code auth_ids} as client configs (in the option's order), each with its token and, when it
   * shares a budget, its group's key.
   *
   * @param base the read's settings (its auth id and token are not used)
   */
  static List<ClientConfig> parse(String authIds, String credentialsFile, String sharedBudget, ClientConfig base,
      Function<String, String> env) {
    String what = "Option '" + ReadOptions.AUTH_IDS.key() + "'";
    Set<String> ids = new LinkedHashSet<>();
    for (String raw : authIds.split(",", -1)) {
      String id = raw.trim();
      if (!ids.add(id)) {
        throw new IllegalArgumentException(what + " lists the account " + id + " twice");
      }
    }
    Map<String, String> fromFile = credentialsFile == null ? Map.of() : readCredentials(credentialsFile);
    Map<String, String> groups = groups(ids, sharedBudget);
    List<ClientConfig> out = new ArrayList<>();
    for (String id : ids) {
      String token = fromFile.get(id);
      if (token == null) {
        token = env.apply(ReadOptions.ENV_AUTH_TOKEN_PREFIX + id);
      }
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException(what + ": no token for the account " + id + "; set the environment variable "
            + ReadOptions.ENV_AUTH_TOKEN_PREFIX + id + (credentialsFile == null ? " or give option '"
            + ReadOptions.CREDENTIALS_FILE.key() + "'" : " or add a line " + id + "=TOKEN to the credentials file"));
      }
      ClientConfig c = new ClientConfig(base.apiUrl(), id, token.trim(), base.requestTimeoutMillis(),
          base.connectTimeoutMillis(), base.maxRetries(), base.budgetRequests(), base.budgetWindowMillis());
      String group = groups.get(id);
      out.add(group == null ? c : c.withBudgetAccount(group));
    }
    return out;
  }

  /** The budget group's key of each account that shares one (absent: its own budget). */
  static Map<String, String> groups(Set<String> ids, String sharedBudget) {
    String what = "Option '" + ReadOptions.SHARED_BUDGET.key() + "'";
    List<Set<String>> groups = new ArrayList<>();
    if (sharedBudget == null) {
      if (ids.stream().anyMatch(id -> id.toUpperCase(Locale.ROOT).startsWith(SUBACCOUNT_PREFIX))) {
        groups.add(ids);
      }
    } else if (sharedBudget.equalsIgnoreCase("all")) {
      groups.add(ids);
    } else if (!sharedBudget.equalsIgnoreCase("none")) {
      Set<String> seen = new HashSet<>();
      for (String part : sharedBudget.split(";")) {
        Set<String> g = new TreeSet<>();
        for (String raw : part.split(",")) {
          String id = raw.trim();
          if (!ids.contains(id)) {
            throw new IllegalArgumentException(what + " names " + id + ", which is not one of auth_ids");
          }
          if (!seen.add(id)) {
            throw new IllegalArgumentException(what + " puts the account " + id + " in two groups");
          }
          g.add(id);
        }
        groups.add(g);
      }
    }
    Map<String, String> out = new HashMap<>();
    for (Set<String> g : groups) {
      if (g.size() < 2) {
        continue;
      }
      // Not an auth id (those are letters, digits, '_' and '-'): a group's budget never mixes with an account's own.
      String key = "group:" + String.join("+", new TreeSet<>(g));
      g.forEach(id -> out.put(id, key));
    }
    return out;
  }


  /**
   * The tokens of a credentials file: lines {@code AUTH_ID=TOKEN}, blank lines and {@code #} comments ignored. Refused
   * when its group or others may read it (as ssh refuses a private key), or when a line is malformed (named by its
   * number, never shown: it may hold a token).
   */
  static Map<String, String> readCredentials(String file) {
    String what = "Option '" + ReadOptions.CREDENTIALS_FILE.key() + "'";
    Path path = Path.of(file);
    List<String> lines;
    try {
      Set<PosixFilePermission> perms;
      try {
        perms = Files.getPosixFilePermissions(path);
      } catch (UnsupportedOperationException e) {
        throw new IllegalArgumentException(what + " (" + file + "): cannot check who may read it on this file system");
      }
      if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
        throw new IllegalArgumentException(what + " (" + file + ") may be read by its group or others; make it "
            + "readable by its owner only (chmod 600)");
      }
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " (" + file + ") cannot be read: " + e.getClass().getSimpleName());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String id = eq < 0 ? "" : line.substring(0, eq).trim();
      if (eq < 0 || !id.matches("[A-Za-z0-9_-]+") || line.substring(eq + 1).isBlank()) {
        throw new IllegalArgumentException(what + " (" + file + ") line " + (i + 1) + " is not AUTH_ID=TOKEN");
      }
      if (out.put(id, line.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException(what + " (" + file + ") gives the account " + id + " twice");
      }
    }
    return out;
  }
}
