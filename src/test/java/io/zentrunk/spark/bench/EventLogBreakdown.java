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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a report run's time went, from Spark's event log (one uncompressed JSON event a line): every SQL execution
 * and every job outside one, classified by phase (the reads, a dataset's write, the summary's and the page's
 * collects, other) and dataset, with its Spark jobs, stages run, tasks, shuffle partitions read and wall time.
 */
final class EventLogBreakdown {

  /** One SQL execution (or one job outside any execution). */
  record Step(String phase, String dataset, long startMs, long endMs, int jobs, int stages, int tasks,
      int shuffleReadTasks, long shuffleBytes) {
    double seconds() {
      return (endMs - startMs) / 1000.0;
    }
  }

  /** A phase's sum over its steps. */
  record Sum(String key, int steps, int jobs, int stages, int tasks, int shuffleReadTasks, long shuffleBytes,
      double seconds) {}

  final List<Step> steps = new ArrayList<>();
  long appStartMs;
  long appEndMs;

  private static final Pattern WRITE = Pattern.compile(
      "InsertIntoHadoopFsRelationCommand\\s*\\n(?:Input[^\\n]*\\n)?Arguments: ([^,\\s]+)");
  private static final Pattern SCAN = Pattern.compile("Location: \\w+FileIndex[^\\[\\n]*\\[([^\\]]+)\\]");

  /**
   * The run's event log in {@code dir}: one file, or Spark's rolling log (a folder {@code eventlog_v2_<app>} of
   * {@code events_<n>_<app>} files, read in order of n).
   */
  static EventLogBreakdown of(Path dir) throws IOException {
    List<Path> logs;
    try (Stream<Path> s = Files.walk(dir)) {
      logs = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("appstatus")
          && !p.getFileName().toString().startsWith("."))
          .sorted(java.util.Comparator.comparingInt(EventLogBreakdown::index)).toList();
    }
    if (logs.isEmpty()) {
      throw new IllegalStateException("no event log in " + dir);
    }
    return parse(logs);
  }

  /** Prints the breakdown of the event log in the folder given: {@code EventLogBreakdown DIR}. */
  public static void main(String[] args) throws IOException {
    System.out.print(of(Path.of(args[0])).table());
  }

  private static int index(Path p) {
    Matcher m = Pattern.compile("^events_(\\d+)_").matcher(p.getFileName().toString());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  static EventLogBreakdown parse(List<Path> logs) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<Long, JsonNode> execStart = new LinkedHashMap<>();
    Map<Long, Long> execEnd = new HashMap<>();
    Map<Integer, JsonNode> jobStart = new LinkedHashMap<>();
    Map<Integer, Long> jobEnd = new HashMap<>();
    Map<Integer, Integer> stageTasks = new HashMap<>();
    Set<Integer> shuffleReading = new HashSet<>();
    Map<Integer, Long> shuffleWritten = new HashMap<>();
    EventLogBreakdown b = new EventLogBreakdown();
    for (Path log : logs) {
     try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        JsonNode e = json.readTree(line);
        String ev = e.path("Event").asText();
        switch (ev.substring(ev.lastIndexOf('.') + 1)) {
          case "SparkListenerApplicationStart" -> b.appStartMs = e.path("Timestamp").asLong();
          case "SparkListenerApplicationEnd" -> b.appEndMs = e.path("Timestamp").asLong();
          case "SparkListenerSQLExecutionStart" -> execStart.put(e.path("executionId").asLong(), e);
          case "SparkListenerSQLExecutionEnd" -> execEnd.put(e.path("executionId").asLong(), e.path("time").asLong());
          case "SparkListenerJobStart" -> jobStart.put(e.path("Job ID").asInt(), e);
          case "SparkListenerJobEnd" -> jobEnd.put(e.path("Job ID").asInt(), e.path("Completion Time").asLong());
          case "SparkListenerStageCompleted" -> {
            JsonNode s = e.path("Stage Info");
            stageTasks.put(s.path("Stage ID").asInt(), s.path("Number of Tasks").asInt());
          }
          case "SparkListenerTaskEnd" -> {
            JsonNode m = e.path("Task Metrics");
            int stage = e.path("Stage ID").asInt();
            JsonNode rd = m.path("Shuffle Read Metrics");
            if (rd.path("Remote Blocks Fetched").asLong() + rd.path("Local Blocks Fetched").asLong() > 0) {
              shuffleReading.add(stage);
            }
            shuffleWritten.merge(stage, m.path("Shuffle Write Metrics").path("Shuffle Bytes Written").asLong(), Long::sum);
            b.taskRunMs += m.path("Executor Run Time").asLong();
            b.taskCpuNs += m.path("Executor CPU Time").asLong();
          }
          default -> { }
        }
      }
     }
    }
    // jobs by execution (AQE runs one job per query stage)
    Map<Long, List<Integer>> jobsOf = new HashMap<>();
    List<Integer> loose = new ArrayList<>();
    for (Map.Entry<Integer, JsonNode> j : jobStart.entrySet()) {
      String id = j.getValue().path("Properties").path("spark.sql.execution.id").asText("");
      if (id.isEmpty()) {
        loose.add(j.getKey());
      } else {
        jobsOf.computeIfAbsent(Long.parseLong(id), k -> new ArrayList<>()).add(j.getKey());
      }
    }
    for (Map.Entry<Long, JsonNode> x : execStart.entrySet()) {
      JsonNode e = x.getValue();
      // nested executions (an execution's own sub-commands) are counted in their root
      if (e.has("rootExecutionId") && e.path("rootExecutionId").asLong() != x.getKey()) {
        jobsOf.computeIfAbsent(e.path("rootExecutionId").asLong(), k -> new ArrayList<>())
            .addAll(jobsOf.getOrDefault(x.getKey(), List.of()));
        continue;
      }
      String details = e.path("details").asText("") + " " + e.path("description").asText("");
      String plan = e.path("physicalPlanDescription").asText("");
      String[] pd = classify(details, plan);
      b.steps.add(b.step(pd[0], pd[1], e.path("time").asLong(), execEnd.getOrDefault(x.getKey(), e.path("time").asLong()),
          jobsOf.getOrDefault(x.getKey(), List.of()), jobStart, stageTasks, shuffleReading, shuffleWritten));
    }
    for (int j : loose) {
      JsonNode s = jobStart.get(j);
      String site = caller(s.path("Properties").path("callSite.long").asText(
          s.path("Properties").path("callSite.short").asText("?")));
      b.steps.add(b.step("other", site, s.path("Submission Time").asLong(), jobEnd.getOrDefault(j, 0L), List.of(j),
          jobStart, stageTasks, shuffleReading, shuffleWritten));
    }
    b.steps.sort(java.util.Comparator.comparingLong(Step::startMs));
    return b;
  }

  private Step step(String phase, String dataset, long start, long end, List<Integer> jobs, Map<Integer, JsonNode> jobStart,
      Map<Integer, Integer> stageTasks, Set<Integer> shuffleReading, Map<Integer, Long> shuffleWritten) {
    int stages = 0;
    int tasks = 0;
    int shuffleTasks = 0;
    long bytes = 0;
    for (int j : jobs) {
      for (JsonNode si : jobStart.get(j).path("Stage Infos")) {
        int id = si.path("Stage ID").asInt();
        Integer n = stageTasks.get(id);
        if (n != null) { // skipped stages never complete
          stages++;
          tasks += n;
          shuffleTasks += shuffleReading.contains(id) ? n : 0;
          bytes += shuffleWritten.getOrDefault(id, 0L);
        }
      }
    }
    return new Step(phase, dataset, start, end, jobs.size(), stages, tasks, shuffleTasks, bytes);
  }

  /** {phase, dataset} of one SQL execution, from its call site and its physical plan. */
  static String[] classify(String details, String plan) {
    Matcher w = WRITE.matcher(plan);
    if (w.find()) {
      return new String[] {"write", last(w.group(1))};
    }
    String scanned = "";
    Matcher s = SCAN.matcher(plan);
    if (s.find()) {
      scanned = last(s.group(1));
    }
    if (details.contains("ReadTogether")) {
      return new String[] {"read", "window+baseline"};
    }
    if (scanned.equals("cdrs")) {
      scanned = "(raw rows)";
    }
    if (details.contains("ReadBack.rows")) {
      return new String[] {"read back", "all datasets"};
    }
    if (details.contains("collectAsList") && details.contains("ReportJob.run")) {
      return new String[] {"read back", scanned};
    }
    if (details.contains("ReportSummary") || details.contains("TrunkSizing.summary") || details.contains("Wangiri.summary")
        || details.contains("ReportOutputs.summary")) {
      return new String[] {"summary", scanned};
    }
    if (details.contains("ReportPage") || details.contains("TrunkSection")) {
      return new String[] {"page", scanned};
    }
    return new String[] {"other", caller(details)};
  }

  /**
   * The project's frame that called Spark in a call site's stack, without its package (e.g.
   * {@code CdrLake.firstEndTime(CdrLake.java:93)}); else the stack's first frame.
   */
  static String caller(String details) {
    String[] frames = details.strip().split("\\s+");
    for (String f : frames) {
      if (f.startsWith("io.zentrunk.") && !f.startsWith("io.zentrunk.shaded.")) {
        String method = f.substring(0, f.contains("(") ? f.indexOf('(') : f.length());
        int cls = method.lastIndexOf('.', method.lastIndexOf('.') - 1);
        return f.substring(cls + 1);
      }
    }
    return frames.length == 0 || frames[0].isEmpty() ? "?" : frames[0];
  }

  private static String last(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** Sums by {@code key} ("phase" or "phase dataset"), in order of first appearance. */
  List<Sum> sums(boolean byDataset) {
    Map<String, Sum> m = new LinkedHashMap<>();
    for (Step s : steps) {
      String k = byDataset ? s.phase() + " " + s.dataset() : s.phase();
      Sum o = m.get(k);
      m.put(k, o == null ? new Sum(k, 1, s.jobs(), s.stages(), s.tasks(), s.shuffleReadTasks(), s.shuffleBytes(), s.seconds())
          : new Sum(k, o.steps() + 1, o.jobs() + s.jobs(), o.stages() + s.stages(), o.tasks() + s.tasks(),
              o.shuffleReadTasks() + s.shuffleReadTasks(), o.shuffleBytes() + s.shuffleBytes(), o.seconds() + s.seconds()));
    }
    return new ArrayList<>(m.values());
  }

  /** The span from the first step's start to the last step's end: the run's Spark work. */
  double computeSeconds() {
    long first = steps.stream().mapToLong(Step::startMs).min().orElse(0);
    long last = steps.stream().mapToLong(Step::endMs).max().orElse(0);
    return (last - first) / 1000.0;
  }

  /** The span from the end of the reads (the last "read" step) to the last step's end. */
  double afterReadSeconds() {
    long readEnd = steps.stream().filter(s -> s.phase().equals("read")).mapToLong(Step::endMs).max().orElse(0);
    long last = steps.stream().mapToLong(Step::endMs).max().orElse(0);
    return readEnd == 0 ? Double.NaN : (last - readEnd) / 1000.0;
  }

  int jobs() {
    return steps.stream().mapToInt(Step::jobs).sum();
  }

  int stages() {
    return steps.stream().mapToInt(Step::stages).sum();
  }

  /** The tasks' time: running (milliseconds), and of it on a CPU (nanoseconds), summed over every task. */
  long taskRunMs;
  long taskCpuNs;

  /** The breakdown as text: by phase and dataset, then by phase. */
  String table() {
    StringBuilder sb = new StringBuilder();
    String fmt = "    %-44s %5s %5s %6s %6s %8s %9s %8s%n";
    sb.append(String.format(Locale.ROOT, fmt, "phase dataset", "steps", "jobs", "stages", "tasks", "shuf.rd", "shuf.MB", "s"));
    for (boolean byDataset : new boolean[] {true, false}) {
      for (Sum s : sums(byDataset)) {
        sb.append(String.format(Locale.ROOT, fmt, (byDataset ? "" : "= ") + s.key(), s.steps(), s.jobs(), s.stages(), s.tasks(),
            s.shuffleReadTasks(), String.format(Locale.ROOT, "%.1f", s.shuffleBytes() / 1e6),
            String.format(Locale.ROOT, "%.2f", s.seconds())));
      }
    }
    sb.append(String.format(Locale.ROOT, "    all: %d jobs, %d stages; Spark work %.2f s from the first job to the last,"
        + " %.2f s after the reads; the tasks ran %.1f s, of it %.1f s on a CPU%n", jobs(), stages(), computeSeconds(),
        afterReadSeconds(), taskRunMs / 1000.0, taskCpuNs / 1e9));
    return sb.toString();
  }
}
