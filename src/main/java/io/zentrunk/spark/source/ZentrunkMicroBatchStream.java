package io.zentrunk.spark.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zentrunk.spark.client.ApiRules;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrField;
import io.zentrunk.spark.client.CdrPage;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.ZentrunkClient;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReadMaxRows;
import org.apache.spark.sql.connector.read.streaming.ReportsSourceMetrics;
import org.apache.spark.sql.connector.read.streaming.SupportsTriggerAvailableNow;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code spark.readStream.format("zentrunk")}: the account's CDRs as an unbounded table whose offsets are
 * {@code end_time} instants. A batch reads {@code [previous offset, new offset)} as a batch read of that
 * window does (the same {@link ZentrunkScan}: planner, budget, completeness check), so a micro-batch is an
 * exact batch read of its window.
 *
 * <p>The offset stays {@code lag} behind the API's clock (CDRs become visible after their {@code end_time}).
 * The API's clock is the {@code Date} header of its latest answer (the system clock when it sends none, or
 * option {@code now} when given): visibility follows the API's clock, not this machine's.
 *
 * <p>A CDR that became visible more than {@code lag} after it ended can have been missed: every window this
 * query read is counted again ({@code total_count}) every hour until option {@code late_check_horizon} has passed,
 * against the rows its tasks emitted ({@link EmittedRows}); what it gained is named in a warning and counted in the
 * metric {@code lateCdrs}. The windows to check live in the source's checkpoint
 * folder, so a restarted query checks the windows of the run before it. Past the horizon a count a day is kept for the
 * API's 90 days, and each check counts one of those days again: a CDR that appears later still makes one warning
 * naming its day (metric {@code lateCdrsAfterHorizon}, part of {@code lateCdrs}).
 */
final class ZentrunkMicroBatchStream implements MicroBatchStream, SupportsTriggerAvailableNow, ReportsSourceMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(ZentrunkMicroBatchStream.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a new query starts without option {@code start}: the last 24 hours. */
  static final long DEFAULT_START_MICROS = ApiTime.MICROS_PER_DAY;

  private final ReadConf conf;
  private final StructType schema;
  private final long lagMicros;
  private final Integer maxRequestsPerTrigger;
  private final ReadStats probeStats = new ReadStats();
  private final ZentrunkClient probes;
  private final LateArrivalChecks lateChecks;
  private final StartOffsetLog startLog;
  private final Supplier<Configuration> hadoopConf;

  private Long availableNowTarget;
  private EndTimeOffset initial;
  private long apiNowMicros = Long.MIN_VALUE;
  private boolean warnedNoDate;
  /** The last batch's window and its planned partitions: Spark plans a batch several times, the API is asked once. */
  private long plannedFrom = Long.MIN_VALUE;
  private long plannedTo = Long.MIN_VALUE;
  private InputPartition[] planned;
  private long lastBatchRows = -1;
  private long lastBatchPlanningRequests;

  ZentrunkMicroBatchStream(ReadConf conf, StructType schema, String checkpointLocation) {
    this(conf, schema, checkpointLocation, () -> SparkSession.active().sparkContext().hadoopConfiguration());
  }

  /** With the Hadoop configuration that reaches the checkpoint folder (tests: without a Spark session). */
  ZentrunkMicroBatchStream(ReadConf conf, StructType schema, String checkpointLocation, Supplier<Configuration> hadoopConf) {
    if (conf.request.to() != null) {
      throw new IllegalArgumentException("Option '" + ReadOptions.END.key()
          + "' is for batch reads; a stream reads up to the API's clock minus option '" + ReadOptions.LAG.key() + "'");
    }
    this.conf = conf;
    this.schema = schema;
    this.lagMicros = conf.lagMicros;
    this.maxRequestsPerTrigger = conf.maxRequestsPerTrigger;
    this.probes = conf.newClient(probeStats);
    this.lateChecks = new LateArrivalChecks(checkpointLocation, lagMicros, conf.lateCheckHorizonMicros, hadoopConf);
    this.hadoopConf = hadoopConf;
    this.startLog = new StartOffsetLog(checkpointLocation, hadoopConf);
  }

  // ---- offsets ------------------------------------------------------------------------------------------------

  /** An {@code end_time} instant, exclusive: every CDR that ended before it was read. Versioned JSON. */
  static final class EndTimeOffset extends Offset {
    static final int VERSION = 1;
    final long micros;

    EndTimeOffset(long micros) {
      this.micros = micros;
    }

    @Override
    public String json() {
      return "{\"version\":" + VERSION + ",\"end_time\":\"" + ApiTime.toInstant(micros) + "\"}";
    }

    static EndTimeOffset parse(String json) {
      JsonNode n;
      try {
        n = JSON.readTree(json);
      } catch (IOException e) {
        throw new IllegalArgumentException("Not a zentrunk stream offset: " + json);
      }
      if (n == null || !n.path("version").canConvertToInt() || !n.path("end_time").isTextual()) {
        throw new IllegalArgumentException("Not a zentrunk stream offset (needs version and end_time): " + json);
      }
      int v = n.get("version").asInt();
      if (v != VERSION) {
        throw new IllegalArgumentException("The checkpoint holds a zentrunk offset of version " + v
            + ", which this version of the connector (offset version " + VERSION + ") cannot read: " + json);
      }
      return new EndTimeOffset(ApiTime.toMicros(Instant.parse(n.get("end_time").asText())));
    }
  }

  private static Instant instant(long micros) {
    return ApiTime.toInstant(micros);
  }

  /** The instant of an offset Spark hands back: ours, or read back from a checkpoint (SerializedOffset). */
  private static long micros(Offset o) {
    return o instanceof EndTimeOffset e ? e.micros : EndTimeOffset.parse(o.json()).micros;
  }

  @Override
  public Offset deserializeOffset(String json) {
    return EndTimeOffset.parse(json);
  }

  /**
   * Where a new query starts, computed once and logged in the checkpoint ({@link StartOffsetLog}): Spark asks again
   * when it runs the first batch, also after a crash, and the default start (the last 24 hours) must not move.
   */
  @Override
  public synchronized Offset initialOffset() {
    if (initial == null) {
      initial = EndTimeOffset.parse(startLog.startOffset(() -> firstOffset().json()));
    }
    return initial;
  }

  private EndTimeOffset firstOffset() {
    long now = apiNow(null);
    if (conf.request.from() != null) {
      // the same retention rule and message as a batch read's start
      ReadRequest r = conf.request.toBuilder().endTimeBefore(Math.max(now, conf.request.from().micros() + 1),
          ReadRequest.Origin.DEFAULT).build().resolve(now, conf.clampToRetention);
      LOG.info("A new zentrunk stream starts at {} (option start)", instant(r.from().micros()));
      return new EndTimeOffset(r.from().micros());
    }
    long start = Math.max(now - DEFAULT_START_MICROS, now - ReadRequest.RETENTION_MICROS + ReadRequest.EXPIRY_MARGIN_MICROS);
    start = Math.floorDiv(start, ApiTime.MICROS_PER_SECOND) * ApiTime.MICROS_PER_SECOND;
    LOG.info("A new zentrunk stream starts at {} (the last 24 hours)", instant(start));
    return new EndTimeOffset(start);
  }

  @Override
  public ReadLimit getDefaultReadLimit() {
    // 20 records a request: the cap in records that max_requests_per_trigger pages hold
    return maxRequestsPerTrigger == null ? ReadLimit.allAvailable() : ReadLimit.maxRows(20L * maxRequestsPerTrigger);
  }

  @Override
  public void prepareForTriggerAvailableNow() {
    // As Kafka's source: the target of Trigger.AvailableNow is fixed once, here; later batches stop at it.
    availableNowTarget = target(apiNow(null));
    LOG.info("Trigger.AvailableNow reads up to {}", instant(availableNowTarget));
  }

  @Override
  public Offset latestOffset() {
    throw new UnsupportedOperationException("latestOffset(Offset, ReadLimit) is used instead");
  }

  @Override
  public synchronized Offset latestOffset(Offset startOffset, ReadLimit limit) {
    long start = micros(startOffset);
    long now = clock(start);
    long target = target(now);
    if (availableNowTarget != null) {
      target = Math.min(target, availableNowTarget);
    }
    if (target <= start) {
      return startOffset;
    }
    if (limit instanceof ReadMaxRows max) {
      // a start past the retention (a long outage) is clamped, or refused naming clamp_to_retention, before the
      // capped window is counted: counting from it would span more than the API's 90 days
      long from = conf.request.withWindow(start, target).resolve(now, conf.clampToRetention).from().micros();
      target = Math.max(capped(from, target, max.maxRows()), from + ApiTime.MICROS_PER_SECOND);
    }
    return new EndTimeOffset(target);
  }

  /** now - lag, to the second below (the API's time resolution). */
  private long target(long now) {
    return Math.floorDiv(now - lagMicros, ApiTime.MICROS_PER_SECOND) * ApiTime.MICROS_PER_SECOND;
  }

  /**
   * The end of a window from {@code start} that holds at most {@code maxRows} records by the API's counts, at
   * least one second long (so that a query always moves on, even past a second that holds more).
   */
  private long capped(long start, long target, long maxRows) {
    long end = target;
    long n = count(start, end);
    while (n > maxRows && end - start > ApiTime.MICROS_PER_SECOND) {
      long span = end - start;
      long shorter = (long) (span * Math.min(0.9, 0.9 * maxRows / (double) n));
      end = start + Math.max(ApiTime.MICROS_PER_SECOND, Math.floorDiv(shorter, ApiTime.MICROS_PER_SECOND) * ApiTime.MICROS_PER_SECOND);
      n = count(start, end);
    }
    LOG.info("max_requests_per_trigger: this batch reads [{}, {}) with {} CDRs, up to {} of {}", instant(start), instant(end), n,
        instant(end), instant(target));
    return end;
  }

  private long count(long from, long to) {
    return probes.count(new CdrQuery(from, to, conf.request.apiFilters()));
  }

  /**
   * The API's clock for this trigger, from one request: when late-arrival re-counts are due by the clock of the
   * trigger before, their answers bring it (no probe of its own); else a clock probe does. Re-counts therefore run
   * at most one trigger later than the hour they wait for, and cost nothing beyond the trigger's one request.
   */
  private long clock(long start) {
    if (apiNowMicros != Long.MIN_VALUE && lateChecks.check(apiNowMicros, this::count, this::list) > 0) {
      return readClock();
    }
    return apiNow(start);
  }

  /** The CDRs of {@code [from, to)} as {call_uuid, end_time}: a page per 20 (naming late CDRs). */
  private List<LateArrivalChecks.Listed> list(long from, long to) {
    CdrQuery q = new CdrQuery(from, to, conf.request.apiFilters());
    boolean[] wanted = new boolean[CdrField.count()];
    wanted[CdrField.CALL_UUID.ordinal()] = true;
    wanted[CdrField.END_TIME.ordinal()] = true;
    List<LateArrivalChecks.Listed> out = new ArrayList<>();
    for (int offset = 0; ; offset += ApiRules.PAGE_LIMIT) {
      CdrPage page = probes.page(q, offset, ApiRules.PAGE_LIMIT, wanted);
      for (Object[] r : page.records()) {
        out.add(new LateArrivalChecks.Listed((String) r[CdrField.CALL_UUID.ordinal()], (Long) r[CdrField.END_TIME.ordinal()]));
      }
      if (page.records().size() < ApiRules.PAGE_LIMIT || offset + ApiRules.PAGE_LIMIT >= page.totalCount()) {
        return out;
      }
    }
  }

  /**
   * The API's clock: option {@code now}, else the Date header of a probe answer, else the system clock. The
   * probe counts what is visible from {@code from} (or the last day).
   */
  private long apiNow(Long from) {
    if (conf.nowMicros == null) {
      long f = from != null ? from : ApiTime.toMicros(Instant.now()) - ApiTime.MICROS_PER_DAY;
      probes.count(new CdrQuery(f, f + CdrQuery.MAX_RANGE_MICROS, conf.request.apiFilters()));
    }
    return readClock();
  }

  /** The clock of the probes' latest answer (option {@code now} when given; the system clock if no Date came). */
  private long readClock() {
    if (conf.nowMicros != null) {
      apiNowMicros = conf.nowMicros;
      return apiNowMicros;
    }
    Instant date = probes.serverTime();
    if (date == null) {
      if (!warnedNoDate) {
        LOG.warn("The API's answers carry no Date header: the stream's offsets follow this machine's clock");
        warnedNoDate = true;
      }
      apiNowMicros = ApiTime.toMicros(Instant.now());
    } else {
      apiNowMicros = ApiTime.toMicros(date);
    }
    return apiNowMicros;
  }

  // ---- batches ------------------------------------------------------------------------------------------------

  /**
   * The batch {@code [start, end)} planned as a batch read of that window. Spark plans each batch's query more than
   * once (Spark 4.1: for the run, and again for each SQL execution's plan description, each time from a new scan
   * node), so the partitions of the last window are kept and given again: one planning per batch.
   */
  @Override
  public synchronized InputPartition[] planInputPartitions(Offset start, Offset end) {
    long from = micros(start);
    long to = micros(end);
    if (planned != null && from == plannedFrom && to == plannedTo) {
      return planned;
    }
    long now = apiNowMicros != Long.MIN_VALUE ? apiNowMicros : Math.max(to, conf.now());
    ReadRequest request = conf.request.withWindow(from, to).resolve(now, conf.clampToRetention);
    if (request.from().origin() == ReadRequest.Origin.CLAMPED && request.from().micros() > from) {
      LOG.warn("The stream's offset {} is past the API's 90-day retention (it was stopped that long): option '{}' resumes "
              + "it at {}; the CDRs that ended in [{}, {}) expired unread and are lost", instant(from),
          ReadOptions.CLAMP_TO_RETENTION.key(), instant(request.from().micros()), instant(from),
          instant(request.from().micros()));
    }
    ZentrunkScan scan = new ZentrunkScan(conf, new ScanSpec(request, OptionalLong.empty(), false, List.of()), schema);
    InputPartition[] parts = scan.planInputPartitions();
    lastBatchRows = scan.plannedRows();
    lastBatchPlanningRequests = scan.planningRequests();
    if (!request.empty()) {
      lateChecks.remember(request.from().micros(), request.to().micros(), scan.plannedRows(), parts.length);
      if (lateChecks.enabled()) {
        // each task reports the rows it emitted: what the re-counts compare with
        parts = EmittedRows.wrap(parts, lateChecks.checkpoint(), request.from().micros(), request.to().micros());
      }
    }
    plannedFrom = from;
    plannedTo = to;
    planned = parts;
    return parts;
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    ReadRequest any = conf.request.withWindow(0, 1);
    PartitionReaderFactory factory =
        new ZentrunkScan(conf, new ScanSpec(any, OptionalLong.empty(), false, List.of()), schema).createReaderFactory();
    return lateChecks.enabled() ? new EmittedRows.Factory(factory, schema, hadoopConf) : factory;
  }

  @Override
  public void commit(Offset end) {
    // nothing to release: the API keeps no consumer state
  }

  @Override
  public void stop() {
    // nothing to stop: requests end with each batch
  }

  // ---- metrics ----------------------------------------------------------------------------------------------

  @Override
  public synchronized Map<String, String> metrics(Optional<Offset> latestConsumedOffset) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("lateCdrs", Long.toString(lateChecks.lateCdrs()));
    m.put("lateCdrsAfterHorizon", Long.toString(lateChecks.lateAfterHorizon()));
    m.put("lateCheckedWindows", Long.toString(lateChecks.checkedWindows()));
    m.put("probeRequests", Long.toString(probeStats.requests.sum()));
    m.put("probeThrottled", Long.toString(probeStats.throttled.sum()));
    m.put("lastBatchPlannedCdrs", Long.toString(lastBatchRows));
    m.put("lastBatchPlanningRequests", Long.toString(lastBatchPlanningRequests));
    latestConsumedOffset.ifPresent(o -> {
      if (apiNowMicros != Long.MIN_VALUE) {
        m.put("offsetBehindApiClockSeconds", Long.toString((apiNowMicros - micros(o)) / ApiTime.MICROS_PER_SECOND));
      }
    });
    return m;
  }

  @Override
  public String toString() {
    return "ZentrunkMicroBatchStream " + conf.client.apiUrl() + " [" + conf.request.describe() + ", lag "
        + ApiTime.formatDuration(lagMicros) + "]";
  }
}
