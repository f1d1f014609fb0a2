package io.zentrunk.spark.lake;

import static io.zentrunk.spark.lake.LakeDays.window;
import static org.apache.spark.sql.functions.col;

import io.zentrunk.spark.source.CdrSchema;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Ingest over several accounts ({@code auth_ids}) into one Iceberg lake partitioned by account, then by day.
 *
 * <p>Each account has its own state (the snapshot-summary key {@code zentrunk.complete-until.<AUTH_ID>}) and its own
 * plan from it, as one account's lake has ({@link IngestPlanner}, {@link LookbackCheck} on that account's files and
 * that account's count in the API). The accounts whose plans read the same windows are read together, in one read
 * of the source (its partitions interleave the accounts, each at its own budget); one commit replaces each account's
 * planned days and records every account's state, so the lake never holds one account's new days without the
 * others' states of the same run. A failure of any account's read (a revoked token: one line naming the account)
 * fails the run before its commit: nothing of it is visible.
 *
 * <p>Parquet lakes hold one account: their state is one file of one instant, and their day partitions would have to
 * become account partitions; a run over several accounts into one is refused in one line.
 */
final class AccountsIngest {

  private AccountsIngest() {}

  static Map<String, CdrLake.Result> run(SparkSession spark, IngestJob.Args args, Instant now, CdrInput reader,
      Consumer<String> progress, Runnable beforeCommit) {
    List<String> accounts = args.accounts();
    if (args.format() == LakeFormat.PARQUET) {
      throw new LakeUsageException("--format parquet holds one account: several accounts (auth_ids) are ingested into "
          + "an Iceberg lake, partitioned by account (leave out --format)");
    }
    CdrLake opened = Lakes.open(spark, args.lake(), args.table(), args.format());
    if (!(opened instanceof IcebergLake lake)) {
      throw new LakeUsageException(opened.name() + " is a Parquet lake, which holds one account: ingest several "
          + "accounts (auth_ids) into a new Iceberg lake");
    }
    lake.table().ifPresent(t -> {
      if (!IcebergLake.byAccount(t)) {
        throw new LakeUsageException(lake.name() + " holds one account's CDRs and is not partitioned by account: "
            + "ingest several accounts (auth_ids) into a new lake");
      }
    });
    StageMarkers.reach(StageMarkers.OPENED);
    try (LakeLock lock = lake.lock()) {
      StageMarkers.reach(StageMarkers.LOCKED);
      if (lock.note != null) {
        progress.accept(lock.note);
      }
      lake.prepare(args.source(), args.changeSource(), progress, true);
      CdrLake.Base base = lake.base();
      Map<String, Optional<Instant>> states = lake.accountStates(accounts, base);
      Map<String, IngestPlan> plans = new LinkedHashMap<>();
      for (String account : accounts) {
        Consumer<String> says = line -> progress.accept(account + ": " + line);
        IngestPlan plan;
        try {
          plan = IngestPlanner.plan(IngestPlanner.Request.of(states.get(account).orElse(null), args.start(),
              args.end(), args.lookbackDays(), args.acceptDataLoss(), now));
        } catch (LakeUsageException e) {
          throw new LakeUsageException("account " + account + ": " + e.getMessage(), e);
        }
        plan.notes().forEach(says);
        if (args.verifyDays() == IngestJob.VerifyDays.COUNTS && args.start() == null) {
          CdrLake.Base mine = new CdrLake.Base(states.get(account), base.snapshotId());
          plan = LookbackCheck.narrow(plan, mine, days -> lake.recordsHeld(days, mine, account),
              ofAccount(reader, account), says);
        }
        plans.put(account, plan);
      }
      Map<String, CdrLake.Result> results = new LinkedHashMap<>();
      if (plans.values().stream().allMatch(p -> p.days().isEmpty())) {
        progress.accept("nothing changed: every day of the window is in the lake as the API lists it, for every account");
        accounts.forEach(a -> results.put(a, new CdrLake.Result(Map.of(), states.get(a))));
        return results;
      }
      Map<String, Map<LocalDate, Long>> counts = lake.ingestAccounts(plans, base, states, read(reader, plans),
          progress, () -> {
            lock.check();
            beforeCommit.run();
          });
      lake.housekeeping(args.keepSnapshotsDays(), progress);
      for (String account : accounts) {
        IngestPlan plan = plans.get(account);
        Optional<Instant> state = plan.advanceStateTo().isPresent() ? plan.advanceStateTo() : states.get(account);
        CdrLake.Result r = new CdrLake.Result(counts.getOrDefault(account, Map.of()), state);
        results.put(account, r);
        progress.accept(String.format(Locale.ROOT, "%s: %,d records in %d days; state: %s", account, r.records(),
            plan.days().size(), state.map(Instant::toString).orElse("none")));
      }
      return results;
    }
  }

  /** One account's CDRs of {@code all}: the source narrows a read to the accounts an account_id filter keeps. */
  static CdrInput ofAccount(CdrInput all, String account) {
    return (from, to) -> all.read(from, to).where(col(CdrSchema.ACCOUNT_ID).equalTo(account));
  }

  /**
   * Every account's planned days: the accounts whose plans have the same windows in one read of each window (the
   * usual case: they share their states, run after run), filtered to exactly those accounts and windows.
   */
  static Dataset<Row> read(CdrInput reader, Map<String, IngestPlan> plans) {
    Map<List<IngestPlan.Window>, List<String>> together = new LinkedHashMap<>();
    plans.forEach((account, plan) -> {
      if (!plan.days().isEmpty()) {
        together.computeIfAbsent(plan.windows(), w -> new ArrayList<>()).add(account);
      }
    });
    Dataset<Row> all = null;
    for (Map.Entry<List<IngestPlan.Window>, List<String>> g : together.entrySet()) {
      for (IngestPlan.Window w : g.getKey()) {
        Dataset<Row> one = reader.read(w.start(), w.end()).where(window(w.start(), w.end()))
            .where(col(CdrSchema.ACCOUNT_ID).isin(g.getValue().toArray()));
        all = all == null ? one : all.unionByName(one);
      }
    }
    if (all == null) {
      throw new IllegalArgumentException("no account's plan has a day to read");
    }
    return all;
  }
}
