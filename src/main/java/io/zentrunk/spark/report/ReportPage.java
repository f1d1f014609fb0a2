package io.zentrunk.spark.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code report.html}: one self-contained page of the written report. It reads the datasets back (small
 * aggregates: a row per day, cause, country, trunk and hour), draws every chart as SVG on the server and puts a
 * plain HTML table beside each, so it reads without script and with a screen reader. It has no script at all, and
 * its Content-Security-Policy ({@code default-src 'none'}) forbids the browser any request: it opens the same from
 * disk or a mail attachment.
 */
public final class ReportPage {

  public static final String FILE = "report.html";

  private ReportPage() {}

  /** Renders the page of the reports written under {@code base} and writes it to {@code base/report.html}. */
  public static void write(SparkSession spark, String base, ReportSettings settings) {
    ReportFiles.write(spark, base + "/" + FILE, render(spark, base, settings));
  }

  static String render(SparkSession spark, String base, ReportSettings settings) {
    Function<String, Dataset<Row>> read = name -> spark.read().parquet(base + "/" + name);
    ReportSource src = settings.source();
    Html h = new Html();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        .text("Zentrunk CDR report " + src.start() + " to " + src.end()).raw("</title>\n<style>").raw(STYLE).raw("</style></head>\n<body>\n");
    h.raw("<header><h1>Zentrunk CDR report</h1>\n<p class=\"banner\" id=\"source\" role=\"note\"><strong>Source:</strong> ")
        .text(src.origin()).raw("<br><strong>Window:</strong> ").text(src.window()).raw("<br><strong>Version:</strong> ")
        .text("zentrunk-spark " + src.version()).raw("</p></header>\n<main>\n");
    days(h, read.apply(ReportJob.KPIS));
    causes(h, read.apply(ReportJob.HANGUP_CAUSES));
    destinations(h, read.apply(ReportJob.COUNTRIES));
    attestation(h, read.apply(ReportJob.ATTESTATION));
    trunks(h, read.apply(ReportJob.TRUNK_SIZING), read.apply(ReportJob.TRUNK_HOURS));
    fraud(h, read.apply(ReportJob.FRAUD_SIGNALS), read.apply(ReportJob.WANGIRI_SIGNALS));
    h.raw("</main></body></html>\n");
    return h.toString();
  }

  // ---- sections -------------------------------------------------------------------------------------------

  private static void days(Html h, Dataset<Row> kpis) {
    // NER x calls is the number of calls the network delivered: summed per day it gives the day's NER
    List<Row> rows = kpis.groupBy(col("end_date"))
        .agg(sum("calls").as("calls"), sum("answered_calls").as("answered"),
            sum(col("ner").multiply(col("calls"))).as("delivered"))
        .orderBy("end_date").collectAsList();
    h.section("days", "Calls, ASR and NER per day");
    List<String> labels = new ArrayList<>();
    List<Double> calls = new ArrayList<>();
    for (Row r : rows) {
      labels.add(r.get(0).toString());
      calls.add((double) r.getLong(1));
    }
    h.bars("Calls per day", labels, calls, "calls");
    h.table("days", "Calls, ASR (answered / calls) and NER (delivered / calls) per UTC day of end_time",
        List.of("Day", "Calls", "Answered", "ASR", "NER"));
    for (Row r : rows) {
      long n = r.getLong(1);
      h.row(r.get(0).toString(), Long.toString(n), Long.toString(r.getLong(2)), pct((double) r.getLong(2) / n),
          pct(r.getDouble(3) / n));
    }
    h.end();
  }

  private static void causes(Html h, Dataset<Row> causes) {
    long total = causes.agg(sum("calls")).first().isNullAt(0) ? 0 : causes.agg(sum("calls")).first().getLong(0);
    List<Row> rows = causes.groupBy(col("hangup_cause_code"), col("hangup_cause_name")).agg(sum("calls").as("calls"))
        .orderBy(col("calls").desc(), col("hangup_cause_code").asc()).limit(10).collectAsList();
    h.section("causes", "Top hangup causes");
    List<String> labels = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Row r : rows) {
      labels.add(r.get(0) + " " + r.get(1));
      values.add((double) r.getLong(2));
    }
    h.bars("Calls by hangup cause, top 10", labels, values, "calls");
    h.table("causes", "The 10 most frequent hangup causes of the window", List.of("Code", "Cause", "Calls", "Share"));
    for (Row r : rows) {
      h.row(String.valueOf(r.get(0)), String.valueOf(r.get(1)), Long.toString(r.getLong(2)), pct((double) r.getLong(2) / total));
    }
    h.end();
  }

  private static void destinations(Html h, Dataset<Row> countries) {
    List<Row> rows = countries.groupBy(col("to_country"))
        .agg(sum("calls").as("calls"), sum("answered_calls").as("answered"), sum("call_seconds").as("secs"),
            sum("amount").as("amount"))
        .orderBy(col("calls").desc(), col("to_country").asc_nulls_last()).collectAsList();
    h.section("destinations", "Destinations");
    List<String> labels = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Row r : rows) {
      labels.add(r.isNullAt(0) ? "??" : r.getString(0));
      values.add((double) r.getLong(1));
    }
    h.bars("Calls by destination country", labels, values, "calls");
    h.table("destinations", "Destinations (to_country): ASR, ACD (talked seconds per answered call) and cost",
        List.of("Country", "Calls", "ASR", "ACD (s)", "Cost (USD)"));
    for (Row r : rows) {
      long n = r.getLong(1);
      long answered = r.getLong(2);
      h.row(r.isNullAt(0) ? "??" : r.getString(0), Long.toString(n), pct((double) answered / n),
          answered == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", (double) r.getLong(3) / answered),
          money(r.getDecimal(4)));
    }
    h.end();
  }

  private static void attestation(Html h, Dataset<Row> attestation) {
    List<Row> rows = attestation.groupBy(col("stir_verification"), col("attestation_indicator")).agg(sum("calls").as("calls"))
        .orderBy(col("calls").desc(), col("stir_verification").asc_nulls_last(), col("attestation_indicator").asc_nulls_last())
        .collectAsList();
    long total = rows.stream().mapToLong(r -> r.getLong(2)).sum();
    h.section("attestation", "Attestation mix (STIR/SHAKEN)");
    List<String> labels = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Row r : rows) {
      labels.add(nz(r, 0, "none") + " / " + nz(r, 1, "-"));
      values.add((double) r.getLong(2));
    }
    h.bars("Calls by verification and attestation", labels, values, "calls");
    h.table("attestation", "Calls by STIR verification and attestation indicator",
        List.of("Verification", "Attestation", "Calls", "Share"));
    for (Row r : rows) {
      h.row(nz(r, 0, "none"), nz(r, 1, "-"), Long.toString(r.getLong(2)), pct((double) r.getLong(2) / total));
    }
    h.end();
  }

  private static void trunks(Html h, Dataset<Row> sizing, Dataset<Row> hours) {
    h.section("trunks", "Trunks: hourly traffic against the limits");
    List<Row> window = sizing.filter(col("day").isNull()).orderBy(col("trunk_id").asc_nulls_last()).collectAsList();
    if (window.isEmpty()) {
      h.raw("<p>No calls.</p>\n");
    }
    int t = 0;
    for (Row w : window) {
      String trunk = w.isNullAt(w.fieldIndex("trunk_id")) ? null : w.getAs("trunk_id");
      String name = trunk == null ? "(no trunk_id)" : trunk;
      List<Row> hs = (trunk == null ? hours.filter(col("trunk_id").isNull()) : hours.filter(col("trunk_id").equalTo(trunk)))
          .select(unix_seconds(col("hour_start")), col("erlangs"), col("peak_concurrent_calls"), col("peak_calls_per_second"))
          .orderBy(col("hour_start")).collectAsList();
      Integer channels = w.isNullAt(w.fieldIndex("channels")) ? null : w.getAs("channels");
      Integer cps = w.isNullAt(w.fieldIndex("cps_limit")) ? null : w.getAs("cps_limit");
      int needed = w.getAs("erlang_b_channels");
      h.raw("<h3>Trunk ").text(name).raw("</h3>\n");
      List<double[]> series = new ArrayList<>();
      double[] erl = new double[hs.size()];
      double[] conc = new double[hs.size()];
      double[] rate = new double[hs.size()];
      for (int i = 0; i < hs.size(); i++) {
        erl[i] = hs.get(i).getDouble(1);
        conc[i] = hs.get(i).getLong(2);
        rate[i] = hs.get(i).getLong(3);
      }
      series.add(erl);
      series.add(conc);
      series.add(rate);
      List<String[]> refs = new ArrayList<>();
      refs.add(new String[] {Integer.toString(needed), "Erlang B: " + needed + " channels at "
          + TrunkSizing.percent(w.getAs("grade_of_service")), "ref-erlang"});
      if (channels != null) {
        refs.add(new String[] {Integer.toString(channels), "channel limit " + channels, "ref-channels"});
      }
      if (cps != null) {
        refs.add(new String[] {Integer.toString(cps), "CPS limit " + cps, "ref-cps"});
      }
      h.lines("Hourly traffic of trunk " + name, hs.isEmpty() ? 0 : hs.get(0).getLong(0), series,
          List.of("offered Erlangs", "peak concurrent calls", "peak calls per second"), refs);
      h.table("trunk-sizing-" + t, "Sizing of trunk " + name + " by UTC day and for the window",
          List.of("Day", "Busy hour", "Erlangs", "Channels needed", "Channels", "Peak concurrent", "Peak CPS", "CPS limit",
              "Observed blocking"));
      // the busy hour as epoch seconds: the printed hour never depends on the JVM's or the session's time zone
      List<Row> rows = (trunk == null ? sizing.filter(col("trunk_id").isNull()) : sizing.filter(col("trunk_id").equalTo(trunk)))
          .withColumn("busy_sec", unix_seconds(col("busy_hour_start")))
          .orderBy(col("day").asc_nulls_last()).collectAsList();
      for (Row r : rows) {
        Object busy = r.isNullAt(r.fieldIndex("busy_sec")) ? null : Instant.ofEpochSecond(r.<Long>getAs("busy_sec"));
        Object day = r.getAs("day");
        Object observed = r.getAs("observed_blocking");
        h.row(day == null ? "window" : day.toString(), busy == null ? "none" : busy.toString(),
            erlangs(r.getAs("busy_hour_erlangs")), String.valueOf((Integer) r.getAs("erlang_b_channels")),
            String.valueOf(r.<Object>getAs("channels") == null ? "n/a" : r.getAs("channels")),
            String.valueOf((Long) r.getAs("peak_concurrent_calls")), String.valueOf((Long) r.getAs("peak_calls_per_second")),
            String.valueOf(r.<Object>getAs("cps_limit") == null ? "n/a" : r.getAs("cps_limit")),
            observed == null ? "n/a" : pct((Double) observed));
      }
      h.end();
      h.raw("<details><summary>Hourly figures of trunk ").text(name).raw("</summary>\n");
      h.table("trunk-hours-" + t, "Offered traffic and peaks of trunk " + name + " by UTC hour",
          List.of("Hour", "Erlangs", "Peak concurrent", "Peak CPS"));
      for (Row r : hs) {
        h.row(Instant.ofEpochSecond(r.getLong(0)).toString(), erlangs(r.getDouble(1)), Long.toString(r.getLong(2)),
            Long.toString(r.getLong(3)));
      }
      h.end();
      h.raw("</details>\n");
      t++;
    }
  }

  private static void fraud(Html h, Dataset<Row> fraud, Dataset<Row> wangiri) {
    h.section("fraud", "Fraud and Wangiri signals");
    List<Row> f = fraud.orderBy(col("score").desc(), col("end_date"), col("to_country")).limit(50).collectAsList();
    h.table("fraud", "IRSF signals: days and destinations whose outbound spend jumped (up to 50)",
        List.of("Day", "Destination", "Calls", "Amount (USD)", "Baseline (USD/day)", "Reason"));
    for (Row r : f) {
      h.row(r.getAs("end_date").toString(), r.getAs("to_country"), String.valueOf((Long) r.getAs("calls")),
          money(r.getAs("amount")), money(r.getAs("baseline_amount")), r.getAs("reason"));
    }
    if (f.isEmpty()) {
      h.raw("<tr><td colspan=\"6\">none</td></tr>\n");
    }
    h.end();
    List<Row> w = wangiri.orderBy(col("flagged").desc(), col("numbers_reached").desc(), col("end_date"), col("calling_prefix"))
        .limit(20).collectAsList();
    h.table("wangiri", "Wangiri: one-ring calls by day and calling prefix, flagged first (up to 20)",
        List.of("Day", "Prefix", "Country", "One-ring calls", "Numbers reached", "Callbacks", "Callback cost (USD)", "Flagged"));
    for (Row r : w) {
      h.row(r.getAs("end_date").toString(), r.getAs("calling_prefix"), r.getAs("from_country"),
          String.valueOf((Long) r.getAs("one_ring_calls")), String.valueOf((Long) r.getAs("numbers_reached")),
          String.valueOf((Long) r.getAs("callbacks")), money(r.getAs("callback_amount")),
          (Boolean) r.getAs("flagged") ? "yes" : "no");
    }
    if (w.isEmpty()) {
      h.raw("<tr><td colspan=\"8\">none</td></tr>\n");
    }
    h.end();
  }

  // ---- formatting -----------------------------------------------------------------------------------------

  /** A ratio as a percentage with one decimal. */
  static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
  }

  /** Erlangs with three decimals. */
  static String erlangs(double e) {
    return String.format(Locale.ROOT, "%.3f", e);
  }

  /** Money exactly as summed (decimal, never rounded). */
  static String money(BigDecimal d) {
    return d == null ? "0" : d.toPlainString();
  }

  private static String nz(Row r, int i, String otherwise) {
    return r.isNullAt(i) ? otherwise : r.getString(i);
  }

  private static final String STYLE = String.join("\n",
      "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}",
      "header{background:#123;color:#fff;padding:16px 24px}h1{margin:0 0 8px;font-size:22px}",
      ".banner{margin:0;padding:8px 12px;background:#fff3c4;color:#3b2f00;border-radius:4px;font-size:14px}",
      "main{padding:8px 24px 40px}section{background:#fff;margin:16px 0;padding:12px 16px;border-radius:6px;"
          + "box-shadow:0 1px 2px rgba(0,0,0,.08)}",
      "h2{font-size:18px;margin:4px 0 8px}h3{font-size:15px;margin:12px 0 4px}",
      ".pair{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}",
      "table{border-collapse:collapse;font-size:12px;margin:6px 0}caption{text-align:left;font-weight:600;padding:4px 0}",
      "th,td{border:1px solid #d5d9de;padding:2px 6px;text-align:right}th{background:#eef1f4}",
      "td:first-child,th:first-child{text-align:left}svg{background:#fff}",
      ".bar{fill:#3a78c2}.s0{stroke:#3a78c2}.s1{stroke:#d9822b}.s2{stroke:#6a9f3a}",
      ".ref-erlang{stroke:#b22;stroke-dasharray:6 3}.ref-channels{stroke:#222;stroke-dasharray:2 2}",
      ".ref-cps{stroke:#6a9f3a;stroke-dasharray:8 2 2 2}.axis{stroke:#999}text{font-size:11px;fill:#333}");

  /** A small HTML writer: escapes text, draws SVG charts, opens and closes sections and tables. */
  static final class Html {
    private final StringBuilder sb = new StringBuilder(64 * 1024);
    private boolean inSection;

    Html raw(String s) {
      sb.append(s);
      return this;
    }

    Html text(String s) {
      sb.append(escape(s));
      return this;
    }

    static String escape(String s) {
      if (s == null) {
        return "";
      }
      StringBuilder o = new StringBuilder(s.length());
      for (char c : s.toCharArray()) {
        switch (c) {
          case '<' -> o.append("&lt;");
          case '>' -> o.append("&gt;");
          case '&' -> o.append("&amp;");
          case '"' -> o.append("&quot;");
          case '\'' -> o.append("&#39;");
          default -> o.append(c);
        }
      }
      return o.toString();
    }

    void section(String id, String title) {
      if (inSection) {
        sb.append("</section>\n");
      }
      sb.append("<section id=\"").append(id).append("\" aria-labelledby=\"h-").append(id).append("\"><h2 id=\"h-")
          .append(id).append("\">").append(escape(title)).append("</h2>\n");
      inSection = true;
    }

    void table(String id, String caption, List<String> headers) {
      sb.append("<table id=\"").append(id).append("\"><caption>").append(escape(caption)).append("</caption>\n<thead><tr>");
      for (String hd : headers) {
        sb.append("<th scope=\"col\">").append(escape(hd)).append("</th>");
      }
      sb.append("</tr></thead><tbody>\n");
    }

    void row(String... cells) {
      sb.append("<tr>");
      for (String c : cells) {
        sb.append("<td>").append(escape(c)).append("</td>");
      }
      sb.append("</tr>\n");
    }

    void end() {
      sb.append("</tbody></table>\n");
    }

    /** A horizontal bar chart; the table beside it carries the figures for screen readers. */
    void bars(String title, List<String> labels, List<Double> values, String unit) {
      int rowH = 18;
      int w = 560;
      int labelW = 200;
      int hgt = Math.max(1, labels.size()) * rowH + 10;
      double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
      max = max <= 0 ? 1 : max;
      sb.append("<svg width=\"").append(w).append("\" height=\"").append(hgt).append("\" role=\"img\" aria-label=\"")
          .append(escape(title)).append("\" xmlns=\"http://www.w3.org/2000/svg\"><title>").append(escape(title))
          .append("</title>\n");
      for (int i = 0; i < labels.size(); i++) {
        double v = values.get(i);
        int bw = (int) Math.round((w - labelW - 70) * v / max);
        int y = 5 + i * rowH;
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelW - 6, y + 12,
            escape(labels.get(i))));
        sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>%s: %s %s"
            + "</title></rect>", labelW, y + 2, Math.max(bw, v > 0 ? 1 : 0), rowH - 5, escape(labels.get(i)),
            num(v), unit));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>\n", labelW + bw + 4, y + 12, num(v)));
      }
      sb.append("</svg>\n");
    }

    /** Hourly line chart of a few series with horizontal reference lines (limits, the Erlang B channels). */
    void lines(String title, long firstHourSec, List<double[]> series, List<String> names, List<String[]> refs) {
      int w = 900;
      int hgt = 260;
      int left = 48;
      int right = 12;
      int top = 12;
      int bottom = 52;
      int n = series.isEmpty() ? 0 : series.get(0).length;
      double max = 1;
      for (double[] s : series) {
        for (double v : s) {
          max = Math.max(max, v);
        }
      }
      for (String[] r : refs) {
        max = Math.max(max, Double.parseDouble(r[0]));
      }
      max *= 1.08;
      double plotW = w - left - right;
      double plotH = hgt - top - bottom;
      sb.append("<svg width=\"").append(w).append("\" height=\"").append(hgt).append("\" role=\"img\" aria-label=\"")
          .append(escape(title)).append("\" xmlns=\"http://www.w3.org/2000/svg\"><title>").append(escape(title))
          .append("</title>\n");
      sb.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", left, top,
          left, (int) (top + plotH)));
      sb.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left,
          (int) (top + plotH), w - right, (int) (top + plotH)));
      for (int k = 0; k <= 4; k++) {
        double v = max * k / 4;
        double y = top + plotH - plotH * k / 4;
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", left - 4, y + 4, num(v)));
      }
      // a label every day (or every hour for a window of one day)
      int step = n <= 24 ? 3 : 24 * Math.max(1, (int) Math.ceil(n / 24.0 / 10));
      for (int i = 0; i < n; i += step) {
        double x = left + (n <= 1 ? 0 : plotW * i / (n - 1));
        String label = Instant.ofEpochSecond(firstHourSec + 3600L * i).toString();
        label = n <= 24 ? label.substring(11, 16) : label.substring(5, 10);
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", x, top + plotH + 14,
            label));
      }
      sb.append('\n');
      for (int s = 0; s < series.size(); s++) {
        StringBuilder pts = new StringBuilder();
        double[] v = series.get(s);
        for (int i = 0; i < v.length; i++) {
          double x = left + (n <= 1 ? plotW / 2 : plotW * i / (n - 1));
          double y = top + plotH - plotH * v[i] / max;
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" class=\"s").append(s).append("\" points=\"")
            .append(pts.toString().trim()).append("\"><title>").append(escape(names.get(s))).append("</title></polyline>\n");
      }
      for (String[] r : refs) {
        double y = top + plotH - plotH * Double.parseDouble(r[0]) / max;
        sb.append(String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"><title>%s</title></line>",
            r[2], left, y, w - right, y, escape(r[1])));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", w - right - 2, y - 3,
            escape(r[1])));
      }
      // legend
      int lx = left;
      for (int s = 0; s < names.size(); s++) {
        sb.append(String.format(Locale.ROOT, "<line class=\"s%d\" stroke-width=\"3\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
            + "<text x=\"%d\" y=\"%d\">%s</text>", s, lx, hgt - 12, lx + 18, hgt - 12, lx + 22, hgt - 8, escape(names.get(s))));
        lx += 40 + names.get(s).length() * 6;
      }
      sb.append("</svg>\n");
    }

    private static String num(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    @Override
    public String toString() {
      return inSection ? sb.toString().replace("</main>", "</section>\n</main>") : sb.toString();
    }
  }
}
