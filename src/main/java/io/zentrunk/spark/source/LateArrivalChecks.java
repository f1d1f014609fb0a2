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
 *
 * <p>Past the horizon a window's call_uuids are forgotten, but what it held is added to its UTC day's count
 * ({@link Day}: a few numbers a day, for the API's 90 days). Each check also counts one of those days again
 * (round-robin: the day after the one checked last, then from the oldest again); what a day gained since its last count
 * appeared after the horizon: one warning line names the day and how many (they cannot be named: no per-CDR state is
 * kept past the horizon), counted in {@link #lateCdrs()} and {@link #lateAfterHorizon()}, and the count is remembered,
 * so the same gain is never reported twice. A day that counts fewer than before is said in one line (CDRs removed),
 * never counted as negative late CDRs. A day whose first minute leaves the API's retention is dropped.
 */
final class LateArrivalChecks {

  private static final Logger LOG = LoggerFactory.getLogger(LateArrivalChecks.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How often the windows are counted again, and how long after the offset passed a window its first re-count waits. */
  static final long CHECK_AFTER_MICROS = 3600 * ApiTime.MICROS_PER_SECOND;
  static final String FILE = "zentrunk-late-check.json";
  /** At most this many late CDRs are named in one warning line; the rest are counted. */
  static final int MAX_NAMED = 100;
  /** The file's format: 3 added the days past the horizon; 2 (and 1) still load, without them. */
  static final int VERSION = 3;

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
  /** The spans past the horizon, by start; none crosses a UTC midnight, adjacent ones of a day are one. */
  private TreeMap<Long, Span> days;
  /** The start of the UTC day counted last (round-robin). */
  private long lastDay = Long.MIN_VALUE;
  private long lateCdrs;
  private long lateAfterHorizon;
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

  /**
   * True if a check is due at API time {@code now}: an hour since the last, and a window an hour behind the offset or a
   * day past the horizon to count.
   */
  boolean anyDue(long now) {
    if (checkpoint == null) {
      return false;
    }
    TreeMap<Long, Window> ws = windows(); // loads the days too
    return (!ws.isEmpty() && ws.firstEntry().getValue().to <= now - lagMicros - CHECK_AFTER_MICROS || !days.isEmpty())
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
    // the windows past the horizon had their last check: forgotten, with what their tasks emitted; what they held is
    // added to their days
    while (!windows().isEmpty() && windows().firstEntry().getValue().to <= past) {
      Map.Entry<Long, Window> w = windows().firstEntry();
      toDays(w.getKey(), w.getValue(), counter, requests);
      windows().pollFirstEntry();
      EmittedRows.clear(checkpoint, w.getKey(), w.getValue().to, hadoopConf.get());
    }
    dropExpired(now);
    checkOneDay(now, counter, requests);
    lastCheck = now;
    save();
    return requests[0];
  }

  private static long dayOf(long micros) {
    return Math.floorDiv(micros, ApiTime.MICROS_PER_DAY) * ApiTime.MICROS_PER_DAY;
  }

  /**
   * Adds what a window held at its last check to the spans of its days. A window within one day adds its count; one
   * across midnight is split by the end_times of what was emitted and named, or, when they are not all known, by
   * counting each day's part now (its last check was this same check).
   */
  private void toDays(long from, Window w, Counter counter, int[] requests) {
    long known = w.known >= 0 ? w.known : emitted(from, w);
    Map<Long, Long> perDay = new TreeMap<>();
    if (dayOf(from) == dayOf(w.to - 1)) {
      perDay.put(from, known);
    } else {
      EmittedRows.Window e = w.parts > 0 ? EmittedRows.read(checkpoint, from, w.to, w.parts, hadoopConf.get()) : null;
      boolean byTime = e != null && e.timed() && e.uuids().size() + w.late.size() == known;
      long rest = known;
      for (long lo = from; lo < w.to; lo = dayOf(lo) + ApiTime.MICROS_PER_DAY) {
        long hi = Math.min(w.to, dayOf(lo) + ApiTime.MICROS_PER_DAY);
        long n;
        if (hi == w.to) {
          n = Math.max(0, rest);
        } else if (byTime) {
          long a = lo;
          n = e.rows(lo, hi) + w.late.values().stream().filter(t -> t >= a && t < hi).count();
        } else {
          n = counter.count(lo, hi);
          requests[0]++;
        }
        rest -= n;
        perDay.put(lo, n);
      }
    }
    perDay.forEach((lo, n) -> {
      long hi = Math.min(w.to, dayOf(lo) + ApiTime.MICROS_PER_DAY);
      Map.Entry<Long, Span> before = days.lowerEntry(lo + 1);
      if (before != null && before.getValue().to == lo && dayOf(before.getKey()) == dayOf(lo)) {
        before.getValue().to = hi;
        before.getValue().seen += n;
      } else {
        days.put(lo, new Span(hi, n));
      }
      Map.Entry<Long, Span> after = days.higherEntry(lo);
      Map.Entry<Long, Span> merged = days.floorEntry(lo);
      if (after != null && after.getKey() == merged.getValue().to && dayOf(after.getKey()) == dayOf(lo)) {
        merged.getValue().to = after.getValue().to;
        merged.getValue().seen += after.getValue().seen;
        days.remove(after.getKey());
      }
    });
  }

  /** Drops the days whose first minute left the API's retention (their count would shrink as they expire). */
  private void dropExpired(long now) {
    long retentionStart = now - ReadRequest.RETENTION_MICROS + ReadRequest.EXPIRY_MARGIN_MICROS;
    while (!days.isEmpty() && dayOf(days.firstKey()) < retentionStart) {
      long day = dayOf(days.firstKey());
      days.headMap(day + ApiTime.MICROS_PER_DAY).clear();
      LOG.info("Late-arrival checks: day {} leaves the API's retention, it is no longer counted",
          ApiTime.toInstant(day).toString().substring(0, 10));
    }
  }

  /**
   * Counts one day past the horizon again (the day after the one counted last, else the oldest): one request per span
   * of it (one while the stream ran without a gap). A gain is warned once and counted; a loss is said once.
   */
  private void checkOneDay(long now, Counter counter, int[] requests) {
    if (days.isEmpty()) {
      return;
    }
    Long next = lastDay == Long.MIN_VALUE ? null : days.ceilingKey(lastDay + ApiTime.MICROS_PER_DAY);
    long day = dayOf(next != null ? next : days.firstKey());
    long count = 0;
    long seen = 0;
    long gained = 0;
    long lost = 0;
    for (Map.Entry<Long, Span> s : days.subMap(day, day + ApiTime.MICROS_PER_DAY).entrySet()) {
      long n = counter.count(s.getKey(), s.getValue().to);
      requests[0]++;
      count += n;
      seen += s.getValue().seen;
      // span by span: a gain in one is not hidden by a loss in another
      gained += Math.max(0, n - s.getValue().seen);
      lost += Math.max(0, s.getValue().seen - n);
      s.getValue().seen = n;
    }
    lastDay = day;
    Map.Entry<Long, Span> first = days.ceilingEntry(day);
    long spanTo = days.floorEntry(day + ApiTime.MICROS_PER_DAY - 1).getValue().to;
    String name = ApiTime.toInstant(day).toString().substring(0, 10);
    if (gained > 0) {
      lateCdrs += gained;
      lateAfterHorizon += gained;
      LOG.warn("{} CDRs that ended on {} (UTC) appeared after the late-check horizon ({}) and are not in the stream's "
              + "output: its windows [{}, {}) count {} at {}, {} when last counted; past the horizon only a count a day "
              + "is kept, so they cannot be named (read that day again in batch to get them; raise option '{}' to "
              + "name such CDRs)", gained, name, ApiTime.formatDuration(horizonMicros),
          ApiTime.toInstant(first.getKey()), ApiTime.toInstant(spanTo), count, ApiTime.toInstant(now), seen,
          ReadOptions.LATE_CHECK_HORIZON.key());
    }
    if (lost > 0) {
      LOG.warn("The stream's windows of {} (UTC) [{}, {}) count {} at {}, {} fewer than when last counted: CDRs were "
              + "removed by the API after the stream read them (not counted as late)", name,
          ApiTime.toInstant(first.getKey()), ApiTime.toInstant(spanTo), count, ApiTime.toInstant(now), lost);
    }
  }

  /** What the tasks emitted for a window, or the driver's planned count when they did not all report (a LIMIT). */
  private long emitted(long from, Window w) {
    EmittedRows.Window e = w.parts > 0 ? EmittedRows.read(checkpoint, from, w.to, w.parts, hadoopConf.get()) : null;
    return e != null ? e.rows() : w.planned;
  }

  /**
   * A span of one UTC day whose windows passed the horizon: {@code [from, to)}, and how many CDRs it held when it was
   * last counted ({@code seen}: the windows' emitted rows and late CDRs found, then each count of the day).
   */
  private static final class Span {
    long to;
    long seen;

    Span(long to, long seen) {
      this.to = to;
      this.seen = seen;
    }
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

  /** CDRs found by re-counts that the stream did not emit (those found past the horizon included). */
  long lateCdrs() {
    return lateCdrs;
  }

  /** CDRs that appeared after the horizon, found by the counts of the days (part of {@link #lateCdrs()}). */
  long lateAfterHorizon() {
    return lateAfterHorizon;
  }

  /** The days past the horizon followed, by their starts (for tests). */
  List<Long> days() {
    if (checkpoint == null) {
      return List.of();
    }
    windows();
    return days.keySet().stream().map(LateArrivalChecks::dayOf).distinct().toList();
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
    days = new TreeMap<>();
    try {
      Path p = path();
      FileSystem fs = p.getFileSystem(hadoopConf.get());
      if (!fs.exists(p)) {
        return out;
      }
      try (InputStream in = fs.open(p)) {
        JsonNode root = JSON.readTree(in);
        if (root.path("version").asInt(1) > VERSION) {
          throw new IllegalStateException("The stream's late-arrival checks in " + checkpoint + " are of version "
              + root.path("version").asInt() + ", which this version of the connector (version " + VERSION
              + ") cannot read");
        }
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
        // version 3: the days past the horizon (versions 1 and 2 kept none: they start empty)
        if (root.hasNonNull("last_day")) {
          lastDay = ApiTime.toMicros(Instant.parse(root.get("last_day").asText()));
        }
        for (JsonNode d : root.path("days")) {
          days.put(ApiTime.toMicros(Instant.parse(d.get("from").asText())),
              new Span(ApiTime.toMicros(Instant.parse(d.get("to").asText())), d.get("seen").asLong()));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stream's late-arrival checks in " + checkpoint, e);
    }
  }

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    if (lastCheck != Long.MIN_VALUE) {
      root.put("last_check", ApiTime.toInstant(lastCheck).toString());
    }
    if (lastDay != Long.MIN_VALUE) {
      root.put("last_day", ApiTime.toInstant(lastDay).toString());
    }
    ArrayNode dayArr = root.putArray("days");
    days.forEach((from, d) -> dayArr.addObject().put("from", ApiTime.toInstant(from).toString())
        .put("to", ApiTime.toInstant(d.to).toString()).put("seen", d.seen));
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
