package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.client.UtcDays;
import io.zentrunk.spark.emulator.EmulatorConfig;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import io.zentrunk.spark.lake.CdrLake;
import io.zentrunk.spark.lake.IcebergLake;
import io.zentrunk.spark.lake.Lakes;
import io.zentrunk.spark.source.CdrSchema;
import io.zentrunk.spark.testing.SourceReads;
import io.zentrunk.spark.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import io.zentrunk.spark.report.ReportJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import static org.apache.spark.sql.functions.col;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report and ingest jobs over four accounts of 5,000 calls a day ({@code --source-option auth_ids=...}, tokens from a
 * credentials file) into one Iceberg lake, run in this JVM as users run it: twice, each run exact per account against
 * the emulator's ground truth, one state per account, one commit per run, the table partitioned by account; then a
 * revoked token for one account fails the run in one line naming the account, and nothing of it is written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccountsIngestIT {

  static final LocalDate D1 = LocalDate.parse("2026-11-01");
  static final List<String> IDS = List.of(EmulatorConfig.DEFAULT_AUTH_ID, "MAACCOUNT00000000002", "MAACCOUNT00000000003",
      "MAACCOUNT00000000004");

  @TempDir static Path dir;
  static SparkSession spark;
  static ZentrunkEmulator api;
  static Path credentials;

  @BeforeAll
  static void start() throws Exception {
    spark = TestSpark.session();
    EmulatorConfig.Builder b = EmulatorConfig.builder().now(at(D1.plusDays(1))).seed(21).callsPerDay(5_000);
    StringBuilder file = new StringBuilder(IDS.get(0) + "=" + EmulatorConfig.DEFAULT_AUTH_TOKEN + "\n");
    for (int i = 1; i < IDS.size(); i++) {
      b.account(new EmulatorConfig.Account(IDS.get(i), "secret-token-" + i, 21 + i, 300, null));
      file.append(IDS.get(i)).append("=secret-token-").append(i).append('\n');
    }
    api = ZentrunkEmulator.start(b.build());
    credentials = dir.resolve("credentials");
    Files.writeString(credentials, file);
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  /** Runs at 02:00 of a day: an hour past the safety margin, so the day before is complete. */
  static Instant at(LocalDate d) {
    return UtcDays.start(d).plus(Duration.ofHours(2));
  }

  record Run(int code, String out, String err) {}

  static Run ingest(Path lake, String... more) {
    List<String> args = new ArrayList<>(List.of("ingest", "--lake", lake.toString(), "--api-url", api.baseUrl(),
        "--now", api.now().toString(), "--source-option", "auth_ids=" + String.join(",", IDS),
        "--source-option", "credentials_file=" + credentials));
    args.addAll(List.of(more));
    return run(args);
  }

  static Run run(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run(args.toArray(new String[0]));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Table table(Path lake) {
    return new HadoopTables(spark.sparkContext().hadoopConfiguration()).load(lake.resolve("cdrs").toString());
  }

  /** Every account's rows in the lake are its ground truth from D1 to now, field for field, with its account_id. */
  static void assertExactPerAccount(Path lake) {
    Instant from = UtcDays.start(D1);
    CdrLake l = Lakes.open(spark, lake.toString(), null, null);
    Map<String, List<Row>> byAccount = l.read(from, api.now()).collectAsList().stream()
        .collect(Collectors.groupingBy(r -> r.getString(r.fieldIndex(CdrSchema.ACCOUNT_ID))));
    assertThat(byAccount.keySet()).containsExactlyInAnyOrderElementsOf(IDS);
    for (String id : IDS) {
      SourceReads.assertExactly(byAccount.get(id), api.groundTruth(id, from, api.now()), id);
    }
  }

  static void assertStates(Snapshot s, LocalDate completeUntil) {
    for (String id : IDS) {
      assertThat(s.summary().get(IcebergLake.completeUntil(id))).as("state of " + id + " in " + s.summary())
          .isEqualTo(UtcDays.start(completeUntil).toString());
    }
  }

  /**
   * The report of four accounts, call quality included: every dataset has account_id as its last column, each
   * account's rows are exactly that account's own report (a read of it alone, whose datasets keep their columns, without account_id), and the
   * page and the summary have a part per account. Runs first: the ingest test revokes a token.
   */
  @Test
  @Order(1)
  void aReportOfFourAccountsIsEachAccountsOwnReportWithItsAccountId() throws Exception {
    Path all = dir.resolve("report-all");
    Path alone = dir.resolve("report-alone");
    String id = IDS.get(1);
    Run r = run(report(all, String.join(",", IDS)));
    assertThat(r.code()).as(r.err()).isZero();
    Run single = run(report(alone, id));
    assertThat(single.code()).as(single.err()).isZero();
    for (String name : List.of(ReportJob.HANGUP_CAUSES, ReportJob.COUNTRIES, ReportJob.ATTESTATION, ReportJob.KPIS,
        ReportJob.CAPACITY, ReportJob.FRAUD_SIGNALS, ReportJob.TRUNK_HOURS, ReportJob.TRUNK_SIZING,
        ReportJob.WANGIRI_SIGNALS, ReportJob.QUALITY, ReportJob.QUALITY_CARRIERS, ReportJob.QUALITY_HOURS)) {
      Dataset<Row> mine = spark.read().parquet(all.resolve(name).toString());
      Dataset<Row> own = spark.read().parquet(alone.resolve(name).toString());
      assertThat(own.columns()).as(name + " of one account").doesNotContain(CdrSchema.ACCOUNT_ID);
      assertThat(mine.columns()).as(name).endsWith(CdrSchema.ACCOUNT_ID);
      if (!name.equals(ReportJob.FRAUD_SIGNALS) && !name.equals(ReportJob.WANGIRI_SIGNALS)) {
        assertThat(mine.select(CdrSchema.ACCOUNT_ID).distinct().count()).as(name + ": accounts").isEqualTo(IDS.size());
      }
      List<String> ofId = lines(mine.filter(col(CdrSchema.ACCOUNT_ID).equalTo(id)).drop(CdrSchema.ACCOUNT_ID));
      assertThat(ofId).as(name + " of " + id).containsExactlyInAnyOrderElementsOf(lines(own));
    }
    String page = Files.readString(all.resolve("report.html"));
    for (String a : IDS) {
      assertThat(page).contains("<h2 class=\"account\" id=\"account-" + a + "\">Account " + a + "</h2>")
          .contains("id=\"" + a + "-days\"").contains("id=\"" + a + "-quality\"");
      assertThat(r.out()).contains("Account " + a + "\n");
    }
    // each account's part of the summary has its own call-quality lines, those of the account's own report
    for (int i = 0; i < IDS.size(); i++) {
      int from = r.out().indexOf("Account " + IDS.get(i) + "\n");
      int to = i + 1 < IDS.size() ? r.out().indexOf("Account " + IDS.get(i + 1) + "\n") : r.out().length();
      String part = r.out().substring(from, to);
      assertThat(part).as("summary of " + IDS.get(i)).contains("Call quality (Insights): ");
      if (IDS.get(i).equals(id)) {
        assertThat(part).endsWith(single.out().substring(single.out().indexOf("Call quality (Insights): ")));
      }
    }
    assertThat(Files.readString(alone.resolve("report.html"))).doesNotContain("class=\"account\"");
  }

  static List<String> report(Path out, String authIds) {
    return List.of("report", "--api-url", api.baseUrl(), "--now", api.now().toString(), "--start", D1.toString(),
        "--end", D1.plusDays(1).toString(), "--no-fraud-baseline-read", "--output", out.toString(),
        "--source-option", "auth_ids=" + authIds, "--source-option", "credentials_file=" + credentials,
        // a sample of each account's calls (the same calls in both reports): an Insights request per sampled call
        "--quality", "--quality-sample", "0.05");
  }

  /** A dataset's rows as lines, doubles to 12 significant digits (sums in another order differ in the last bits). */
  static List<String> lines(Dataset<Row> df) {
    return df.collectAsList().stream().map(row -> {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < row.length(); i++) {
        Object v = row.get(i);
        b.append(v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.12g", d) : String.valueOf(v)).append('|');
      }
      return b.toString();
    }).toList();
  }

  @Test
  @Order(2)
  void twiceOverFourAccountsExactWithAStatePerAccountInOneCommitPerRunThenARevokedTokenWritesNothing() {
    Path lake = dir.resolve("lake");
    Run first = ingest(lake, "--start", D1.toString());
    assertThat(first.code()).as(first.err()).isZero();
    for (String id : IDS) {
      assertThat(first.out()).contains("of account " + id + " in 2 days").contains("complete until " + UtcDays.start(D1.plusDays(1)));
    }
    Table t = table(lake);
    assertThat(t.spec().fields().get(0).name()).as("partitioned by account first").isEqualTo(CdrSchema.ACCOUNT_ID);
    Snapshot one = t.currentSnapshot();
    assertStates(one, D1.plusDays(1));
    assertExactPerAccount(lake);

    api.setNow(at(D1.plusDays(2)));
    Run second = ingest(lake);
    assertThat(second.code()).as(second.err()).isZero();
    t.refresh();
    Snapshot two = t.currentSnapshot();
    assertThat(two.parentId()).as("one commit: the second run's snapshot is the child of the first's").isEqualTo(one.snapshotId());
    assertStates(two, D1.plusDays(2));
    assertThat(second.err()).as("each account's lookback day counted and kept").contains(IDS.get(3) + ": " + D1 + ": ");
    assertExactPerAccount(lake);

    // a revoked token: one line naming the account (never a token), exit 1, the lake as it was
    api.revokeToken(IDS.get(2));
    api.setNow(at(D1.plusDays(3)));
    Run third = ingest(lake);
    assertThat(third.code()).as(third.err()).isEqualTo(JobCommand.FAILED);
    List<String> failed = third.err().lines().filter(l -> l.startsWith("zentrunk-spark ingest: failed")).toList();
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0)).contains("account " + IDS.get(2));
    assertThat(third.err() + third.out()).doesNotContain("secret-token-");
    t.refresh();
    assertThat(t.currentSnapshot().snapshotId()).as("nothing of the failed run is visible").isEqualTo(two.snapshotId());
  }

  @Test
  @Order(3)
  void aParquetLakeHoldsOneAccountAndIsRefusedInOneLine() {
    Run r = ingest(dir.resolve("parquet-lake"), "--format", "parquet", "--start", D1.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(JobCommand.USAGE);
    assertThat(r.err().lines().filter(l -> l.startsWith("zentrunk-spark ingest:")).toList())
        .containsExactly("zentrunk-spark ingest: --format parquet holds one account: several accounts (auth_ids) are ingested into an "
            + "Iceberg lake, partitioned by account (leave out --format)");
    assertThat(dir.resolve("parquet-lake")).doesNotExist();
  }
}
