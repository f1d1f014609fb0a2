package io.zentrunk.spark.report;

import io.zentrunk.spark.client.CdrField;
import io.zentrunk.spark.client.UtcDays;
import io.zentrunk.spark.source.CdrColumns;
import io.zentrunk.spark.source.CdrSchema;
import io.zentrunk.spark.storage.S3aSettings;
import io.zentrunk.spark.storage.SessionConf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the six reports as Parquet under {@code <output>/hangup_causes/}, {@code countries/},
 * {@code attestation/}, {@code kpis/}, {@code capacity/} and {@code fraud_signals/}, replacing what a previous
 * run over the same output wrote, and prints the summary.
 */
public final class ReportJob {

  public static final String HANGUP_CAUSES = "hangup_causes";
  public static final String COUNTRIES = "countries";
  public static final String ATTESTATION = "attestation";
  public static final String KPIS = "kpis";
  public static final String CAPACITY = "capacity";
  public static final String FRAUD_SIGNALS = "fraud_signals";
  public static final String TRUNK_HOURS = "trunk_hours";
  public static final String TRUNK_SIZING = "trunk_sizing";
  public static final String WANGIRI_SIGNALS = "wangiri_signals";
  /** With call quality only ({@link Input#insights()}): {@link Quality#of}, {@link Quality#carriers}, {@link Quality#hours}. */
  public static final String QUALITY = "quality";
  public static final String QUALITY_CARRIERS = "quality_carriers";
  public static final String QUALITY_HOURS = "quality_hours";
  /** Where the data came from ({@link ReportSource#json}), beside the datasets. */
  public static final String SOURCE_FILE = "_source.json";

  private ReportJob() {}

  /**
   * What one report reads: the window's CDRs ({@code start <= end_time < end}), the CDRs of the fraud baseline
   * days before {@code start} (or null when none were read), the first UTC day that the two together cover
   * completely, and the fraud rule.
   */
  public record Input(Dataset<Row> window, Dataset<Row> baseline, Instant start, Instant end, LocalDate coveredFrom,
      FraudRule rule, Dataset<Row> insights) {

    /** Without call quality: no Insights read. */
    public Input(Dataset<Row> window, Dataset<Row> baseline, Instant start, Instant end, LocalDate coveredFrom,
        FraudRule rule) {
      this(window, baseline, start, end, coveredFrom, rule, null);
    }

    /** The same input with the window's {@code call_insights} rows: the report measures call quality. */
    public Input withInsights(Dataset<Row> insights) {
      return new Input(window, baseline, start, end, coveredFrom, rule, insights);
    }

    /**
     * Only the window's CDRs, no baseline days: fraud signals judge the window's later days against its earlier
     * full days.
     */
    public static Input windowOnly(Dataset<Row> window, Instant start, Instant end, FraudRule rule) {
      return new Input(window, null, start, end, UtcDays.ceilDay(start), rule);
    }
  }

  /**
   * As {@link #run(SparkSession, Input, String, PrintStream)} for CDRs whose window is not known: it is taken from
   * the data (the hour of the first {@code end_time} to one second after the last), with no baseline days.
   */
  public static String run(SparkSession spark, Dataset<Row> cdrs, String outputPath, PrintStream out) {
    Row r = cdrs.agg(min(col(CdrColumns.END_TIME)), max(col(CdrColumns.END_TIME))).first();
    Instant start = r.isNullAt(0) ? Instant.EPOCH : (Instant) r.get(0);
    Instant end = r.isNullAt(1) ? Instant.EPOCH.plusSeconds(1) : ((Instant) r.get(1)).plusSeconds(1);
    return run(spark, Input.windowOnly(cdrs, start, end, FraudRule.defaults()), outputPath, out);
  }

  public static void run(SparkSession spark, Input in, String outputPath) {
    run(spark, in, outputPath, System.out);
  }

  /** Writes the reports of {@code in} with every option's default, its source not stated. */
  public static String run(SparkSession spark, Input in, String outputPath, PrintStream out) {
    return run(spark, in, ReportSettings.defaults(in), outputPath, out);
  }

  /**
   * Writes the reports of {@code in}, {@code _source.json} and the page, printing the summary (its first line
   * says where the data came from) to {@code out}; returns it too.
   */
  @SuppressWarnings("try") // the resource is the scope of the session confs
  public static String run(SparkSession spark, Input in, ReportSettings settings, String outputPath, PrintStream out) {
    // five aggregations and the fraud days over one input: read each source (an API or the lake) once, and read
    // the window and the baseline together, before any computation (see ReadTogether)
    // what is cached is what the reports compute on: the CDR columns no report reads are left out (a third of a
    // row), so that the cache is built, held and scanned faster (the API's pages and the lake's files are the same)
    // a lake's files are read again by each dataset, only its columns, rather than cached whole (see
    // ReadTogether#counted)
    Dataset<Row> window = narrow(in.window());
    Dataset<Row> before = in.baseline() == null ? null : narrow(in.baseline());
    try (ReadTogether reads = ReportSource.LAKE.equals(settings.source().kind()) ? ReadTogether.counted(window, before)
        : ReadTogether.read(window, before)) {
      // small inputs are computed on one partition (see ONE_PARTITION_ROWS): no shuffle, one stage per dataset
      boolean onePartition = reads.rows() <= ONE_PARTITION_ROWS;
      Dataset<Row> input = onePartition ? reads.get(0).coalesce(1) : reads.get(0);
      Dataset<Row> baseline = in.baseline() == null ? null : onePartition ? reads.get(1).coalesce(1) : reads.get(1);
      boolean quality = in.insights() != null && settings.quality() != null;
      // an Insights request per call: the table is read once, before the datasets that use it are written at once
      Dataset<Row> insights = quality ? in.insights().cache() : null;
      if (quality) {
        insights.count();
      }
      Map<String, Dataset<Row>> reports = datasets(in, settings, input, baseline, onePartition);
      if (quality && settings.perAccount()) {
        // each account's quality from its own calls (its median and flagged carriers), as the other datasets
        reports.put(QUALITY, perAccount(settings.accounts(), a -> Quality.of(ofAccount(insights, a), ofAccount(input, a))));
        reports.put(QUALITY_CARRIERS, perAccount(settings.accounts(),
            a -> Quality.carriers(ofAccount(insights, a), settings.quality())));
        reports.put(QUALITY_HOURS, perAccount(settings.accounts(), a -> Quality.hours(ofAccount(insights, a))));
      } else if (quality) {
        reports.put(QUALITY, Quality.of(insights, input));
        reports.put(QUALITY_CARRIERS, Quality.carriers(insights, settings.quality()));
        reports.put(QUALITY_HOURS, Quality.hours(insights));
      }
      String base = outputPath.endsWith("/") ? outputPath.substring(0, outputPath.length() - 1) : outputPath;
      boolean s3a = S3aSettings.isS3a(base);
      Map<String, String> conf = new HashMap<>(s3a ? S3aSettings.SESSION : Map.of());
      if (onePartition) {
        conf.putAll(ONE_PARTITION_CONF);
      }
      String summary;
      try (SessionConf ignored = SessionConf.set(spark, conf)) {
        // the sizing reads the written per-trunk hours back (one small row per trunk and hour, the sweep is not
        // computed twice), written as soon as they are, while the other datasets are still being written
        AtomicReference<Dataset<Row>> sized = new AtomicReference<>();
        writeAll(reports, base, s3a, TRUNK_HOURS, () -> {
          Dataset<Row> hours = spark.read().schema(reports.get(TRUNK_HOURS).schema()).parquet(base + "/" + TRUNK_HOURS);
          Dataset<Row> sizing = settings.perAccount()
              ? perAccount(settings.accounts(), a -> TrunkSizing.sizing(ofAccount(hours, a)
                  .drop(CdrSchema.ACCOUNT_ID), settings.limits()))
              : TrunkSizing.sizing(onePartition ? hours.coalesce(1) : hours, settings.limits());
          write(sizing, base + "/" + TRUNK_SIZING, s3a);
          sized.set(sizing);
        });
        reports.put(TRUNK_SIZING, sized.get());
        ReportFiles.write(spark, base + "/" + SOURCE_FILE, settings.source().json());
        // the summary and the page from the written datasets, read back once (small: a row per day, cause,
        // country, trunk and hour), never from the window's rows again; the schemas are the computed ones, so no
        // job infers them from the files
        List<String> back = new ArrayList<>(List.of(HANGUP_CAUSES, COUNTRIES, ATTESTATION, KPIS, CAPACITY, FRAUD_SIGNALS,
            TRUNK_HOURS, TRUNK_SIZING, WANGIRI_SIGNALS));
        if (quality) {
          back.addAll(List.of(QUALITY_CARRIERS, QUALITY_HOURS));
        }
        // all of them in one job (see ReadBack)
        Map<String, StructType> schemas = new LinkedHashMap<>();
        back.forEach(name -> schemas.put(name, reports.get(name).schema()));
        Map<String, List<Row>> rows = ReadBack.rows(spark, base, schemas);
        if (settings.perAccount()) {
          StringBuilder parts = new StringBuilder(settings.source().line() + "\n");
          for (String a : settings.accounts()) {
            Map<String, List<Row>> mine = ofAccount(rows, a);
            parts.append("Account ").append(a).append('\n').append(summary(mine))
                .append(quality ? Quality.summary(mine.get(QUALITY_CARRIERS), settings.quality()) : "");
          }
          summary = parts.toString();
        } else {
          summary = settings.source().line() + "\n" + summary(rows)
              + (quality ? Quality.summary(rows.get(QUALITY_CARRIERS), settings.quality()) : "");
        }
        ReportPage.write(spark, base, settings, rows);
      }
      if (insights != null) {
        insights.unpersist();
      }
      out.print(summary);
      out.flush();
      return summary;
    }
  }

  /** The summary's lines of the datasets' rows (one account's, or the report's of one account). */
  private static String summary(Map<String, List<Row>> rows) {
    return ReportSummary.calls(rows.get(HANGUP_CAUSES), rows.get(COUNTRIES), rows.get(ATTESTATION))
        + ReportSummary.operations(rows.get(KPIS), rows.get(CAPACITY), rows.get(FRAUD_SIGNALS))
        + TrunkSizing.summary(rows.get(TRUNK_SIZING))
        + Wangiri.summary(rows.get(WANGIRI_SIGNALS));
  }

  /**
   * The datasets of the report; of several accounts ({@link ReportSettings#perAccount()}), each computed per account
   * from that account's CDRs alone (a KPI, a peak or a baseline is never mixed across accounts) with
   * {@code account_id} as its last column.
   */
  static Map<String, Dataset<Row>> datasets(Input in, ReportSettings settings, Dataset<Row> window,
      Dataset<Row> baseline, boolean onePartition) {
    if (!settings.perAccount()) {
      return datasetsOf(in, settings, window, baseline, onePartition);
    }
    Map<String, Dataset<Row>> d = new LinkedHashMap<>();
    for (String a : settings.accounts()) {
      datasetsOf(in, settings, ofAccount(window, a), baseline == null ? null : ofAccount(baseline, a), onePartition)
          .forEach((name, ds) -> d.merge(name, tagged(ds, a), Dataset::unionByName));
    }
    return d;
  }

  /** One account's rows of {@code ds} (CDRs or a dataset with account_id). */
  static Dataset<Row> ofAccount(Dataset<Row> ds, String account) {
    return ds.filter(col(CdrSchema.ACCOUNT_ID).equalTo(account));
  }

  /** Each dataset's rows of one account (rows read back from datasets with account_id). */
  static Map<String, List<Row>> ofAccount(Map<String, List<Row>> rows, String account) {
    Map<String, List<Row>> out = new HashMap<>();
    rows.forEach((name, list) -> out.put(name, list.stream()
        .filter(r -> account.equals(r.getString(r.fieldIndex(CdrSchema.ACCOUNT_ID)))).toList()));
    return out;
  }

  private static Dataset<Row> tagged(Dataset<Row> ds, String account) {
    return ds.withColumn(CdrSchema.ACCOUNT_ID, lit(account));
  }

  /** The union of {@code f}'s dataset of each account, each with its account_id. */
  private static Dataset<Row> perAccount(List<String> accounts, Function<String, Dataset<Row>> f) {
    Dataset<Row> all = null;
    for (String a : accounts) {
      Dataset<Row> one = tagged(f.apply(a), a);
      all = all == null ? one : all.unionByName(one);
    }
    return all;
  }

  /**
   * The datasets the report writes, in order: the folder name and the pure DataFrame function that computes it
   * from the window and the baseline days (both read and cached by the caller). A new dataset is one line here
   * and its function. ({@code trunk_sizing} is computed from the written {@code trunk_hours}, after them.)
   */
  private static Map<String, Dataset<Row>> datasetsOf(Input in, ReportSettings settings, Dataset<Row> window,
      Dataset<Row> baseline, boolean onePartition) {
    Dataset<Row> withBaseline = baseline == null ? window
        : onePartition ? baseline.unionByName(window).coalesce(1) : baseline.unionByName(window);
    Map<String, Dataset<Row>> d = new LinkedHashMap<>();
    d.put(HANGUP_CAUSES, CallReports.hangupCauses(window));
    d.put(COUNTRIES, CallReports.countries(window));
    d.put(ATTESTATION, CallReports.attestation(window));
    d.put(KPIS, Kpis.of(window));
    d.put(CAPACITY, Capacity.of(window, in.start(), in.end()));
    d.put(FRAUD_SIGNALS, FraudSignals.of(withBaseline, UtcDays.day(in.start()), in.coveredFrom(), in.rule()));
    d.put(TRUNK_HOURS, TrunkHours.of(window, in.start(), in.end()));
    d.put(WANGIRI_SIGNALS, Wangiri.signals(window, settings.wangiri()));
    return d;
  }

  /**
   * Up to this many CDRs (the window's and the baseline's together) the datasets are computed on one partition of
   * the cached reads, in one task each, without broadcast joins: every aggregation, window, join and sort is then
   * satisfied by its input's partitioning, so that no shuffle is planned and a dataset's write is one job of one
   * stage. Why: adaptive execution runs each shuffle stage as a job of its own, and on a report of this size a
   * job's cost is Spark's (scheduling, planning, task start-up), about a second each on a loaded machine, not its
   * rows (jobs/bench compute; docs/performance-history.md, "The report's computation"). The bound is a judgement,
   * not a measured optimum: beyond it, the plan is Spark's usual one over the reads' partitions.
   */
  static final long ONE_PARTITION_ROWS = 2_000_000;

  /**
   * The session confs of a one-partition report: joins sort-merged within the one partition (a broadcast is a job
   * of its own), and whatever exchange is left has one partition. And no bound on a single partition's size: a
   * join side estimated above {@code spark.sql.maxSinglePartitionBytes} (128 MB) is shuffled even when both sides are
   * one partition already (a lake's read is estimated from its files' size, and a join's output as the product of
   * its sides': Wangiri's outer join over its callback join was, and shuffled on the quick start's rows).
   */
  static final Map<String, String> ONE_PARTITION_CONF = Map.of("spark.sql.autoBroadcastJoinThreshold", "-1",
      "spark.sql.shuffle.partitions", "1", "spark.sql.maxSinglePartitionBytes", String.valueOf(Long.MAX_VALUE));

  /** The CDR columns that no report reads. */
  static final List<String> UNREAD = List.of(CdrField.CALL_ID, CdrField.BILLED_DURATION, CdrField.TOTAL_RATE,
          CdrField.SECURE_TRUNKING_RATE, CdrField.CNAM_LOOKUP_RATE, CdrField.TRUNK_DOMAIN, CdrField.TRANSPORT_PROTOCOL,
          CdrField.SRTP, CdrField.SECURE_TRUNKING, CdrField.CNAM_LOOKUP)
      .stream().map(CdrField::jsonName).toList();

  /** {@code cdrs} without the columns of {@link #UNREAD} (those it has). */
  static Dataset<Row> narrow(Dataset<Row> cdrs) {
    return cdrs.drop(UNREAD.toArray(new String[0]));
  }

  /** How many datasets are written at once. */
  static final int WRITERS = 3;

  /**
   * Writes the datasets, {@link #WRITERS} at a time: each is its own Spark job, and most of a small dataset's time
   * is the driver planning it and generating its code, which then overlaps another's tasks. Each writes exactly
   * what it writes alone. Dataset {@code first} is started first and {@code then} runs once it is written, beside
   * the other writes (not after all of them). The first failure is rethrown once all have ended.
   */
  private static void writeAll(Map<String, Dataset<Row>> reports, String base, boolean s3a, String first,
      Runnable then) {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS, r -> {
      Thread t = new Thread(r, "report-writer");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> writes = new ArrayList<>();
      writes.add(pool.submit(() -> {
        write(reports.get(first), base + "/" + first, s3a);
        then.run();
      }));
      for (Map.Entry<String, Dataset<Row>> e : reports.entrySet()) {
        if (!e.getKey().equals(first)) {
          writes.add(pool.submit(() -> write(e.getValue(), base + "/" + e.getKey(), s3a)));
        }
      }
      RuntimeException failed = null;
      for (Future<?> f : writes) {
        try {
          f.get();
        } catch (ExecutionException x) {
          if (failed == null) {
            failed = x.getCause() instanceof RuntimeException r ? r : new IllegalStateException(x.getCause());
          }
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while writing the reports", x);
        }
      }
      if (failed != null) {
        throw failed;
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void write(Dataset<Row> report, String path, boolean s3a) {
    report.write().options(s3a ? S3aSettings.REPORT_WRITE : Map.of()).mode(SaveMode.Overwrite).parquet(path);
  }

  /** The instant the baseline read starts: {@code days} whole UTC days before the day of {@code start}. */
  public static Instant baselineStart(Instant start, int days) {
    return UtcDays.start(UtcDays.day(start)).minus(Duration.ofDays(days));
  }
}
