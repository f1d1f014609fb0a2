package io.zentrunk.spark.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrQuery;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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
 * The windows a stream read and what it read in each, kept in its checkpoint folder, and their late-arrival
 * re-counts: once a window's end is an hour behind the stream's offset clock ({@code now - lag}), the API counts it
 * again ({@code total_count}, one request for a run of adjacent windows of at most 90 days); what it gained became
 * visible more than {@code lag} after it ended and was missed. That is reported (a warning, {@link #lateCdrs()}),
 * never silently dropped. A restarted query checks the windows of the run before it. Without a checkpoint folder
 * nothing is remembered or checked.
 */
final class LateArrivalChecks {

  private static final Logger LOG = LoggerFactory.getLogger(LateArrivalChecks.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long after the offset passed a window its CDRs are counted again. */
  static final long CHECK_AFTER_MICROS = 3600 * ApiTime.MICROS_PER_SECOND;
  static final String FILE = "zentrunk-late-check.json";

  /** Counts the records of {@code [from, to)}: one request. */
  interface Counter {
    long count(long from, long to);
  }

  private final String checkpoint;
  private final long lagMicros;
  private final Supplier<Configuration> hadoopConf;
  /** from -> {to, read}; loaded from the checkpoint on first use, then kept here and written on each change. */
  private TreeMap<Long, long[]> windows;
  private long lateCdrs;
  private long checkedWindows;

  LateArrivalChecks(String checkpoint, long lagMicros, Supplier<Configuration> hadoopConf) {
    this.checkpoint = checkpoint;
    this.lagMicros = lagMicros;
    this.hadoopConf = hadoopConf;
  }

  /** A batch read {@code read} CDRs of {@code [from, to)}: count it again later. */
  void remember(long from, long to, long read) {
    if (checkpoint == null) {
      return;
    }
    windows().put(from, new long[] {to, read});
    save();
  }

  /** True if a window is due for its re-count at API time {@code now}. */
  boolean anyDue(long now) {
    return checkpoint != null && !windows().isEmpty() && windows().firstEntry().getValue()[0] <= due(now);
  }

  private long due(long now) {
    return now - lagMicros - CHECK_AFTER_MICROS;
  }

  /**
   * Counts again, once, the windows due at API time {@code now}, one request per run of adjacent windows; returns the
   * requests sent (0 when none was due).
   */
  int check(long now, Counter counter) {
    if (!anyDue(now)) {
      return 0;
    }
    long due = due(now);
    List<long[]> run = new ArrayList<>();
    int requests = 0;
    for (Map.Entry<Long, long[]> w : new ArrayList<>(windows().entrySet())) {
      long from = w.getKey();
      long to = w.getValue()[0];
      if (to > due) {
        break;
      }
      if (!run.isEmpty() && (run.get(run.size() - 1)[1] != from || to - run.get(0)[0] > CdrQuery.MAX_RANGE_MICROS)) {
        recount(run, counter);
        requests++;
        run.clear();
      }
      run.add(new long[] {from, to, w.getValue()[1]});
      windows().remove(from);
    }
    recount(run, counter);
    save();
    return requests + 1;
  }

  private void recount(List<long[]> run, Counter counter) {
    long from = run.get(0)[0];
    long to = run.get(run.size() - 1)[1];
    long read = 0;
    for (long[] w : run) {
      read += w[2];
    }
    long now = counter.count(from, to);
    checkedWindows += run.size();
    if (now > read) {
      lateCdrs += now - read;
      LOG.warn("{} CDRs of [{}, {}) became visible more than lag ({}) after they ended: the stream read {} and the API "
              + "now counts {}; they are not in the stream's output (raise option '{}' to wait for them)",
          now - read, ApiTime.toInstant(from), ApiTime.toInstant(to), ApiTime.formatDuration(lagMicros), read, now,
          ReadOptions.LAG.key());
    }
  }

  /** CDRs found by re-counts that the stream did not read. */
  long lateCdrs() {
    return lateCdrs;
  }

  /** Windows counted again so far. */
  long checkedWindows() {
    return checkedWindows;
  }

  /** The windows waiting for their re-count (for tests). */
  int pending() {
    return checkpoint == null ? 0 : windows().size();
  }

  private TreeMap<Long, long[]> windows() {
    if (windows == null) {
      windows = load();
    }
    return windows;
  }

  private Path path() {
    return new Path(checkpoint, FILE);
  }

  private TreeMap<Long, long[]> load() {
    TreeMap<Long, long[]> out = new TreeMap<>();
    try {
      Path p = path();
      FileSystem fs = p.getFileSystem(hadoopConf.get());
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

  private void save() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    ArrayNode arr = root.putArray("windows");
    windows.forEach((from, w) -> arr.addObject().put("from", ApiTime.toInstant(from).toString())
        .put("to", ApiTime.toInstant(w[0]).toString()).put("read", w[1]));
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
