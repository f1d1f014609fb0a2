package io.zentrunk.spark.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zentrunk.spark.client.ApiRules;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrQuery;
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
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The windows a stream read and what its tasks emitted in each ({@link EmittedRows}), kept in its checkpoint folder,
 * and their late-arrival re-counts. Once an hour (by the API's clock), every window whose end is at least an hour
 * behind the stream's offset clock ({@code now - lag}) is counted again ({@code total_count}: one request for each
 * run of adjacent windows of at most 90 days), until its end is {@code horizon} behind: then it is counted a last
 * time and forgotten. What a run gained over what was emitted (and what earlier checks found) became visible more
 * than {@code lag} after it ended and was missed: the windows that gained are found by counting halves, listed, and
 * the CDRs that were not emitted are named (call_uuid, end_time) in one warning line per check and counted in
 * {@link #lateCdrs()}, never silently dropped. A restarted query checks the windows of the run before it. Without a
 * checkpoint folder nothing is remembered or checked.
 */
final class LateArrivalChecks {

  private static final Logger LOG = LoggerFactory.getLogger(LateArrivalChecks.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How often the windows are counted again, and how long after the offset passed a window its first re-count waits. */
  static final long CHECK_AFTER_MICROS = 3600 * ApiTime.MICROS_PER_SECOND;
  static final String FILE = "zentrunk-late-check.json";
  /** At most this many late CDRs are named in one warning line; the rest are counted. */
  static final int MAX_NAMED = 100;

  /** Counts the records of {@code [from, to)}: one request. */
  interface Counter {
    long count(long from, long to);
  }

  /** A CDR listed by the API: its call_uuid and end_time (microseconds). */
  record Listed(String uuid, long end) {}

  /** Lists the records of {@code [from, to)}: a page per 20 records. */
  interface Lister {
    List<Listed> list(long from, long to);
  }

  /** One window read by a batch: its end, the driver's planned count, its partitions, what was known at the last check. */
  private static final class Window {
    final long to;
    final long planned;
    final int parts;
    /** Emitted rows plus the late CDRs found so far; -1 before the first check. */
    long known = -1;
    /** The late CDRs of this window named so far: call_uuid -> end_time. */
    final Map<String, Long> late = new LinkedHashMap<>();

    Window(long to, long planned, int parts) {
      this.to = to;
      this.planned = planned;
      this.parts = parts;
    }
  }

  private final String checkpoint;
  private final long lagMicros;
  private final long horizonMicros;
  private final Supplier<Configuration> hadoopConf;
  /** from -> window; loaded from the checkpoint on first use, then kept here and written on each change. */
  private TreeMap<Long, Window> windows;
  private long lastCheck = Long.MIN_VALUE;
  private long lateCdrs;
  private long checkedWindows;
  /** The CDRs the last warning named (for tests). */
  private List<String> lastNamed = List.of();

  LateArrivalChecks(String checkpoint, long lagMicros, long horizonMicros, Supplier<Configuration> hadoopConf) {
    this.checkpoint = checkpoint;
    this.lagMicros = lagMicros;
    this.horizonMicros = horizonMicros;
    this.hadoopConf = hadoopConf;
  }

  /** True when the windows are kept (a checkpoint folder): the tasks then report what they emit. */
  boolean enabled() {
    return checkpoint != null;
  }

  String checkpoint() {
    return checkpoint;
  }

  /**
   * A batch planned {@code planned} CDRs of {@code [from, to)} in {@code parts} partitions: count it again later. What
   * an earlier planning of the same window had its tasks report is forgotten (the batch runs again).
   */
  void remember(long from, long to, long planned, int parts) {
    if (checkpoint == null) {
      return;
    }
    EmittedRows.clear(checkpoint, from, to, hadoopConf.get());
    windows().put(from, new Window(to, planned, parts));
    save();
  }

  /** True if a check is due at API time {@code now}: an hour since the last, and a window an hour behind the offset. */
  boolean anyDue(long now) {
    return checkpoint != null && !windows().isEmpty() && windows().firstEntry().getValue().to <= now - lagMicros - CHECK_AFTER_MICROS
        && (lastCheck == Long.MIN_VALUE || now - lastCheck >= CHECK_AFTER_MICROS);
  }

  /**
   * Counts again the windows due at API time {@code now}, one request per run of adjacent windows, finds and names
   * what they gained, and forgets the windows past the horizon; returns the requests sent (0 when none was due).
   */
  int check(long now, Counter counter, Lister lister) {
    if (!anyDue(now)) {
      return 0;
    }
    long due = now - lagMicros - CHECK_AFTER_MICROS;
    long past = now - lagMicros - horizonMicros;
    int[] requests = {0};
    List<Map.Entry<Long, Window>> run = new ArrayList<>();
    List<Gain> gains = new ArrayList<>();
    for (Map.Entry<Long, Window> w : windows().entrySet()) {
      if (w.getValue().to > due) {
        break;
      }
      if (w.getValue().known < 0) {
        w.getValue().known = emitted(w.getKey(), w.getValue());
      }
      if (!run.isEmpty() && (run.get(run.size() - 1).getValue().to != w.getKey()
          || w.getValue().to - run.get(0).getKey() > CdrQuery.MAX_RANGE_MICROS)) {
        recount(run, counter, requests, gains);
        run.clear();
      }
      run.add(w);
    }
    recount(run, counter, requests, gains);
    report(now, gains, lister, counter, requests);
    // the windows past the horizon had their last check: forgotten, with what their tasks emitted
    while (!windows().isEmpty() && windows().firstEntry().getValue().to <= past) {
      Map.Entry<Long, Window> w = windows().pollFirstEntry();
      EmittedRows.clear(checkpoint, w.getKey(), w.getValue().to, hadoopConf.get());
    }
    lastCheck = now;
    save();
    return requests[0];
  }

  /** What the tasks emitted for a window, or the driver's planned count when they did not all report (a LIMIT). */
  private long emitted(long from, Window w) {
    EmittedRows.Window e = w.parts > 0 ? EmittedRows.read(checkpoint, from, w.to, w.parts, hadoopConf.get()) : null;
    return e != null ? e.rows() : w.planned;
  }

  /** A window that gained {@code count - known} CDRs since the last check. */
  private record Gain(long from, Window window, long count) {}

  private void recount(List<Map.Entry<Long, Window>> run, Counter counter, int[] requests, List<Gain> gains) {
    if (run.isEmpty()) {
      return;
    }
    long n = counter.count(run.get(0).getKey(), run.get(run.size() - 1).getValue().to);
    requests[0]++;
    checkedWindows += run.size();
    locate(run, 0, run.size(), n, counter, requests, gains);
  }

  /** Finds the windows of {@code run[i, j)} (which counts {@code n} now) that gained, by counting halves. */
  private void locate(List<Map.Entry<Long, Window>> run, int i, int j, long n, Counter counter, int[] requests,
      List<Gain> gains) {
    long known = 0;
    for (int k = i; k < j; k++) {
      known += run.get(k).getValue().known;
    }
    if (n <= known) {
      return;
    }
    if (j - i == 1) {
      gains.add(new Gain(run.get(i).getKey(), run.get(i).getValue(), n));
      return;
    }
    int mid = (i + j) >>> 1;
    long left = counter.count(run.get(i).getKey(), run.get(mid - 1).getValue().to);
    requests[0]++;
    locate(run, i, mid, left, counter, requests, gains);
    locate(run, mid, j, n - left, counter, requests, gains);
  }

  /** Names the CDRs the windows gained (a listing of each, against what its tasks emitted), in one warning line. */
  private void report(long now, List<Gain> gains, Lister lister, Counter counter, int[] requests) {
    if (gains.isEmpty()) {
      return;
    }
    long total = 0;
    List<String> named = new ArrayList<>();
    List<String> windowsGained = new ArrayList<>();
    long unnamed = 0;
    for (Gain g : gains) {
      Window w = g.window();
      long gained = g.count() - w.known;
      total += gained;
      w.known = g.count();
      windowsGained.add("[" + ApiTime.toInstant(g.from()) + ", " + ApiTime.toInstant(w.to) + ") +" + gained);
      EmittedRows.Window e = w.parts > 0 ? EmittedRows.read(checkpoint, g.from(), w.to, w.parts, hadoopConf.get()) : null;
      int before = named.size();
      if (e != null && e.uuids() != null) {
        List<long[]> ranges = new ArrayList<>();
        if (e.timed()) {
          narrow(g.from(), w.to, g.count(), e, w, counter, requests, ranges);
        } else {
          ranges.add(new long[] {g.from(), w.to});
        }
        for (long[] r : ranges) {
          for (Listed cdr : lister.list(r[0], r[1])) {
            if (!e.uuids().containsKey(cdr.uuid()) && !w.late.containsKey(cdr.uuid())) {
              w.late.put(cdr.uuid(), cdr.end());
              named.add(cdr.uuid() + " (end_time " + ApiTime.toInstant(cdr.end()) + ")");
            }
          }
        }
      }
      unnamed += Math.max(0, gained - (named.size() - before));
    }
    lateCdrs += total;
    lastNamed = List.copyOf(named);
    String names = named.isEmpty() ? "" : ": " + String.join(", ", named.subList(0, Math.min(MAX_NAMED, named.size())))
        + (named.size() > MAX_NAMED ? " and " + (named.size() - MAX_NAMED) + " more" : "");
    LOG.warn("{} CDRs became visible more than lag ({}) after they ended and are not in the stream's output (re-count at "
            + "{}, windows {}){}{} (raise option '{}' to wait for them)", total, ApiTime.formatDuration(lagMicros),
        ApiTime.toInstant(now), String.join(" ", windowsGained), names,
        unnamed > 0 ? "; " + unnamed + " not named (what the tasks emitted is not known for their window)" : "",
        ReadOptions.LAG.key());
  }

  /**
   * The parts of {@code [lo, hi)} (which counts {@code n} now) that gained over what was emitted and named there, each
   * small enough to list in one page, found by counting halves of the time: a day-long window of a catch-up is not
   * listed whole to name one CDR.
   */
  private static void narrow(long lo, long hi, long n, EmittedRows.Window e, Window w, Counter counter, int[] requests,
      List<long[]> out) {
    long known = e.rows(lo, hi) + w.late.values().stream().filter(t -> t >= lo && t < hi).count();
    if (n <= known) {
      return;
    }
    long mid = lo + Math.floorDiv((hi - lo) / 2, ApiTime.MICROS_PER_SECOND) * ApiTime.MICROS_PER_SECOND;
    if (n <= ApiRules.PAGE_LIMIT || mid <= lo) {
      out.add(new long[] {lo, hi});
      return;
    }
    long left = counter.count(lo, mid);
    requests[0]++;
    narrow(lo, mid, left, e, w, counter, requests, out);
    narrow(mid, hi, n - left, e, w, counter, requests, out);
  }

  /** CDRs found by re-counts that the stream did not emit. */
  long lateCdrs() {
    return lateCdrs;
  }

  /** Windows counted again so far (a window counts once per check). */
  long checkedWindows() {
    return checkedWindows;
  }

  /** The CDRs the last warning named, as "call_uuid (end_time T)" (for tests). */
  List<String> lastNamed() {
    return lastNamed;
  }

  /** The windows waiting for a re-count (for tests). */
  int pending() {
    return checkpoint == null ? 0 : windows().size();
  }

  private TreeMap<Long, Window> windows() {
    if (windows == null) {
      windows = load();
    }
    return windows;
  }

  private Path path() {
    return new Path(checkpoint, FILE);
  }

  private TreeMap<Long, Window> load() {
    TreeMap<Long, Window> out = new TreeMap<>();
    try {
      Path p = path();
      FileSystem fs = p.getFileSystem(hadoopConf.get());
      if (!fs.exists(p)) {
        return out;
      }
      try (InputStream in = fs.open(p)) {
        JsonNode root = JSON.readTree(in);
        if (root.hasNonNull("last_check")) {
          lastCheck = ApiTime.toMicros(Instant.parse(root.get("last_check").asText()));
        }
        for (JsonNode w : root.path("windows")) {
          // version 1 kept only the planned count ("read"), no partitions: compared as it was then
          Window win = new Window(ApiTime.toMicros(Instant.parse(w.get("to").asText())),
              w.has("planned") ? w.get("planned").asLong() : w.path("read").asLong(), w.path("parts").asInt(0));
          win.known = w.path("known").asLong(-1);
          w.path("late").forEach(u -> win.late.put(u.get("call_uuid").asText(),
              ApiTime.toMicros(Instant.parse(u.get("end_time").asText()))));
          out.put(ApiTime.toMicros(Instant.parse(w.get("from").asText())), win);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stream's late-arrival checks in " + checkpoint, e);
    }
  }

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 2);
    if (lastCheck != Long.MIN_VALUE) {
      root.put("last_check", ApiTime.toInstant(lastCheck).toString());
    }
    ArrayNode arr = root.putArray("windows");
    windows.forEach((from, w) -> {
      ObjectNode o = arr.addObject().put("from", ApiTime.toInstant(from).toString())
          .put("to", ApiTime.toInstant(w.to).toString()).put("planned", w.planned).put("parts", w.parts)
          .put("known", w.known);
      if (!w.late.isEmpty()) {
        ArrayNode late = o.putArray("late");
        w.late.forEach((uuid, end) -> late.addObject().put("call_uuid", uuid).put("end_time", ApiTime.toInstant(end).toString()));
      }
    });
    try {
      Path p = path();
      Path tmp = new Path(checkpoint, FILE + ".tmp");
      FileSystem fs = p.getFileSystem(hadoopConf.get());
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
      }
      // one atomic rename over the old file: a crash leaves the old state or the new one, never none
      org.apache.hadoop.fs.FileContext.getFileContext(fs.getUri(), hadoopConf.get())
          .rename(tmp, p, org.apache.hadoop.fs.Options.Rename.OVERWRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the stream's late-arrival checks in " + checkpoint, e);
    }
  }
}
