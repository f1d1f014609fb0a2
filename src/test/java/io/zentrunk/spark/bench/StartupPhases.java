package io.zentrunk.spark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where a cluster run's start-up went, from Spark's event log, in seconds from the run's first API request: when
 * each executor was added, the jobs before the read's first (the executors' warm-up), the read's first job's
 * submission, and each executor's first task of it: its launch, the time it took to deserialize (Spark's "Executor
 * Deserialize Time": the task's classes and broadcast) and its run time.
 */
final class StartupPhases {

  private StartupPhases() {}

  /**
   * Lines describing the start-up of the application whose event log is in {@code dir}; {@code firstRequestMs} and
   * {@code firstTaskRequestMs} are the wall-clock times (epoch ms) of the run's first request and of its first
   * request after planning.
   */
  static List<String> describe(Path dir, long firstRequestMs, long firstTaskRequestMs) throws IOException {
    List<Path> logs;
    try (Stream<Path> s = Files.walk(dir)) {
      logs = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    ObjectMapper json = new ObjectMapper();
    Map<String, Long> added = new TreeMap<>();
    Map<Integer, String> description = new HashMap<>();
    Map<Integer, Long> submitted = new TreeMap<>();
    Map<Integer, Long> completed = new HashMap<>();
    Map<Integer, Integer> jobOfStage = new HashMap<>();
    List<JsonNode> taskEnds = new ArrayList<>();
    for (Path log : logs) {
      try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
        for (String line; (line = r.readLine()) != null; ) {
          JsonNode e = json.readTree(line);
          String ev = e.path("Event").asText();
          switch (ev.substring(ev.lastIndexOf('.') + 1)) {
            case "SparkListenerExecutorAdded" -> added.put(e.path("Executor ID").asText(), e.path("Timestamp").asLong());
            case "SparkListenerJobStart" -> {
              int job = e.path("Job ID").asInt();
              submitted.put(job, e.path("Submission Time").asLong());
              description.put(job, e.path("Properties").path("spark.job.description").asText(""));
              e.path("Stage IDs").forEach(s -> jobOfStage.put(s.asInt(), job));
            }
            case "SparkListenerJobEnd" -> completed.put(e.path("Job ID").asInt(), e.path("Completion Time").asLong());
            case "SparkListenerTaskEnd" -> taskEnds.add(e);
            default -> { }
          }
        }
      }
    }
    List<String> out = new ArrayList<>();
    added.forEach((id, t) -> out.add(String.format(Locale.ROOT, "executor %s added at %+.1f s", id, s(t, firstRequestMs))));
    Integer read = null;
    for (Map.Entry<Integer, Long> j : submitted.entrySet()) {
      String d = description.get(j.getKey());
      if (d.startsWith("zentrunk: warm")) {
        out.add(String.format(Locale.ROOT, "job %d (%s): %+.1f s to %+.1f s", j.getKey(), d, s(j.getValue(), firstRequestMs),
            s(completed.getOrDefault(j.getKey(), j.getValue()), firstRequestMs)));
      } else if (read == null) {
        read = j.getKey();
        out.add(String.format(Locale.ROOT, "the read's first job (%d) submitted at %+.1f s; its first task's first request"
            + " at %+.1f s", read, s(j.getValue(), firstRequestMs), s(firstTaskRequestMs, firstRequestMs)));
      }
    }
    // each executor's first task of the read's first job (and of any warm-up job before it)
    Map<String, JsonNode> first = new TreeMap<>();
    for (JsonNode e : taskEnds) {
      Integer job = jobOfStage.get(e.path("Stage ID").asInt());
      if (read != null && job != null && job.intValue() == read.intValue()) {
        String ex = e.path("Task Info").path("Executor ID").asText();
        JsonNode prior = first.get(ex);
        if (prior == null || prior.path("Task Info").path("Launch Time").asLong() > e.path("Task Info").path("Launch Time").asLong()) {
          first.put(ex, e);
        }
      }
    }
    first.forEach((ex, e) -> out.add(String.format(Locale.ROOT,
        "executor %s: first task of the read launched at %+.1f s, %d ms deserializing, %.1f s running", ex,
        s(e.path("Task Info").path("Launch Time").asLong(), firstRequestMs),
        e.path("Task Metrics").path("Executor Deserialize Time").asLong(),
        e.path("Task Metrics").path("Executor Run Time").asLong() / 1000.0)));
    return out;
  }

  private static double s(long ms, long fromMs) {
    return (ms - fromMs) / 1000.0;
  }
}
