package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportPage.erlangs;
import static io.zentrunk.spark.report.ReportPage.pct;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The trunks section of {@link ReportPage}: for each trunk an hourly line chart of its traffic (offered and carried)
 * against its limits and the Erlang B channels, its sizing by day and for the window, and its hourly figures.
 */
final class TrunkSection {

  private TrunkSection() {}

  /** The section from the rows of {@code trunk_sizing} and {@code trunk_hours}. */
  static void write(ReportHtml h, List<Row> sizing, List<Row> hours) {
    h.section("trunks", "Trunks: hourly traffic against the limits");
    List<Row> window = LocalRows.sorted(sizing.stream().filter(r -> r.isNullAt(r.fieldIndex("day"))).toList(),
        LocalRows.ascNullsLast("trunk_id"), -1);
    if (window.isEmpty()) {
      h.raw("<p>No calls.</p>\n");
    }
    int t = 0;
    for (Row w : window) {
      String trunk = w.isNullAt(w.fieldIndex("trunk_id")) ? null : w.getAs("trunk_id");
      String name = trunk == null ? "(no trunk_id)" : trunk;
      List<Row> hs = new ArrayList<>();
      for (Row r : LocalRows.sorted(ofTrunk(hours, trunk), LocalRows.asc("hour_start"), -1)) {
        hs.add(RowFactory.create(LocalRows.epochSeconds(r, "hour_start"), r.getAs("offered_erlangs"), r.getAs("peak_concurrent_calls"),
            r.getAs("peak_calls_per_second"), r.getAs("carried_erlangs")));
      }
      h.raw("<h3>Trunk ").text(name).raw("</h3>\n");
      chart(h, name, w, hs);
      sizingTable(h, "trunk-sizing-" + t, name, ofTrunk(sizing, trunk));
      h.raw("<details><summary>Hourly figures of trunk ").text(name).raw("</summary>\n");
      h.table("trunk-hours-" + t, "Offered traffic and peaks of trunk " + name + " by UTC hour",
          List.of("Hour", "Offered Erlangs", "Carried Erlangs", "Peak concurrent", "Peak CPS"));
      for (Row r : hs) {
        h.row(Instant.ofEpochSecond(r.getLong(0)).toString(), r.isNullAt(1) ? "n/a" : erlangs(r.getDouble(1)),
            erlangs(r.getDouble(4)), Long.toString(r.getLong(2)), Long.toString(r.getLong(3)));
      }
      h.end();
      h.raw("</details>\n");
      t++;
    }
  }

  /** The rows of one trunk; {@code trunk} null is the calls without a trunk_id. */
  private static List<Row> ofTrunk(List<Row> d, String trunk) {
    return d.stream().filter(r -> java.util.Objects.equals(r.getAs("trunk_id"), trunk)).toList();
  }

  /**
   * Offered Erlangs (left out for a trunk where they cannot be estimated), peak concurrent calls, peak CPS and carried
   * Erlangs by hour, against the Erlang B channels (on offered traffic) and the limits given.
   */
  private static void chart(ReportHtml h, String name, Row w, List<Row> hs) {
    Integer channels = w.isNullAt(w.fieldIndex("channels")) ? null : w.getAs("channels");
    Integer cps = w.isNullAt(w.fieldIndex("cps_limit")) ? null : w.getAs("cps_limit");
    Integer needed = w.isNullAt(w.fieldIndex("erlang_b_channels")) ? null : w.getAs("erlang_b_channels");
    double[] erl = new double[hs.size()];
    double[] conc = new double[hs.size()];
    double[] rate = new double[hs.size()];
    double[] carried = new double[hs.size()];
    boolean estimated = true;
    for (int i = 0; i < hs.size(); i++) {
      estimated &= !hs.get(i).isNullAt(1);
      erl[i] = hs.get(i).isNullAt(1) ? 0 : hs.get(i).getDouble(1);
      conc[i] = hs.get(i).getLong(2);
      rate[i] = hs.get(i).getLong(3);
      carried[i] = hs.get(i).getDouble(4);
    }
    List<SvgCharts.Ref> refs = new ArrayList<>();
    if (needed != null) {
      refs.add(new SvgCharts.Ref(needed, "Erlang B: " + needed + " channels at "
          + TrunkSizing.percent(w.getAs("grade_of_service")), "ref-erlang"));
    }
    if (channels != null) {
      refs.add(new SvgCharts.Ref(channels, "channel limit " + channels, "ref-channels"));
    }
    if (cps != null) {
      refs.add(new SvgCharts.Ref(cps, "CPS limit " + cps, "ref-cps"));
    }
    List<double[]> series = new ArrayList<>(List.of(erl, conc, rate, carried));
    List<String> names = new ArrayList<>(List.of("offered Erlangs", "peak concurrent calls", "peak calls per second",
        "carried Erlangs"));
    if (!estimated) {
      series.set(0, new double[0]);
      names.set(0, "offered Erlangs (not estimated)");
    }
    h.raw(SvgCharts.lines("Hourly traffic of trunk " + name, hs.isEmpty() ? 0 : hs.get(0).getLong(0), series, names, refs));
  }

  private static void sizingTable(ReportHtml h, String id, String name, List<Row> sizing) {
    h.table(id, "Sizing of trunk " + name + " by UTC day and for the window",
        List.of("Day", "Busy hour", "Offered Erlangs", "Carried Erlangs", "Refused", "Channels needed",
            "On carried traffic", "Channels", "Peak concurrent", "Peak CPS", "CPS limit", "Observed blocking"));
    // the busy hour as epoch seconds: the printed hour never depends on the JVM's or the session's time zone
    List<Row> rows = LocalRows.sorted(sizing, LocalRows.ascNullsLast("day"), -1);
    for (Row r : rows) {
      Long busySec = LocalRows.epochSeconds(r, "busy_hour_start");
      Object busy = busySec == null ? null : Instant.ofEpochSecond(busySec);
      Object day = r.getAs("day");
      Object observed = r.getAs("observed_blocking");
      Object offered = r.getAs("busy_hour_offered_erlangs");
      Object needed = r.getAs("erlang_b_channels");
      h.row(day == null ? "window" : day.toString(), busy == null ? "none" : busy.toString(),
          offered == null ? "n/a" : erlangs((Double) offered), erlangs(r.getAs("busy_hour_carried_erlangs")),
          String.valueOf((Long) r.getAs("busy_hour_refusals")), needed == null ? "n/a" : String.valueOf(needed),
          String.valueOf((Integer) r.getAs("carried_erlang_b_channels")),
          String.valueOf(r.<Object>getAs("channels") == null ? "n/a" : r.getAs("channels")),
          String.valueOf((Long) r.getAs("peak_concurrent_calls")), String.valueOf((Long) r.getAs("peak_calls_per_second")),
          String.valueOf(r.<Object>getAs("cps_limit") == null ? "n/a" : r.getAs("cps_limit")),
          observed == null ? "n/a" : pct((Double) observed));
    }
    h.end();
  }
}
