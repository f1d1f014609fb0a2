package io.zentrunk.spark.alerts;

import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import io.zentrunk.spark.report.Quality;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the watch job does with each micro-batch ({@code foreachBatch}): keeps the CDRs the longest window needs
 * (the previous batch's plus the batch's, under the checkpoint), judges every rule at every minute boundary the
 * batch covers ({@link Alerts}, one pass; the first batch and catch-ups included), decides what is raised and
 * resolved ({@link OncePerWindow}) against every alert in the store, appends the new rows to the store
 * ({@link AlertStore}, keyed by alert id and event: nothing earlier is replaced), then prints one line per alert
 * and resolve and POSTs those the webhook has not taken yet. A minute that ended more than one trigger before the
 * batch's end is judged late: its alert says {@code late = true}.
 */
public final class WatchBatch implements VoidFunction2<Dataset<Row>, Long> {

  /** Stage names (see the lake's StageMarkers) for tests that act at a named point. */
  public static final String STAGE_BATCH = "watch-batch";
  public static final String STAGE_ALERTS_WRITTEN = "watch-alerts-written";
  public static final String STAGE_BATCH_DONE = "watch-batch-done";
  /** Reached when baseline days were read from the history, before their sums are kept under the checkpoint. */
  public static final String STAGE_BASELINE_READ = "watch-baseline-read";

  /** Reached when a batch's Insights were fetched and kept under the checkpoint (with --quality). */
  public static final String STAGE_INSIGHTS_KEPT = "watch-insights-kept";

  /** The Call Insights of the calls the watch judges for quality (with --quality). */
  public interface Insights {
    /**
     * The {@code call_insights} rows of the answered calls that ended in {@code [from, to)} (one Insights request per
     * call, through the source: its budget, retries and errors), with at least end_time, to_carrier, status and
     * quality_score.
     */
    Dataset<Row> answered(Instant from, Instant to);

    /**
     * The source's {@code call_insights} table read over each window with {@code bill_duration > 0} (pushed into the
     * list call: only the answered calls cost an Insights request), with the source {@code options} (a
     * {@code sample} among them samples the calls by call_uuid).
     */
    static Insights of(SparkSession spark, Map<String, String> options) {
      Map<String, String> o = new HashMap<>(options);
      o.put("table", "call_insights");
      return (from, to) -> io.zentrunk.spark.source.Cdrs.window(spark, o, from, to).filter(col(BILL_DURATION).gt(0));
    }
  }

  /** The CDRs of the baseline days, outbound only (from the API or a lake). */
  public interface History {
    Dataset<Row> outbound(Instant from, Instant to);

    /**
     * The first UTC day the source holds completely when the stream is at {@code end}: the API's first whole day of
     * its 90 days (the default), a lake's first day. Earlier days are not held, not days without calls (FraudRule).
     */
    default LocalDate heldFrom(Instant end) {
      return retainedFrom(end);
    }
  }

  /** The API's first whole day of its 90 days at {@code end} (a minute of margin: the source's clock runs on). */
  static LocalDate retainedFrom(Instant end) {
    return LocalDate.ofInstant(end.minus(RETENTION).plusSeconds(60).minusNanos(1), ZoneOffset.UTC).plusDays(1);
  }

  static final String[] KEPT = {END_TIME, CALL_DIRECTION, TO_COUNTRY, TRUNK_ID, HANGUP_CAUSE_CODE, ANSWER_TIME,
      TOTAL_AMOUNT, BILL_DURATION};
  static final Duration RETENTION = Duration.ofDays(90);
  static final Map<String, Duration> WINDOWS = Map.of(AlertRules.IRSF, AlertRules.IRSF_WINDOW,
      AlertRules.TRUNK_LIMIT, AlertRules.LIMIT_WINDOW, AlertRules.NER_DROP, AlertRules.NER_WINDOW);

  private final SparkSession spark;
  private final WatchCheckpoint checkpoint;
  private final AlertStore store;
  private final AlertRules rules;
  private final History history;
  private final Webhook webhook;
  private final Duration every;
  private final PrintStream out;
  private final Consumer<String> stage;
  private final WatchStats stats = new WatchStats();
  private final ReentrantLock running = new ReentrantLock();
  private Insights insights;
  private Quality.Rule quality;

  /**
   * @param alerts the alert store: a path, or an Iceberg table {@code CATALOG.NAMESPACE.TABLE} ({@link AlertStore})
   * @param every the trigger interval: a minute that ended more than this before the batch's end is judged late
   */
  public WatchBatch(SparkSession spark, String checkpoint, String alerts, AlertRules rules, History history,
      Webhook webhook, Duration every, PrintStream out, Consumer<String> stage) {
    this.spark = spark;
    this.checkpoint = new WatchCheckpoint(spark, checkpoint);
    this.store = new AlertStore(spark, alerts);
    this.rules = rules;
    this.history = history;
    this.webhook = webhook;
    this.every = every;
    this.out = out;
    this.stage = stage;
  }

  /**
   * Judges quality drops too ({@link Alerts#qualityDrops}, by {@code rule}): each batch fetches the Insights of its
   * own answered calls from {@code feed}, once, and keeps them under the checkpoint with those the rule still needs
   * (the hour before and the UTC day before, the carriers' baselines). Call before the query starts.
   */
  public WatchBatch withQuality(Insights feed, Quality.Rule rule) {
    this.insights = java.util.Objects.requireNonNull(feed);
    this.quality = java.util.Objects.requireNonNull(rule);
    return this;
  }

  /** The job's counters (minutes judged, alerts raised and resolved by kind), for a metrics endpoint. */
  public WatchStats stats() {
    return stats;
  }

  /** The CDR columns the watch needs (the stream selects them). */
  public static Column[] columns() {
    return java.util.Arrays.stream(KEPT).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  /** Runs {@code stop} when no batch is inside this function: a stop between batches, never halfway through one. */
  public void stopBetweenBatches(Runnable stop) {
    running.lock();
    try {
      stop.run();
    } finally {
      running.unlock();
    }
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) throws Exception {
    running.lockInterruptibly();
    try {
      long t0 = System.nanoTime();
      stage.accept(STAGE_BATCH);
      run(batch, batchId);
      stats.batchTook((System.nanoTime() - t0) / 1_000_000);
      stage.accept(STAGE_BATCH_DONE);
    } finally {
      running.unlock();
    }
  }

  private void run(Dataset<Row> batch, long id) {
    Instant after = id == 0 ? checkpoint.streamStart() : checkpoint.batchEnd(id - 1);
    Instant end = checkpoint.batchEnd(id);
    Alerts.Minutes minutes = new Alerts.Minutes(after, end);
    Dataset<Row> recent = recent(batch, id, after);
    List<Instant> all = minutes.all();
    Map<String, List<Instant>> judged = new HashMap<>();
    WINDOWS.keySet().forEach(kind -> judged.put(kind, all));
    if (insights != null) {
      judged.put(AlertRules.QUALITY_DROP, all);
    }
    Map<Long, Long> hours = new TreeMap<>();
    List<Dataset<Row>> baselines = new ArrayList<>();
    for (Instant m : judged.get(AlertRules.IRSF)) {
      LocalDate day = LocalDate.ofInstant(m.minusNanos(1), ZoneOffset.UTC);
      if (!hours.containsKey(day.toEpochDay())) {
        hours.put(day.toEpochDay(), baseline(day, end));
        baselines.add(spark.read().parquet(checkpoint.baseline(day)).withColumn(Alerts.BASELINE_DAY, lit(day.toEpochDay())));
      }
    }
    Dataset<Row> baseline = baselines.stream().reduce(Dataset::unionByName).orElseGet(() -> spark.createDataFrame(List.of(),
        BASELINE_SCHEMA.add(Alerts.BASELINE_DAY, DataTypes.LongType)));
    Dataset<Row> judgedRules = Alerts.candidates(recent, baseline, hours, minutes, rules);
    if (insights != null) {
      judgedRules = judgedRules.unionByName(Alerts.qualityDrops(scored(id, after, end), minutes, quality));
    }
    List<Row> candidates = judgedRules.collectAsList();
    long judgedMinutes = all.size();
    stats.judged(judgedMinutes);
    if (judgedMinutes > 1) {
      out.println("watch: batch " + id + " judged " + judgedMinutes + " minutes, " + after + " to " + end);
    }

    // what earlier batches wrote, of this run or any other over the same store (not an earlier attempt of this batch)
    String run = checkpoint.runId();
    Dataset<Row> before = store.read().filter(col(AlertStore.RUN).notEqual(run).or(col(AlertStore.BATCH).lt(id)));
    Dataset<Row> triggers = before.filter(col(AlertStore.EVENT).equalTo(AlertStore.TRIGGER));
    Map<String, Instant> lastEnd = new HashMap<>();
    for (Row r : triggers.groupBy(col(Alerts.KIND), col(Alerts.DESTINATION)).agg(max(col(Alerts.WINDOW_END)).as(Alerts.WINDOW_END))
        .collectAsList()) {
      lastEnd.put(OncePerWindow.key(r), OncePerWindow.instant(r, Alerts.WINDOW_END));
    }
    List<Row> open = triggers.join(before.filter(col(AlertStore.EVENT).equalTo(AlertStore.RESOLVE)).select(col(Alerts.ALERT_ID)),
        scala.jdk.javaapi.CollectionConverters.asScala(List.of(Alerts.ALERT_ID)).toSeq(), "left_anti").collectAsList();
    OncePerWindow.Decision d = OncePerWindow.decide(candidates, lastEnd, open, judged);

    Timestamp now = Timestamp.from(Instant.now());
    Instant onTime = end.minus(every);
    List<Row> rows = new ArrayList<>();
    for (Row c : d.raised()) {
      Object[] v = new Object[AlertStore.SCHEMA.size()];
      for (int i = 0; i < Alerts.CANDIDATE.size(); i++) {
        v[i] = c.get(i);
      }
      v[Alerts.CANDIDATE.size()] = !OncePerWindow.instant(c, Alerts.WINDOW_END).isAfter(onTime);
      v[Alerts.CANDIDATE.size() + 1] = now;
      fill(v, AlertStore.TRIGGER, null, run, id);
      rows.add(new GenericRowWithSchema(v, AlertStore.SCHEMA));
    }
    for (OncePerWindow.Resolve r : d.resolved()) {
      Object[] v = new Object[AlertStore.SCHEMA.size()];
      for (int i = 0; i < Alerts.CANDIDATE.size(); i++) {
        v[i] = r.alert().getAs(Alerts.CANDIDATE.fieldNames()[i]);
      }
      v[Alerts.CANDIDATE.size()] = !r.at().isAfter(onTime);
      v[Alerts.CANDIDATE.size() + 1] = now;
      fill(v, AlertStore.RESOLVE, Timestamp.from(r.at()), run, id);
      rows.add(new GenericRowWithSchema(v, AlertStore.SCHEMA));
    }
    List<Row> written = store.appendNew(rows);
    if (!written.isEmpty()) {
      stage.accept(STAGE_ALERTS_WRITTEN);
    }
    for (Row r : written) {
      if (r.<String>getAs(AlertStore.EVENT).equals(AlertStore.TRIGGER)) {
        stats.raised(r.getAs(Alerts.KIND));
      } else {
        stats.resolved(r.getAs(Alerts.KIND));
      }
    }
    boolean retry = true;
    for (Row r : rows) {
      String event = r.getAs(AlertStore.EVENT);
      String alertId = r.getAs(Alerts.ALERT_ID);
      if (checkpoint.delivered(alertId, event)) {
        continue; // a replayed batch: delivered by the attempt before the crash
      }
      boolean trigger = event.equals(AlertStore.TRIGGER);
      out.println("watch: " + (trigger ? Webhook.line(r) : resolvedLine(r))
          + (r.<Boolean>getAs(Alerts.LATE) ? " [late: " + (trigger ? "window" : "minute") + " ended before this batch was due]" : ""));
      if (webhook != null) {
        Webhook.Delivery dl = trigger ? webhook.trigger(r, retry)
            : webhook.resolve(r, OncePerWindow.instant(r, AlertStore.RESOLVED_AT), retry);
        if (!dl.delivered()) {
          out.println("watch: webhook " + webhook.host() + ": " + (trigger ? "alert " : "resolve of alert ") + alertId
              + " not delivered after " + dl.attempts() + " tries (" + dl.error() + "); it is in the alert store");
          retry = false;
          continue;
        }
      }
      checkpoint.markDelivered(alertId, event);
    }
    out.flush();
  }

  private static void fill(Object[] v, String event, Timestamp resolvedAt, String run, long id) {
    int n = Alerts.SCHEMA.size();
    v[n] = event;
    v[n + 1] = resolvedAt;
    v[n + 2] = run;
    v[n + 3] = id;
  }

  /** The console line of a resolve. */
  static String resolvedLine(Row r) {
    return Webhook.resolvedLine(r, OncePerWindow.instant(r, AlertStore.RESOLVED_AT));
  }

  /**
   * The CDRs the batch judges: the longest window before {@code after} (kept by the previous batch) and the batch's
   * own, written once under the checkpoint and read back (the batch is read from the API once). The next batch
   * keeps of them only what its own longest window needs.
   */
  private Dataset<Row> recent(Dataset<Row> batch, long id, Instant after) {
    Dataset<Row> mine = batch.select(columns());
    Dataset<Row> before;
    if (id == 0) {
      before = spark.createDataFrame(List.of(), mine.schema());
    } else if (checkpoint.exists(checkpoint.recent(id - 1))) {
      before = spark.read().schema(mine.schema()).parquet(checkpoint.recent(id - 1))
          .filter(col(END_TIME).geq(Timestamp.from(after.minus(AlertRules.LONGEST_WINDOW))));
    } else {
      throw new IllegalStateException("the watch state of batch " + (id - 1) + " is missing under the checkpoint ("
          + checkpoint.recent(id - 1) + "): start a new checkpoint");
    }
    before.unionByName(mine).write().mode(SaveMode.Overwrite).parquet(checkpoint.recent(id));
    checkpoint.dropOlderThan(id);
    return spark.read().parquet(checkpoint.recent(id));
  }

  /** The Insights columns the quality-drop rule reads, as kept under the checkpoint. */
  static final StructType INSIGHTS_KEPT = new StructType().add(END_TIME, DataTypes.TimestampType)
      .add(Quality.TO_CARRIER, DataTypes.StringType).add("status", DataTypes.StringType)
      .add(Alerts.QUALITY_SCORE, DataTypes.DoubleType);

  /**
   * The Insights rows the quality rule judges at this batch's minutes: those kept by the previous batch that its
   * windows and baselines still need (from the UTC day before the day of the hour before {@code after}) and the
   * batch's own, fetched once ({@link Insights#answered} over {@code [after, end)}) and written under the checkpoint;
   * a batch replayed after a crash finds them there and sends no Insights request again.
   */
  private Dataset<Row> scored(long id, Instant after, Instant end) {
    String path = checkpoint.insights(id);
    if (!checkpoint.exists(path + "/_SUCCESS")) {
      Instant keepFrom = LocalDate.ofInstant(after.minus(AlertRules.QUALITY_WINDOW), ZoneOffset.UTC).minusDays(1)
          .atStartOfDay(ZoneOffset.UTC).toInstant();
      Dataset<Row> before;
      if (id > 0 && checkpoint.exists(checkpoint.insights(id - 1) + "/_SUCCESS")) {
        before = spark.read().schema(INSIGHTS_KEPT).parquet(checkpoint.insights(id - 1))
            .filter(col(END_TIME).geq(Timestamp.from(keepFrom)));
      } else {
        if (id > 0) {
          out.println("watch: quality: no Insights kept by batch " + (id - 1) + " (the watch ran without --quality): "
              + "the carriers' baselines start with batch " + id);
        }
        before = spark.createDataFrame(List.of(), INSIGHTS_KEPT);
      }
      Dataset<Row> mine = insights.answered(after, end).select(java.util.Arrays.stream(INSIGHTS_KEPT.fields())
          .map(f -> col(f.name()).cast(f.dataType())).toArray(Column[]::new));
      before.unionByName(mine).write().mode(SaveMode.Overwrite).parquet(path);
      stage.accept(STAGE_INSIGHTS_KEPT);
    }
    return spark.read().schema(INSIGHTS_KEPT).parquet(path);
  }

  /**
   * The IRSF baseline of {@code day}: each destination's outbound amount over the baseline days before the day that
   * the source holds ({@link History#heldFrom}: the API's 90 days, a lake's first day), by the report's rule
   * ({@link io.zentrunk.spark.report.FraudRule#heldDays}); made once a day and kept under the checkpoint. Each held
   * day's amounts are read from the history once, when a baseline first needs the day, and kept under the checkpoint
   * ({@link WatchCheckpoint#daySums}): a day's baseline reads only the days not kept yet (the day before, on a
   * watch that ran the day before), the missing days of a run in one read. Days not held are not read. Returns the
   * hours it covers: 0 (nothing is judged) when fewer than the rule's least baseline days are held.
   */
  private long baseline(LocalDate day, Instant end) {
    long hours = checkpoint.baselineHours(day);
    if (hours >= 0) {
      return hours;
    }
    Instant to = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    long held = rules.irsf().heldDays(day, history.heldFrom(end));
    Instant from = to.minus(Duration.ofDays(held));
    hours = rules.irsf().judges(held) ? held * 24 : 0;
    List<Row> sums = new ArrayList<>();
    String read = "";
    if (hours > 0) {
      Map<LocalDate, Map<String, BigDecimal>> days = new TreeMap<>();
      List<LocalDate> missing = new ArrayList<>();
      for (LocalDate d : day.minusDays(held).datesUntil(day).toList()) {
        Map<String, BigDecimal> kept = checkpoint.daySums(d);
        if (kept == null) {
          missing.add(d);
        } else {
          days.put(d, kept);
        }
      }
      days.putAll(readDays(missing));
      Map<String, BigDecimal> total = new HashMap<>();
      days.values().forEach(m -> m.forEach((country, amount) -> total.merge(country, amount, BigDecimal::add)));
      total.forEach((country, amount) -> sums.add(RowFactory.create(country, amount)));
      checkpoint.dropDaySumsBefore(day.minusDays(rules.irsf().baselineDays()));
      read = "; " + (missing.isEmpty() ? "every day kept under the checkpoint"
          : missing.size() + " day(s) read (" + missing.get(0) + " to " + missing.get(missing.size() - 1) + "), "
              + (held - missing.size()) + " kept under the checkpoint");
    }
    spark.createDataFrame(sums, BASELINE_SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(checkpoint.baseline(day));
    checkpoint.baselineDone(day, hours);
    out.println("watch: the IRSF baseline of " + day + " covers " + from + " to " + to + " (" + (hours > 0 ? hours + " hours)"
        : held * 24 + " hours: " + held + " days held, fewer than the " + rules.irsf().minBaselineDays()
            + " needed; IRSF is not judged that day)") + read);
    return hours;
  }

  static final StructType BASELINE_SCHEMA = new StructType().add(TO_COUNTRY, DataTypes.StringType)
      .add(Alerts.BASELINE_SUM, DataTypes.createDecimalType(28, 5));

  /**
   * Reads the outbound amounts of {@code days} by day and destination, one history read per run of consecutive days,
   * and keeps each day's under the checkpoint (a day without outbound calls too). A kill before a day's sums are
   * kept reads that day again at the restart; one after finds it kept: no day is counted twice or lost.
   */
  private Map<LocalDate, Map<String, BigDecimal>> readDays(List<LocalDate> days) {
    Map<LocalDate, Map<String, BigDecimal>> read = new TreeMap<>();
    int i = 0;
    while (i < days.size()) {
      int j = i;
      while (j + 1 < days.size() && days.get(j + 1).equals(days.get(j).plusDays(1))) {
        j++;
      }
      LocalDate first = days.get(i);
      LocalDate last = days.get(j);
      Map<LocalDate, Map<String, BigDecimal>> run = new TreeMap<>();
      first.datesUntil(last.plusDays(1)).forEach(d -> run.put(d, new HashMap<>()));
      Column epochDay = functions.floor(functions.unix_seconds(col(END_TIME)).divide(lit(86_400L))).cast(DataTypes.LongType);
      List<Row> rows = history.outbound(first.atStartOfDay(ZoneOffset.UTC).toInstant(),
              last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())
          .groupBy(epochDay.as("_day"), col(TO_COUNTRY)).agg(sum(col(TOTAL_AMOUNT)).as(Alerts.BASELINE_SUM))
          .collectAsList();
      stage.accept(STAGE_BASELINE_READ);
      for (Row r : rows) {
        Map<String, BigDecimal> m = run.get(LocalDate.ofEpochDay(r.getLong(0)));
        if (m != null && !r.isNullAt(2)) {
          m.merge(r.isNullAt(1) ? null : r.getString(1), r.getDecimal(2), BigDecimal::add);
        }
      }
      run.forEach(checkpoint::saveDaySums);
      read.putAll(run);
      i = j + 1;
    }
    return read;
  }
}
