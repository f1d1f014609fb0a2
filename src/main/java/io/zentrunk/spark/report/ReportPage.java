package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.LocalRows.keys;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Function;
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
    Map<String, List<Row>> rows = new HashMap<>();
    for (String name : List.of(ReportJob.KPIS, ReportJob.HANGUP_CAUSES, ReportJob.COUNTRIES, ReportJob.ATTESTATION,
        ReportJob.TRUNK_SIZING, ReportJob.TRUNK_HOURS, ReportJob.FRAUD_SIGNALS, ReportJob.WANGIRI_SIGNALS)) {
      rows.put(name, spark.read().parquet(base + "/" + name).collectAsList());
    }
    write(spark, base, settings, rows);
  }

  /**
   * As {@link #write(SparkSession, String, ReportSettings)}, from the rows of the written datasets already
   * collected (each read once, by the caller): no Spark job.
   */
  static void write(SparkSession spark, String base, ReportSettings settings, Map<String, List<Row>> rows) {
    ReportFiles.write(spark, base + "/" + FILE, render(settings, rows));
  }

  static String render(ReportSettings settings, Map<String, List<Row>> rows) {
    ReportSource src = settings.source();
    ReportHtml h = new ReportHtml();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        .text("Zentrunk CDR report " + src.start() + " to " + src.end()).raw("</title>\n<style>").raw(STYLE).raw("</style></head>\n<body>\n");
    h.raw("<header><h1>Zentrunk CDR report</h1>\n<p class=\"banner\" id=\"source\" role=\"note\"><strong>Source:</strong> ")
        .text(src.origin()).raw("<br><strong>Window:</strong> ").text(src.window()).raw("<br><strong>Version:</strong> ")
        .text("zentrunk-spark " + src.version()).raw("</p></header>\n<main>\n");
    if (settings.perAccount()) {
      for (String account : settings.accounts()) {
        h.account(account);
        sections(h, ReportJob.ofAccount(rows, account));
      }
    } else {
      sections(h, rows);
    }
    h.raw("</main></body></html>\n");
    return h.toString();
  }

  /** The sections of one account's report (or of the whole report of one account). */
  private static void sections(ReportHtml h, Map<String, List<Row>> rows) {
    days(h, rows.get(ReportJob.KPIS));
    causes(h, rows.get(ReportJob.HANGUP_CAUSES));
    destinations(h, rows.get(ReportJob.COUNTRIES));
    attestation(h, rows.get(ReportJob.ATTESTATION));
    TrunkSection.write(h, rows.get(ReportJob.TRUNK_SIZING), rows.get(ReportJob.TRUNK_HOURS));
    if (rows.containsKey(ReportJob.QUALITY_CARRIERS)) {
      QualitySection.write(h, rows.get(ReportJob.QUALITY_CARRIERS), rows.get(ReportJob.QUALITY_HOURS));
    }
    fraud(h, rows.get(ReportJob.FRAUD_SIGNALS), rows.get(ReportJob.WANGIRI_SIGNALS));
  }

  // ---- sections -------------------------------------------------------------------------------------------

  private static void days(ReportHtml h, List<Row> kpis) {
    // NER x calls is the number of calls the network delivered: summed per day it gives the day's NER
    List<Row> rows = LocalRows.sorted(LocalRows.aggregate(kpis, keys("end_date"), LocalRows.sumLong("calls"),
            LocalRows.sumLong("answered_calls"), LocalRows.sumDouble(r -> r.isNullAt(r.fieldIndex("ner"))
                || r.isNullAt(r.fieldIndex("calls")) ? null : r.<Double>getAs("ner") * (double) r.<Long>getAs("calls"))),
        LocalRows.asc(0), -1);
    h.section("days", "Calls, ASR and NER per day");
    bars(h, "Calls per day", rows, r -> r.get(0).toString(), 1);
    h.table("days", "Calls, ASR (answered / calls) and NER (delivered / calls) per UTC day of end_time",
        List.of("Day", "Calls", "Answered", "ASR", "NER"));
    for (Row r : rows) {
      long n = r.getLong(1);
      h.row(r.get(0).toString(), Long.toString(n), Long.toString(r.getLong(2)), pct((double) r.getLong(2) / n),
          pct(r.getDouble(3) / n));
    }
    h.end();
  }

  private static void causes(ReportHtml h, List<Row> causes) {
    Long sum = LocalRows.total(causes, "calls");
    long total = sum == null ? 0 : sum;
    List<Row> rows = LocalRows.sorted(
        LocalRows.aggregate(causes, keys("hangup_cause_code", "hangup_cause_name"), LocalRows.sumLong("calls")),
        LocalRows.desc(2).thenComparing(LocalRows.asc(0)), 10);
    h.section("causes", "Top hangup causes");
    bars(h, "Calls by hangup cause, top 10", rows, r -> r.get(0) + " " + r.get(1), 2);
    h.table("causes", "The 10 most frequent hangup causes of the window", List.of("Code", "Cause", "Calls", "Share"));
    for (Row r : rows) {
      h.row(String.valueOf(r.get(0)), String.valueOf(r.get(1)), Long.toString(r.getLong(2)), pct((double) r.getLong(2) / total));
    }
    h.end();
  }

  private static void destinations(ReportHtml h, List<Row> countries) {
    List<Row> rows = LocalRows.sorted(LocalRows.aggregate(countries, keys("to_country"), LocalRows.sumLong("calls"),
            LocalRows.sumLong("answered_calls"), LocalRows.sumLong("call_seconds"), LocalRows.sumDecimal("amount")),
        LocalRows.desc(1).thenComparing(LocalRows.ascNullsLast(0)), -1);
    h.section("destinations", "Destinations");
    bars(h, "Calls by destination country", rows, r -> r.isNullAt(0) ? "??" : r.getString(0), 1);
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

  private static void attestation(ReportHtml h, List<Row> attestation) {
    List<Row> rows = LocalRows.sorted(
        LocalRows.aggregate(attestation, keys("stir_verification", "attestation_indicator"), LocalRows.sumLong("calls")),
        LocalRows.desc(2).thenComparing(LocalRows.ascNullsLast(0)).thenComparing(LocalRows.ascNullsLast(1)), -1);
    long total = rows.stream().mapToLong(r -> r.getLong(2)).sum();
    h.section("attestation", "Attestation mix (STIR/SHAKEN)");
    bars(h, "Calls by verification and attestation", rows, r -> nz(r, 0, "none") + " / " + nz(r, 1, "-"), 2);
    h.table("attestation", "Calls by STIR verification and attestation indicator",
        List.of("Verification", "Attestation", "Calls", "Share"));
    for (Row r : rows) {
      h.row(nz(r, 0, "none"), nz(r, 1, "-"), Long.toString(r.getLong(2)), pct((double) r.getLong(2) / total));
    }
    h.end();
  }

  private static void fraud(ReportHtml h, List<Row> fraud, List<Row> wangiri) {
    h.section("fraud", "Fraud and Wangiri signals");
    List<Row> f = LocalRows.sorted(fraud,
        LocalRows.desc("score").thenComparing(LocalRows.asc("end_date")).thenComparing(LocalRows.asc("to_country")), 50);
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
    // the flagged prefixes only: the account's own one-ring calls (a ring from a random number) are counted, not listed
    List<Row> w = Wangiri.flagged(wangiri, 50);
    long rest = wangiri.stream().filter(r -> !r.isNullAt(r.fieldIndex("flagged")) && !r.<Boolean>getAs("flagged")).count();
    h.table("wangiri", "Wangiri: flagged calling prefixes by day (up to 50)",
        List.of("Day", "Prefix", "Country", "One-ring calls", "Numbers reached", "Callbacks", "Callback cost (USD)"));
    for (Row r : w) {
      h.row(r.getAs("end_date").toString(), r.getAs("calling_prefix"), r.getAs("from_country"),
          String.valueOf((Long) r.getAs("one_ring_calls")), String.valueOf((Long) r.getAs("numbers_reached")),
          String.valueOf((Long) r.getAs("callbacks")), money(r.getAs("callback_amount")));
    }
    if (w.isEmpty()) {
      h.raw("<tr><td colspan=\"7\">none flagged</td></tr>\n");
    }
    if (rest > 0) {
      h.raw("<tr><td colspan=\"7\">" + rest + " more " + (rest == 1 ? "prefix-day" : "prefix-days")
          + " with one-ring calls below the thresholds (in wangiri_signals)</td></tr>\n");
    }
    h.end();
  }

  /** A bar chart of the calls in column {@code callsIndex} of {@code rows}, one bar per row. */
  private static void bars(ReportHtml h, String title, List<Row> rows, Function<Row, String> label, int callsIndex) {
    List<String> labels = new ArrayList<>();
    List<Double> calls = new ArrayList<>();
    for (Row r : rows) {
      labels.add(label.apply(r));
      calls.add((double) r.getLong(callsIndex));
    }
    h.raw(SvgCharts.bars(title, labels, calls, "calls"));
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
      ".bar{fill:#3a78c2}.s0{stroke:#3a78c2}.s1{stroke:#d9822b}.s2{stroke:#6a9f3a}.s3{stroke:#8e44ad;stroke-dasharray:4 3}",
      ".ref-erlang{stroke:#b22;stroke-dasharray:6 3}.ref-channels{stroke:#222;stroke-dasharray:2 2}",
      ".ref-cps{stroke:#6a9f3a;stroke-dasharray:8 2 2 2}.axis{stroke:#999}text{font-size:11px;fill:#333}");
}
