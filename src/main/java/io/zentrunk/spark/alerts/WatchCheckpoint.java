package io.zentrunk.spark.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The watch job's files under the query's checkpoint: Spark's offset log (read for each batch's end), and the
 * job's own folder {@code watch/} with the CDRs a batch judged ({@code recent/BATCH}: its own and the longest
 * window's before it), the IRSF baseline of each day ({@code baseline/DAY}, complete when {@code baseline/DAY.hours}
 * exists), the outbound amount by destination of each held day read for it ({@code baseline-days/DAY.json}, written
 * atomically: a baseline reads from the history only the days not kept there), this checkpoint's run id ({@code run}) and the alerts and resolves delivered to the webhook
 * ({@code delivered/ID.EVENT}) and, with --quality, the Insights rows kept for the quality-drop rule
 * ({@code insights/BATCH}: fetched once per batch, so a restart does not ask for them again). The CDR and baseline files are a pure function of the batch id, so a batch replayed
 * after a crash rewrites the same files.
 */
final class WatchCheckpoint {

  /** Recent-CDR folders of batches older than the last few are deleted. */
  static final int KEEP_BATCHES = 3;

  private final Path root;
  private final FileSystem fs;

  WatchCheckpoint(SparkSession spark, String checkpoint) {
    this.root = new Path(checkpoint);
    try {
      this.fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The end of batch {@code batchId}: the source's offset in Spark's write-ahead offset log, written before the
   * batch runs (its last line is the zentrunk source's offset, {@code {"version":1,"end_time":"..."}}).
   */
  Instant batchEnd(long batchId) {
    Path p = new Path(root, "offsets/" + batchId);
    try (var in = fs.open(p)) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split("\n");
      JsonNode offset = Webhook.JSON.readTree(lines[lines.length - 1]);
      if (!offset.has("end_time")) {
        throw new IllegalStateException("the offset log " + p + " does not end with a zentrunk offset: " + lines[lines.length - 1]);
      }
      return Instant.parse(offset.get("end_time").asText());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the offset of batch " + batchId + " at " + p, e);
    }
  }

  /** Where the stream began: the source's start offset, logged once in its checkpoint folder {@code sources/0}. */
  Instant streamStart() {
    Path p = new Path(root, "sources/0/zentrunk-start-offset.json");
    try (var in = fs.open(p)) {
      return Instant.parse(Webhook.JSON.readTree(in.readAllBytes()).get("end_time").asText());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the stream's start offset at " + p, e);
    }
  }

  /**
   * This checkpoint's run: a random id written once, so that a replayed batch recognises the alert rows it wrote
   * before a crash, and a new checkpoint over the same alerts never takes an older run's rows for its own.
   */
  String runId() {
    Path p = new Path(root, "watch/run");
    try {
      if (!fs.exists(p)) {
        try (FSDataOutputStream out = fs.create(p, false)) {
          out.write(java.util.UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
          // written by an earlier attempt: it wins
        }
      }
      try (var in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path deliveredMark(String alertId, String event) {
    return new Path(root, "watch/delivered/" + alertId + "." + event);
  }

  /** Whether the webhook took this alert's event (a replayed batch POSTs only what it had not delivered). */
  boolean delivered(String alertId, String event) {
    return exists(deliveredMark(alertId, event).toString());
  }

  void markDelivered(String alertId, String event) {
    try {
      fs.create(deliveredMark(alertId, event), true).close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String recent(long batchId) {
    return new Path(root, "watch/recent/" + batchId).toString();
  }

  boolean exists(String path) {
    try {
      return fs.exists(new Path(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The Insights rows kept after batch {@code batchId} (with --quality): the scored calls of the hour before and of
   * the UTC day before, for the quality-drop rule, and the batch's own; complete when its {@code _SUCCESS} exists.
   */
  String insights(long batchId) {
    return new Path(root, "watch/insights/" + batchId).toString();
  }

  /** Deletes the recent-CDR and kept-Insights folders of batches before {@code batchId - KEEP_BATCHES}. */
  void dropOlderThan(long batchId) {
    dropOlderThan(batchId, "watch/recent");
    dropOlderThan(batchId, "watch/insights");
  }

  private void dropOlderThan(long batchId, String folder) {
    try {
      Path dir = new Path(root, folder);
      if (!fs.exists(dir)) {
        return;
      }
      for (var s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (name.matches("\\d+") && Long.parseLong(name) < batchId - KEEP_BATCHES) {
          fs.delete(s.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String baseline(LocalDate day) {
    return new Path(root, "watch/baseline/" + day).toString();
  }

  /** The covered hours of the day's baseline, or -1 when it is not complete. */
  long baselineHours(LocalDate day) {
    Path p = new Path(root, "watch/baseline/" + day + ".hours");
    try {
      if (!fs.exists(p)) {
        return -1;
      }
      try (var in = fs.open(p)) {
        return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path daySumsPath(LocalDate day) {
    return new Path(root, "watch/baseline-days/" + day + ".json");
  }

  /**
   * The outbound amount of one held UTC day by destination ({@code to_country}, null a key of its own), as read once
   * from the history; null when the day has not been read (or its file was never completed). A day without outbound
   * calls is an empty map, not a missing day.
   */
  Map<String, BigDecimal> daySums(LocalDate day) {
    Path p = daySumsPath(day);
    try {
      if (!fs.exists(p)) {
        return null;
      }
      try (var in = fs.open(p)) {
        JsonNode root = Webhook.JSON.readTree(in.readAllBytes());
        Map<String, BigDecimal> sums = new LinkedHashMap<>();
        for (JsonNode n : root.get("sums")) {
          sums.put(n.get("to_country").isNull() ? null : n.get("to_country").asText(), new BigDecimal(n.get("amount").asText()));
        }
        return sums;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the IRSF baseline's sums of " + day + " at " + p, e);
    }
  }

  /**
   * Keeps the day's sums: written beside, then one atomic rename over the final name, so that a kill leaves the day
   * either read (whole) or not read (and read again), never half of it or counted twice.
   */
  void saveDaySums(LocalDate day, Map<String, BigDecimal> sums) {
    ObjectNode root = Webhook.JSON.createObjectNode();
    root.put("version", 1);
    root.put("day", day.toString());
    ArrayNode arr = root.putArray("sums");
    sums.forEach((country, amount) -> arr.addObject().put("to_country", country).put("amount", amount.toPlainString()));
    Path p = daySumsPath(day);
    Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
    try {
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        out.write(Webhook.JSON.writeValueAsBytes(root));
      }
      FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(tmp, p, Options.Rename.OVERWRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the IRSF baseline's sums of " + day + " at " + p, e);
    }
  }

  /** Deletes the kept day sums of days before {@code first} (no baseline to come reaches them). */
  void dropDaySumsBefore(LocalDate first) {
    try {
      Path dir = new Path(root, "watch/baseline-days");
      if (!fs.exists(dir)) {
        return;
      }
      for (var s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (name.matches("\\d{4}-\\d{2}-\\d{2}\\.json") && LocalDate.parse(name.substring(0, 10)).isBefore(first)) {
          fs.delete(s.getPath(), false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Marks the day's baseline complete, with its covered hours. */
  void baselineDone(LocalDate day, long hours) {
    try (FSDataOutputStream out = fs.create(new Path(root, "watch/baseline/" + day + ".hours"), true)) {
      out.write(Long.toString(hours).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
