package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.client.ClientConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options of a read of several accounts: tokens from the environment or a private credentials file, budget
 * groups, and the bad inputs, each one line naming the option and the account (never a token). Parsing sends no
 * request: the API URL points at a port nothing listens on.
 */
class AccountsOptionsTest {

  private static final String MA1 = "MAFIRST0000000000001";
  private static final String MA2 = "MASECOND000000000002";
  private static final String SA3 = "SATHIRD0000000000003";

  @TempDir Path dir;

  private static Map<String, String> options(String authIds) {
    Map<String, String> o = new HashMap<>();
    o.put("api_url", "http://127.0.0.1:1");
    o.put("auth_ids", authIds);
    return o;
  }

  private static Function<String, String> env(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m::get;
  }

  private Path credentials(String text, String perms) throws Exception {
    Path f = dir.resolve("credentials-" + perms);
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
    return f;
  }

  @Test
  void tokensComeFromTheEnvironmentAndMainAccountsHaveTheirOwnBudgets() {
    ReadConf c = ReadConf.parse(options(MA1 + ", " + MA2), env("PLIVO_AUTH_TOKEN_" + MA1, "tok-1",
        "PLIVO_AUTH_TOKEN_" + MA2, "tok-2"));
    assertThat(c.accounts).extracting(ClientConfig::authId).containsExactly(MA1, MA2);
    assertThat(c.accounts).extracting(ClientConfig::budgetAccount).containsExactly(MA1, MA2);
    assertThat(c.toString()).doesNotContain("tok-1", "tok-2");
  }

  @Test
  void aSubaccountMakesTheAccountsShareOneBudgetByDefault() {
    Function<String, String> env = env("PLIVO_AUTH_TOKEN_" + MA1, "t1", "PLIVO_AUTH_TOKEN_" + MA2, "t2",
        "PLIVO_AUTH_TOKEN_" + SA3, "t3");
    ReadConf shared = ReadConf.parse(options(MA1 + "," + MA2 + "," + SA3), env);
    String key = shared.accounts.get(0).budgetAccount();
    assertThat(key).isNotIn(MA1, MA2, SA3);
    assertThat(shared.accounts).extracting(ClientConfig::budgetAccount).containsOnly(key);

    Map<String, String> o = options(MA1 + "," + MA2 + "," + SA3);
    o.put("shared_budget", "none");
    assertThat(ReadConf.parse(o, env).accounts).extracting(ClientConfig::budgetAccount).containsExactly(MA1, MA2, SA3);

    o.put("shared_budget", MA2 + "," + SA3);
    List<ClientConfig> grouped = ReadConf.parse(o, env).accounts;
    assertThat(grouped.get(0).budgetAccount()).isEqualTo(MA1);
    assertThat(grouped.get(1).budgetAccount()).isEqualTo(grouped.get(2).budgetAccount()).isNotIn(MA2, SA3);

    Map<String, String> mains = options(MA1 + "," + MA2);
    mains.put("shared_budget", "all");
    assertThat(ReadConf.parse(mains, env).accounts).extracting(ClientConfig::budgetAccount).doesNotContain(MA1, MA2)
        .hasSize(2).containsOnly(ReadConf.parse(mains, env).accounts.get(0).budgetAccount());
  }

  @Test
  void tokensComeFromAPrivateCredentialsFileBeforeTheEnvironment() throws Exception {
    Path f = credentials("# tokens\n" + MA1 + " = from-file\n\n", "rw-------");
    Map<String, String> o = options(MA1 + "," + MA2);
    o.put("credentials_file", f.toString());
    ReadConf c = ReadConf.parse(o, env("PLIVO_AUTH_TOKEN_" + MA1, "from-env", "PLIVO_AUTH_TOKEN_" + MA2, "t2"));
    assertThat(c.accounts).extracting(ClientConfig::authId).containsExactly(MA1, MA2);
    // the token itself is package-private to the client: the Authorization header it makes is what differs
    assertThat(c.accounts.get(0).toString()).doesNotContain("from-file", "from-env");
  }

  @Test
  void badInputIsOneLineNamingTheOptionAndTheAccount() throws Exception {
    Function<String, String> env = env("PLIVO_AUTH_TOKEN_" + MA1, "secret-one", "PLIVO_AUTH_TOKEN_" + MA2, "secret-two");
    assertOneLine(() -> ReadConf.parse(options(MA1 + "," + MA2 + "," + MA1), env),
        "Option 'auth_ids' lists the account " + MA1 + " twice");
    assertOneLine(() -> ReadConf.parse(options(MA1 + "," + SA3), env),
        "Option 'auth_ids': no token for the account " + SA3 + "; set the environment variable PLIVO_AUTH_TOKEN_" + SA3
            + " or give option 'credentials_file'");

    Path readable = credentials(MA1 + "=secret-one\n", "rw-r-----");
    Map<String, String> o = options(MA1);
    o.put("credentials_file", readable.toString());
    assertOneLine(() -> ReadConf.parse(o, env), "Option 'credentials_file' (" + readable
        + ") may be read by its group or others; make it readable by its owner only (chmod 600)");
    Path everyone = credentials(MA1 + "=secret-one\n", "rw-r--r--");
    o.put("credentials_file", everyone.toString());
    assertOneLine(() -> ReadConf.parse(o, env), "may be read by its group or others");
    Path malformed = credentials(MA1 + " secret-one\n", "rw-------");
    o.put("credentials_file", malformed.toString());
    assertOneLine(() -> ReadConf.parse(o, env), "line 1 is not AUTH_ID=TOKEN");
    Path missing = credentials("", "rw-------");
    o.put("credentials_file", missing.toString());
    o.put("auth_ids", MA1 + "," + SA3);
    assertOneLine(() -> ReadConf.parse(o, env), "no token for the account " + SA3
        + "; set the environment variable PLIVO_AUTH_TOKEN_" + SA3 + " or add a line " + SA3 + "=TOKEN to the credentials file");

    Map<String, String> withToken = options(MA1 + "," + MA2);
    withToken.put("auth_token", "secret-one");
    assertOneLine(() -> ReadConf.parse(withToken, env), "Option 'auth_token' does not go with option 'auth_ids'");
    Map<String, String> foreign = options(MA1 + "," + MA2);
    foreign.put("shared_budget", MA1 + "," + SA3);
    assertOneLine(() -> ReadConf.parse(foreign, env), "Option 'shared_budget' names " + SA3 + ", which is not one of auth_ids");
    foreign.put("shared_budget", "some");
    assertOneLine(() -> ReadConf.parse(foreign, env), "Option 'shared_budget'");
    Map<String, String> single = new HashMap<>(Map.of("api_url", "http://127.0.0.1:1", "auth_id", MA1, "auth_token", "x",
        "shared_budget", "all"));
    assertOneLine(() -> ReadConf.parse(single, env), "Option 'shared_budget' needs option 'auth_ids'");
    assertOneLine(() -> ReadConf.parse(options(MA1 + ",,"), env), "Option 'auth_ids' must be auth ids separated by commas");
  }

  private static void assertOneLine(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String expected) {
    assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> {
          assertThat(e.getMessage()).contains(expected).doesNotContain("\n").doesNotContain("secret-one", "secret-two");
        });
  }
}
