package io.zentrunk.spark.alerts;

import static io.zentrunk.spark.source.CdrColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * What the watch job does with each micro-batch ({@code foreachBatch}), exactly once per batch id: keeps the
 * CDRs of the last hour (the previous batch's recent CDRs plus the batch's, under the checkpoint), judges the
 * alerts at the batch's end ({@link Alerts}), writes the new ones to {@code ALERTS/batch=ID} (replacing what a
 * crashed attempt of the same batch wrote), then prints one line per alert and POSTs it to the webhook.
 */
public final class WatchBatch implements VoidFunction2<Dataset<Row>, Long> {

  /** Stage names (see the lake's StageMarkers) for tests that act at a named point. */
  public static final String STAGE_BATCH = "watch-batch";
  public static final String STAGE_ALERTS_WRITTEN = "watch-alerts-written";
  public static final String STAGE_BATCH_DONE = "watch-batch-done";
  /** The alerts folder's partition column: the batch that raised the alert. */
  public static final String BATCH = "batch";

  /** The CDRs of the baseline days, outbound only (from the API or a lake). */
  public interface History {
    Dataset<Row> outbound(Instant from, Instant to);
  }

  static final String[] KEPT = {END_TIME, CALL_DIRECTION, TO_COUNTRY, TRUNK_ID, HANGUP_CAUSE_CODE, ANSWER_TIME,
      TOTAL_AMOUNT, BILL_DURATION};
  static final Duration RETENTION = Duration.ofDays(90);

  private final SparkSession spark;
  private final WatchCheckpoint checkpoint;
  private final String alerts;
  private final AlertRules rules;
  private final History history;
  private final Webhook webhook;
  private final PrintStream out;
  private final Consumer<String> stage;
  private final ReentrantLock running = new ReentrantLock();

  public WatchBatch(SparkSession spark, String checkpoint, String alerts, AlertRules rules, History history,
      Webhook webhook, PrintStream out, Consumer<String> stage) {
    this.spark = spark;
    this.checkpoint = new WatchCheckpoint(spark, checkpoint);
    this.alerts = alerts;
    this.rules = rules;
    this.history = history;
    this.webhook = webhook;
    this.out = out;
    this.stage = stage;
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
      stage.accept(STAGE_BATCH);
      run(batch, batchId);
      stage.accept(STAGE_BATCH_DONE);
    } finally {
      running.unlock();
    }
  }

  private void run(Dataset<Row> batch, long id) {
    Instant end = checkpoint.batchEnd(id);
    Dataset<Row> recent = recent(batch, id, end);
    LocalDate day = LocalDate.ofInstant(end.minusNanos(1), ZoneOffset.UTC);
    long hours = baseline(day, end);
    Dataset<Row> candidates = Alerts.candidates(recent, spark.read().parquet(checkpoint.baseline(day)), hours, end, rules);
    List<Row> raised = Alerts.notRaisedBefore(candidates, earlier(id)).orderBy(Alerts.KIND, Alerts.DESTINATION)
        .collectAsList();
    String folder = alerts + "/" + BATCH + "=" + id;
    if (raised.isEmpty()) {
      checkpoint.delete(folder);
      return;
    }
    spark.createDataFrame(raised, Alerts.SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(folder);
    stage.accept(STAGE_ALERTS_WRITTEN);
    boolean retry = true;
    for (Row r : raised) {
      out.println("watch: " + Webhook.line(r));
      if (webhook != null) {
        Webhook.Delivery d = webhook.trigger(r, retry);
        if (!d.delivered()) {
          out.println("watch: webhook " + webhook.host() + ": alert " + r.getAs(Alerts.ALERT_ID) + " not delivered after "
              + d.attempts() + " tries (" + d.error() + "); it is in the alerts folder");
          retry = false;
        }
      }
    }
    out.flush();
  }

  /** The CDRs of the last hour at {@code end}: the previous batch's plus this batch's, written once, read back. */
  private Dataset<Row> recent(Dataset<Row> batch, long id, Instant end) {
    Dataset<Row> mine = batch.select(columns());
    Dataset<Row> before;
    if (id == 0) {
      before = spark.createDataFrame(List.of(), mine.schema());
    } else if (checkpoint.exists(checkpoint.recent(id - 1))) {
      before = spark.read().schema(mine.schema()).parquet(checkpoint.recent(id - 1));
    } else {
      throw new IllegalStateException("the watch state of batch " + (id - 1) + " is missing under the checkpoint ("
          + checkpoint.recent(id - 1) + "): start a new checkpoint");
    }
    // the batch is read from the API once: written with the kept rows, then read back from the files
    before.unionByName(mine).filter(col(END_TIME).geq(Timestamp.from(end.minus(AlertRules.LONGEST_WINDOW))))
        .write().mode(SaveMode.Overwrite).parquet(checkpoint.recent(id));
    checkpoint.dropOlderThan(id);
    return spark.read().parquet(checkpoint.recent(id));
  }

  /**
   * The IRSF baseline of {@code day}: each destination's outbound amount over the baseline days before the day,
   * no further back than the API's 90 days from {@code end}; read once a day and kept under the checkpoint.
   * Returns the hours it covers (0: none, nothing is judged).
   */
  private long baseline(LocalDate day, Instant end) {
    long hours = checkpoint.baselineHours(day);
    if (hours >= 0) {
      return hours;
    }
    Instant to = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant retained = LocalDate.ofInstant(end.minus(RETENTION).plusSeconds(60).minusNanos(1), ZoneOffset.UTC).plusDays(1)
        .atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant from = to.minus(Duration.ofDays(rules.irsf().baselineDays()));
    from = from.isBefore(retained) ? retained : from;
    hours = from.isBefore(to) ? Duration.between(from, to).toHours() : 0;
    Dataset<Row> sums = hours == 0
        ? spark.createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
            .add(TO_COUNTRY, DataTypes.StringType).add(Alerts.BASELINE_SUM, DataTypes.createDecimalType(28, 5)))
        : history.outbound(from, to).groupBy(col(TO_COUNTRY)).agg(sum(col(TOTAL_AMOUNT)).as(Alerts.BASELINE_SUM));
    sums.write().mode(SaveMode.Overwrite).parquet(checkpoint.baseline(day));
    checkpoint.baselineDone(day, hours);
    out.println("watch: the IRSF baseline of " + day + " covers " + from + " to " + to + " (" + hours + " hours)");
    return hours;
  }

  /** Alerts raised by earlier batches (not by an earlier attempt of this one). */
  private Dataset<Row> earlier(long id) {
    org.apache.spark.sql.types.StructType withBatch = Alerts.SCHEMA.add(BATCH, DataTypes.LongType);
    if (!checkpoint.exists(alerts)) {
      return spark.createDataFrame(List.of(), withBatch);
    }
    return spark.read().schema(withBatch).option("basePath", alerts).parquet(alerts).filter(col(BATCH).lt(id));
  }
}
