package io.zentrunk.spark.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.ZentrunkClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
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
 * query read is counted again ({@code total_count}) once an hour more has passed, and what it gained is
 * reported as the metric {@code lateCdrs} and a warning. The windows to check live in the source's checkpoint
 * folder, so a restarted query checks the windows of the run before it.
 */
final class ZentrunkMicroBatchStream implements MicroBatchStream, SupportsTriggerAvailableNow, ReportsSourceMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(ZentrunkMicroBatchStream.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a new query starts without option {@code start}: the last 24 hours. */
  static final long DEFAULT_START_MICROS = ApiTime.MICROS_PER_DAY;
  /** How long after a window's offset was passed its CDRs are counted again, for late arrivals. */
  static final long LATE_CHECK_AFTER_MICROS = 3600 * ApiTime.MICROS_PER_SECOND;
  static final String LATE_CHECK_FILE = "zentrunk-late-check.json";

  private final ReadConf conf;
  private final StructType schema;
  private final long lagMicros;
  private final Integer maxRequestsPerTrigger;
  private final String checkpoint;
  private final ReadStats probeStats = new ReadStats();
  private final ZentrunkClient probes;

  private Long availableNowTarget;
  private long apiNowMicros = Long.MIN_VALUE;
  private boolean warnedNoDate;
  private long lateCdrs;
  private long checkedWindows;
  private long lastBatchRows = -1;
  private long lastBatchPlanningRequests;

  ZentrunkMicroBatchStream(ReadConf conf, StructType schema, String checkpointLocation) {
    if (conf.request.to() != null) {
      throw new IllegalArgumentException("Option '" + ReadOptions.END.key()
          + "' is for batch reads; a stream reads up to the API's clock minus option '" + ReadOptions.LAG.key() + "'");
    }
    this.conf = conf;
    this.schema = schema;
    this.lagMicros = conf.lagMicros;
    this.maxRequestsPerTrigger = conf.maxRequestsPerTrigger;
    this.checkpoint = checkpointLocation;
    this.probes = conf.newClient(probeStats);
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
      return "{\"version\":" + VERSION + ",\"end_time\":\"" + instant(micros) + "\"}";
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

  private static String instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, ApiTime.MICROS_PER_SECOND),
        Math.floorMod(micros, ApiTime.MICROS_PER_SECOND) * 1000).toString();
  }

  /** The instant of an offset Spark hands back: ours, or read back from a checkpoint (SerializedOffset). */
  private static long micros(Offset o) {
    return o instanceof EndTimeOffset e ? e.micros : EndTimeOffset.parse(o.json()).micros;
  }

  @Override
  public Offset deserializeOffset(String json) {
    return EndTimeOffset.parse(json);
  }

  @Override
  public Offset initialOffset() {
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
    long now = apiNow(start);
    checkLateArrivals(now);
    long target = target(now);
    if (availableNowTarget != null) {
      target = Math.min(target, availableNowTarget);
    }
    if (target <= start) {
      return startOffset;
    }
    if (limit instanceof ReadMaxRows max) {
      target = capped(start, target, max.maxRows());
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
   * The API's clock: option {@code now}, else the Date header of a probe answer, else the system clock. The
   * probe counts what is visible from {@code from} (or the last day) and is the query's one request per trigger.
   */
  private long apiNow(Long from) {
    if (conf.nowMicros != null) {
      return conf.nowMicros;
    }
    long local = ApiTime.toMicros(Instant.now());
    long f = from != null ? from : local - ApiTime.MICROS_PER_DAY;
    probes.count(new CdrQuery(f, f + CdrQuery.MAX_RANGE_MICROS, conf.request.apiFilters()));
    Instant date = probes.serverTime();
    if (date == null) {
      if (!warnedNoDate) {
        LOG.warn("The API's answers carry no Date header: the stream's offsets follow this machine's clock");
        warnedNoDate = true;
      }
      apiNowMicros = local;
    } else {
      apiNowMicros = ApiTime.toMicros(date);
    }
    return apiNowMicros;
  }

  // ---- batches ------------------------------------------------------------------------------------------------

  @Override
  public InputPartition[] planInputPartitions(Offset start, Offset end) {
    long from = micros(start);
    long to = micros(end);
    long now = apiNowMicros != Long.MIN_VALUE ? apiNowMicros : Math.max(to, conf.now());
    ReadRequest request = conf.request.withWindow(from, to).resolve(now, conf.clampToRetention);
    ZentrunkScan scan = new ZentrunkScan(conf, new ScanSpec(request, OptionalLong.empty(), false, List.of()), schema);
    InputPartition[] parts = scan.planInputPartitions();
    synchronized (this) {
      lastBatchRows = scan.plannedRows();
      lastBatchPlanningRequests = scan.planningRequests();
      if (!request.empty()) {
        rememberWindow(request.from().micros(), request.to().micros(), scan.plannedRows());
      }
    }
    return parts;
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    ReadRequest any = conf.request.withWindow(0, 1);
    return new ZentrunkScan(conf, new ScanSpec(any, OptionalLong.empty(), false, List.of()), schema).createReaderFactory();
  }

  @Override
  public void commit(Offset end) {
    // nothing to release: the API keeps no consumer state
  }

  @Override
  public void stop() {
    // nothing to stop: requests end with each batch
  }

  // ---- late arrivals --------------------------------------------------------------------------------------------

  private void rememberWindow(long from, long to, long counted) {
    TreeMap<Long, long[]> windows = loadWindows();
    windows.put(from, new long[] {to, counted});
    saveWindows(windows);
  }

  /** Counts again the windows whose end is an hour behind the offset's clock, once: what they gained was missed. */
  private void checkLateArrivals(long now) {
    if (checkpoint == null) {
      return;
    }
    TreeMap<Long, long[]> windows = loadWindows();
    long due = now - lagMicros - LATE_CHECK_AFTER_MICROS;
    List<long[]> run = new ArrayList<>();
    boolean changed = false;
    for (Map.Entry<Long, long[]> w : new ArrayList<>(windows.entrySet())) {
      long from = w.getKey();
      long to = w.getValue()[0];
      if (to > due) {
        break;
      }
      if (!run.isEmpty() && (run.get(run.size() - 1)[1] != from || to - run.get(0)[0] > CdrQuery.MAX_RANGE_MICROS)) {
        recount(run);
        run.clear();
      }
      run.add(new long[] {from, to, w.getValue()[1]});
      windows.remove(from);
      changed = true;
    }
    if (!run.isEmpty()) {
      recount(run);
    }
    if (changed) {
      saveWindows(windows);
    }
  }

  private void recount(List<long[]> run) {
    long from = run.get(0)[0];
    long to = run.get(run.size() - 1)[1];
    long read = 0;
    for (long[] w : run) {
      read += w[2];
    }
    long now = count(from, to);
    checkedWindows += run.size();
    if (now > read) {
      lateCdrs += now - read;
      LOG.warn("{} CDRs of [{}, {}) became visible more than lag ({}) after they ended: the stream read {} and the API "
              + "now counts {}; they are not in the stream's output (raise option '{}' to wait for them)",
          now - read, instant(from), instant(to), ApiTime.formatDuration(lagMicros), read, now, ReadOptions.LAG.key());
    }
  }

  private Path lateCheckPath() {
    return new Path(checkpoint, LATE_CHECK_FILE);
  }

  private static Configuration hadoopConf() {
    return SparkSession.active().sparkContext().hadoopConfiguration();
  }

  private TreeMap<Long, long[]> loadWindows() {
    TreeMap<Long, long[]> out = new TreeMap<>();
    if (checkpoint == null) {
      return out;
    }
    try {
      Path p = lateCheckPath();
      FileSystem fs = p.getFileSystem(hadoopConf());
      if (!fs.exists(p)) {
        return out;
      }
      try (InputStream in = fs.open(p)) {
        for (JsonNode w : JSON.readTree(in).path("windows")) {
          out.put(ApiTime.toMicros(Instant.parse(w.get("from").asText())),
              new long[] {ApiTime.toMicros(Instant.parse(w.get("to").asText())), w.get("read").asLong()});
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stream's late-arrival checks in " + checkpoint, e);
    }
  }

  private void saveWindows(TreeMap<Long, long[]> windows) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    ArrayNode arr = root.putArray("windows");
    windows.forEach((from, w) -> arr.addObject().put("from", instant(from)).put("to", instant(w[0])).put("read", w[1]));
    try {
      Path p = lateCheckPath();
      Path tmp = new Path(checkpoint, LATE_CHECK_FILE + ".tmp");
      FileSystem fs = p.getFileSystem(hadoopConf());
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(p, false);
      if (!fs.rename(tmp, p)) {
        throw new IOException("rename failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the stream's late-arrival checks in " + checkpoint, e);
    }
  }

  // ---- metrics ----------------------------------------------------------------------------------------------

  @Override
  public synchronized Map<String, String> metrics(Optional<Offset> latestConsumedOffset) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("lateCdrs", Long.toString(lateCdrs));
    m.put("lateCheckedWindows", Long.toString(checkedWindows));
    m.put("probeRequests", Long.toString(probeStats.requests.sum()));
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
