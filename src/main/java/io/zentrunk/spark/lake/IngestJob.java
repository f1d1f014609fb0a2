package io.zentrunk.spark.lake;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/** Ingest as a function of its inputs (lake, window, clock, reader): what the ingest command runs. */
public final class IngestJob {

  public static final int DEFAULT_KEEP_SNAPSHOTS_DAYS = 7;

  /** How a run decides which lookback days to re-read ({@code --verify-days}). */
  public enum VerifyDays {
    /** re-read a lookback day only if the API's count for it differs from the lake's ({@link LookbackCheck}) */
    COUNTS,
    /** re-read every lookback day whole */
    FULL;

    /** @throws LakeUsageException naming {@code --verify-days} */
    public static VerifyDays parse(String s) {
      for (VerifyDays v : values()) {
        if (v.name().equalsIgnoreCase(s)) {
          return v;
        }
      }
      throw new LakeUsageException("--verify-days must be counts or full, not '" + s + "'");
    }
  }

  private IngestJob() {}

  /**
   * The arguments of one run; {@code start}, {@code end} and {@code format} may be null, and exactly one of
   * {@code lake} and {@code table} is set.
   *
   * @param source where this run reads CDRs from, checked against what the lake recorded
   * @param changeSource record {@code source} even if the lake holds another one
   */
  public record Args(String lake, String table, LakeFormat format, Instant start, Instant end, int lookbackDays,
      boolean acceptDataLoss, int keepSnapshotsDays, Provenance source, boolean changeSource, VerifyDays verifyDays,
      List<String> accounts) {

    public Args {
      accounts = accounts == null ? List.of() : List.copyOf(accounts);
    }

    public Args(String lake, String table, LakeFormat format, Instant start, Instant end, int lookbackDays,
        boolean acceptDataLoss, int keepSnapshotsDays, Provenance source, boolean changeSource, VerifyDays verifyDays) {
      this(lake, table, format, start, end, lookbackDays, acceptDataLoss, keepSnapshotsDays, source, changeSource,
          verifyDays, List.of());
    }

    public Args(String lake, String table, LakeFormat format, Instant start, Instant end, int lookbackDays,
        boolean acceptDataLoss, int keepSnapshotsDays, Provenance source, boolean changeSource) {
      this(lake, table, format, start, end, lookbackDays, acceptDataLoss, keepSnapshotsDays, source, changeSource,
          VerifyDays.COUNTS);
    }

    /** A {@code --lake} run with the defaults of everything else. */
    public static Args lake(String lake, LakeFormat format, Instant start, Instant end, Provenance source) {
      return new Args(lake, null, format, start, end, IngestPlanner.DEFAULT_LOOKBACK_DAYS, false,
          DEFAULT_KEEP_SNAPSHOTS_DAYS, source, false);
    }

    public Args withLookback(int days, boolean acceptLoss) {
      return new Args(lake, table, format, start, end, days, acceptLoss, keepSnapshotsDays, source, changeSource,
          verifyDays, accounts);
    }

    public Args withKeepSnapshotsDays(int days) {
      return new Args(lake, table, format, start, end, lookbackDays, acceptDataLoss, days, source, changeSource,
          verifyDays, accounts);
    }

    public Args withSource(Provenance s, boolean onPurpose) {
      return new Args(lake, table, format, start, end, lookbackDays, acceptDataLoss, keepSnapshotsDays, s, onPurpose,
          verifyDays, accounts);
    }

    public Args withVerifyDays(VerifyDays v) {
      return new Args(lake, table, format, start, end, lookbackDays, acceptDataLoss, keepSnapshotsDays, source,
          changeSource, v, accounts);
    }

    /**
     * A run over several accounts ({@code auth_ids}): one state per account, all in the same commit, in an Iceberg
     * lake partitioned by account ({@link AccountsIngest}).
     */
    public Args withAccounts(List<String> ids) {
      return new Args(lake, table, format, start, end, lookbackDays, acceptDataLoss, keepSnapshotsDays, source,
          changeSource, verifyDays, ids);
    }
  }

  /**
   * Opens the lake, takes its lock (a lake folder), checks or records the source, plans from the state, loads,
   * then expires what the lake no longer needs.
   */
  public static CdrLake.Result run(SparkSession spark, Args args, Instant now, CdrInput reader, Consumer<String> progress) {
    return run(spark, args, now, reader, progress, () -> {});
  }

  /**
   * A run over the accounts of {@code args} ({@link Args#withAccounts}): each account planned from its own state,
   * all read at once and committed with every account's state in one snapshot.
   *
   * @param reader the CDRs of every account (the source's {@code auth_ids}); each account's rows are taken by
   *     {@code account_id}
   * @return each account's result, in the order of {@code args.accounts()}
   */
  public static Map<String, CdrLake.Result> runAccounts(SparkSession spark, Args args, Instant now, CdrInput reader,
      Consumer<String> progress, Runnable beforeCommit) {
    return AccountsIngest.run(spark, args, now, reader, progress, beforeCommit);
  }

  /**
   * As {@link #run(SparkSession, Args, Instant, CdrInput, Consumer)}, with {@code beforeCommit} run after the lock
   * check, just before the run's data becomes visible: where tests hold two runs to make them overlap.
   */
  public static CdrLake.Result run(SparkSession spark, Args args, Instant now, CdrInput reader, Consumer<String> progress,
      Runnable beforeCommit) {
    return run(spark, args, now, reader, null, progress, beforeCommit);
  }

  /**
   * As {@link #run(SparkSession, Args, Instant, CdrInput, Consumer, Runnable)}; with {@code insights} not null
   * ({@code --with-insights}) the run also adds the Insights of its new calls to the Iceberg table
   * {@code call_insights} beside {@code cdrs}, in the same commit ({@link LakeInsights}).
   *
   * @throws LakeUsageException in one line for a Parquet lake, before any request
   */
  public static CdrLake.Result run(SparkSession spark, Args args, Instant now, CdrInput reader, InsightsInput insights,
      Consumer<String> progress, Runnable beforeCommit) {
    if (!args.accounts().isEmpty()) {
      throw new IllegalArgumentException("a run over several accounts is runAccounts'");
    }
    CdrLake lake = Lakes.open(spark, args.lake(), args.table(), args.format());
    if (insights != null) {
      if (!(lake instanceof IcebergLake iceberg)) {
        throw new LakeUsageException("--with-insights needs an Iceberg lake: " + lake.name() + " is a "
            + lake.format().label() + " lake (one state file, no second table in the same commit)");
      }
      iceberg.withInsights(insights);
    }
    if (lake instanceof IcebergLake i && i.table().map(IcebergLake::byAccount).orElse(false)) {
      throw new LakeUsageException(lake.name() + " holds the CDRs of several accounts (partitioned by account): "
          + "ingest it with the source option auth_ids listing them");
    }
    StageMarkers.reach(StageMarkers.OPENED);
    try (LakeLock lock = lake.lock()) {
      StageMarkers.reach(StageMarkers.LOCKED);
      if (lock.note != null) {
        progress.accept(lock.note);
      }
      lake.prepare(args.source(), args.changeSource(), progress);
      CdrLake.Base base = lake.base();
      IngestPlan plan = IngestPlanner.plan(IngestPlanner.Request.of(base.state().orElse(null), args.start(), args.end(),
          args.lookbackDays(), args.acceptDataLoss(), now));
      plan.notes().forEach(progress);
      if (args.verifyDays() == VerifyDays.COUNTS && args.start() == null) { // --start: the user asks for those days
        plan = LookbackCheck.narrow(plan, base, lake, reader, progress);
      }
      if (plan.days().isEmpty()) {
        progress.accept("nothing changed: every day of the window is in the lake as the API lists it");
        progress.accept("state unchanged: " + base.state().map(Instant::toString).orElse("none"));
        return new CdrLake.Result(java.util.Map.of(), base.state());
      }
      CdrLake.Result result = lake.ingest(plan, base, reader, progress, () -> {
        lock.check();
        beforeCommit.run();
      });
      lake.housekeeping(args.keepSnapshotsDays(), progress);
      progress.accept(String.format(Locale.ROOT, "done: %,d records in %d days", result.records(), plan.days().size()));
      return result;
    }
  }
}
