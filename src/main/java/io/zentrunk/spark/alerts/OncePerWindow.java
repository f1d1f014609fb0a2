package io.zentrunk.spark.alerts;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * What a batch raises and resolves, from the rules judged at its minutes (the candidates: every kind, destination
 * and minute where a rule holds, a few rows) and the alerts already in the store. In minute order, a candidate is
 * raised when its window does not overlap the last alert of its kind and destination (raised before or in this
 * batch): an alert that keeps firing is raised again only once its window lies wholly after the last one. An open
 * alert (raised, not resolved) is resolved at the first minute after its window where its kind is judged and its
 * rule no longer holds.
 */
final class OncePerWindow {

  /** A resolve: the alert's trigger row and the judged minute where its rule no longer held. */
  record Resolve(Row alert, Instant at) {}

  record Decision(List<Row> raised, List<Resolve> resolved) {}

  private OncePerWindow() {}

  static String key(Row r) {
    return r.<String>getAs(Alerts.KIND) + "|" + r.<String>getAs(Alerts.DESTINATION);
  }

  static Instant instant(Row r, String field) {
    Object v = r.getAs(field);
    return v instanceof Timestamp t ? t.toInstant() : (Instant) v;
  }

  /**
   * @param candidates rows in {@link Alerts#CANDIDATE}
   * @param lastEnd by "kind|destination": the latest window end of the alerts already raised
   * @param open the alerts raised and not resolved (trigger rows)
   * @param judged by kind: the minutes of this batch where the kind was judged, in order
   */
  static Decision decide(List<Row> candidates, Map<String, Instant> lastEnd, List<Row> open,
      Map<String, List<Instant>> judged) {
    List<Row> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.<Row, Instant>comparing(r -> instant(r, Alerts.WINDOW_END)).thenComparing(OncePerWindow::key));
    Map<String, Instant> last = new HashMap<>(lastEnd);
    Set<String> holds = new HashSet<>();
    List<Row> raised = new ArrayList<>();
    for (Row c : sorted) {
      String k = key(c);
      holds.add(k + "|" + instant(c, Alerts.WINDOW_END));
      Instant before = last.get(k);
      if (before == null || !instant(c, Alerts.WINDOW_START).isBefore(before)) {
        raised.add(c);
        last.put(k, instant(c, Alerts.WINDOW_END));
      }
    }
    List<Row> all = new ArrayList<>(open);
    all.addAll(raised);
    List<Resolve> resolved = new ArrayList<>();
    for (Row a : all) {
      Instant end = instant(a, Alerts.WINDOW_END);
      for (Instant m : judged.getOrDefault(a.<String>getAs(Alerts.KIND), List.of())) {
        if (m.isAfter(end) && !holds.contains(key(a) + "|" + m)) {
          resolved.add(new Resolve(a, m));
          break;
        }
      }
    }
    return new Decision(raised, resolved);
  }
}
