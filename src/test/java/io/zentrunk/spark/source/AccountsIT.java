package io.zentrunk.spark.source;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.testing.SourceReads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several accounts in one read against an emulator serving four accounts of 5,000 calls a day, each its own token,
 * seed and limit of 300 per 5 s: exact per account with account_id on every row, partitions interleaved, pushdown per
 * account and combined; a budget shared by a group never passes the group's limit; a revoked token fails the read
 * naming the account before anything is written.
 */
class AccountsIT {

  static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  static final Instant FROM = Instant.parse("2026-11-19T00:00:00Z");
  static final Instant TO = Instant.parse("2026-11-20T00:00:00Z");
  static final List<String> IDS = List.of(EmulatorConfig.DEFAULT_AUTH_ID, "MAACCOUNT00000000002", "MAACCOUNT00000000003",
      "MAACCOUNT00000000004");

  @TempDir static Path dir;
  static SparkSession spark;
  static ZentrunkEmulator api;
  static Path credentials;

  @BeforeAll
  static void start() throws Exception {
    EmulatorConfig.Builder b = EmulatorConfig.builder().now(NOW).seed(11).callsPerDay(5_000);
    StringBuilder file = new StringBuilder("# four accounts\n" + IDS.get(0) + "=" + EmulatorConfig.DEFAULT_AUTH_TOKEN + "\n");
    for (int i = 1; i < IDS.size(); i++) {
      b.account(new EmulatorConfig.Account(IDS.get(i), "token-" + i, 11 + i, 300, null));
      file.append(IDS.get(i)).append('=').append("token-").append(i).append('\n');
    }
    api = ZentrunkEmulator.start(b.build());
    credentials = dir.resolve("zentrunk-credentials");
    Files.writeString(credentials, file);
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
    spark = SparkSession.builder().master("local[4]").appName("AccountsIT")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (api != null) {
      api.close();
    }
  }

  static Map<String, String> options(ZentrunkEmulator emu, Path creds, List<String> ids) {
    Map<String, String> o = new HashMap<>();
    o.put("api_url", emu.baseUrl());
    o.put("auth_ids", String.join(",", ids));
    o.put("credentials_file", creds.toString());
    o.put("now", emu.now().toString());
    o.put("start", FROM.toString());
    o.put("end", TO.toString());
    return o;
  }

  static Dataset<Row> read(Map<String, String> o) {
    return spark.read().format("zentrunk").options(o).load();
  }

  @Test
  void fourAccountsInOneReadExactPerAccountWithTheirAccountIdInterleaved() {
    Map<String, String> o = options(api, credentials, IDS);
    o.put("partition_records", "1000");
    api.resetStats();
    List<Row> rows = read(o).collectAsList();
    Map<String, List<Row>> byAccount = rows.stream().collect(Collectors.groupingBy(r -> r.getString(r.fieldIndex("account_id"))));
    assertThat(byAccount.keySet()).containsExactlyInAnyOrderElementsOf(IDS);
    for (String id : IDS) {
      List<EmulatedCall> truth = api.groundTruth(id, FROM, TO);
      assertThat(truth.size()).as(id).isBetween(3_000, 8_000);
      SourceReads.assertExactly(byAccount.get(id), truth, id);
    }
    assertThat(api.stats().status(429)).as("each account read within its own limit").isZero();

    // each account its own budget: every partition holds a slice of each account (while it has slices), read at once
    // by its task, so that all four budgets are busy whatever the number of task slots
    ZentrunkScan scan = (ZentrunkScan) new ZentrunkTable(o).newScanBuilder(new CaseInsensitiveStringMap(o)).build();
    InputPartition[] parts = scan.planInputPartitions();
    assertThat(parts.length).isGreaterThanOrEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(Arrays.stream(((AccountsPartition) parts[i]).slices).map(p -> p.account).toList()).as("partition " + i)
          .containsExactly(0, 1, 2, 3);
    }
    assertThat(scan.description()).contains("Accounts: " + IDS).doesNotContain("token-1");
  }

  @Test
  void countsGroupCountsTopNAndFiltersArePerAccountAndCombined() {
    Map<String, List<EmulatedCall>> truth = new TreeMap<>();
    IDS.forEach(id -> truth.put(id, api.groundTruth(id, FROM, TO)));
    List<EmulatedCall> all = truth.values().stream().flatMap(List::stream).toList();
    Dataset<Row> df = read(options(api, credentials, IDS));

    assertThat(df.count()).isEqualTo(all.size());
    assertThat(df.filter(col("call_direction").equalTo("inbound")).count())
        .isEqualTo(all.stream().filter(c -> c.callDirection().equals("inbound")).count());

    Dataset<Row> grouped = df.groupBy("call_direction").count();
    assertThat(grouped.queryExecution().executedPlan().toString()).contains("PushedGroupBy");
    Map<String, Long> got = grouped.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
    assertThat(got).isEqualTo(all.stream().collect(Collectors.groupingBy(EmulatedCall::callDirection, Collectors.counting())));

    Map<String, Long> perAccount = df.groupBy("account_id").count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
    truth.forEach((id, calls) -> assertThat(perAccount.get(id)).as(id).isEqualTo(calls.size()));

    List<String> newest = df.orderBy(col("end_time").desc(), col("call_uuid").desc()).limit(15).collectAsList().stream()
        .map(r -> r.getString(0)).toList();
    List<String> want = all.stream().sorted(Comparator.comparing(EmulatedCall::endTime).reversed()
        .thenComparing(Comparator.comparing(EmulatedCall::callUuid).reversed())).limit(15).map(EmulatedCall::callUuid).toList();
    assertThat(newest).isEqualTo(want);

    // account_id = / IN narrows the read to those accounts (the plan names what is left), and COUNT(*) stays pushed
    String third = IDS.get(2);
    Dataset<Row> onlyThird = df.filter(col("account_id").equalTo(third));
    assertThat(onlyThird.queryExecution().executedPlan().toString()).doesNotContain("Accounts:");
    SourceReads.assertExactly(onlyThird.collectAsList(), truth.get(third), third);
    Dataset<Row> two = df.filter(col("account_id").isin(IDS.get(1), IDS.get(3)));
    assertThat(two.queryExecution().executedPlan().toString()).contains("Accounts: [" + IDS.get(1) + ", " + IDS.get(3) + "]");
    Dataset<Row> twoCount = two.groupBy().count();
    assertThat(twoCount.queryExecution().executedPlan().toString()).contains("PushedAggregates: [COUNT(*)]");
    assertThat(twoCount.first().getLong(0)).isEqualTo(truth.get(IDS.get(1)).size() + truth.get(IDS.get(3)).size());
  }

  @Test
  void aSharedBudgetNeverPassesTheSharedLimit() throws Exception {
    // a main account and its subaccount whose limit Plivo counts with the main account's: 20 per 1 s for both
    String sub = "SASUBACCOUNT00000001";
    try (ZentrunkEmulator shared = ZentrunkEmulator.start(EmulatorConfig.builder().now(NOW).seed(5).callsPerDay(5_000)
        .rateLimit(20, java.time.Duration.ofSeconds(1))
        .account(new EmulatorConfig.Account(sub, "sub-token", 6, 20, EmulatorConfig.MAIN_GROUP)).build())) {
      Path creds = dir.resolve("shared-credentials");
      Files.writeString(creds, EmulatorConfig.DEFAULT_AUTH_ID + "=" + EmulatorConfig.DEFAULT_AUTH_TOKEN + "\n" + sub
          + "=sub-token\n");
      Files.setPosixFilePermissions(creds, PosixFilePermissions.fromString("rw-------"));
      Map<String, String> o = options(shared, creds, List.of(EmulatorConfig.DEFAULT_AUTH_ID, sub));
      o.put("start", "2026-11-19T06:00:00Z");
      o.put("end", "2026-11-19T12:00:00Z");
      // the default for a read listing a subaccount: one budget for all its accounts
      o.put("request_budget", "20");
      o.put("budget_window_ms", "1000");
      shared.recordArrivals();
      List<Row> rows = read(o).collectAsList();
      long[] arrivals = shared.arrivals();
      for (String id : List.of(EmulatorConfig.DEFAULT_AUTH_ID, sub)) {
        SourceReads.assertExactly(rows.stream().filter(r -> r.getString(r.fieldIndex("account_id")).equals(id)).toList(),
            shared.groundTruth(id, Instant.parse("2026-11-19T06:00:00Z"), Instant.parse("2026-11-19T12:00:00Z")), id);
      }
      assertThat(arrivals.length).as("enough requests to need the limit several times over").isGreaterThan(100);
      int peak = 0;
      for (int i = 0, j = 0; i < arrivals.length; i++) {
        while (arrivals[i] - arrivals[j] >= 1_000_000_000L) {
          j++;
        }
        peak = Math.max(peak, i - j + 1);
      }
      assertThat(peak).as("requests of both accounts in any 1 s").isLessThanOrEqualTo(20);
      assertThat(shared.stats().status(429)).isZero();
    }
  }

  @Test
  void aRevokedTokenFailsTheReadNamingItsAccountBeforeAnythingIsWritten() throws Exception {
    try (ZentrunkEmulator revoked = ZentrunkEmulator.start(EmulatorConfig.builder().now(NOW).seed(7).callsPerDay(5_000)
        .account(new EmulatorConfig.Account(IDS.get(1), "token-1", 8, 300, null)).build())) {
      revoked.revokeToken(IDS.get(1));
      Path creds = dir.resolve("revoked-credentials");
      Files.writeString(creds, IDS.get(0) + "=" + EmulatorConfig.DEFAULT_AUTH_TOKEN + "\n" + IDS.get(1) + "=token-1\n");
      Files.setPosixFilePermissions(creds, PosixFilePermissions.fromString("rw-------"));
      Path out = dir.resolve("revoked-out");
      Dataset<Row> df = read(options(revoked, creds, List.of(IDS.get(0), IDS.get(1))));
      revoked.recordListQueries();
      assertThatThrownBy(() -> df.write().parquet(out.toString()))
          .satisfies(e -> {
            Throwable root = e;
            while (root.getCause() != null && !(root instanceof io.zentrunk.spark.client.ZentrunkApiException)) {
              root = root.getCause();
            }
            assertThat(root.getMessage()).startsWith("the API refused the token of account " + IDS.get(1) + " (401)")
                .doesNotContain("\n").doesNotContain("token-1");
          });
      // one request per account, the check's, and no row written anywhere
      assertThat(revoked.listQueries()).hasSize(2);
      try (Stream<Path> s = Files.exists(out) ? Files.walk(out) : Stream.empty()) {
        assertThat(s.filter(Files::isRegularFile).toList()).isEmpty();
      }
      assertThat(new ArrayList<>(List.of(df.columns()))).endsWith("account_id");
    }
  }

  @Test
  void aStreamOfSeveralAccountsIsRefusedInOneLineNamingTheOptionBeforeAnyRequest() throws Exception {
    Map<String, String> o = options(api, credentials, IDS);
    o.remove("end");
    api.resetStats();
    Dataset<Row> stream = spark.readStream().format("zentrunk").options(o).load();
    assertThatThrownBy(() -> stream.writeStream().format("noop")
            .option("checkpointLocation", dir.resolve("stream-checkpoint").toString()).start().processAllAvailable())
        .satisfies(e -> {
          Throwable t = e;
          while (t.getCause() != null && !(t instanceof IllegalArgumentException)) {
            t = t.getCause();
          }
          assertThat(t.getMessage()).isEqualTo("Option 'auth_ids': a stream reads one account; start one stream per "
              + "account (each with its own checkpoint)");
        });
    assertThat(api.stats().requests()).as("no request sent").isZero();
  }
}
