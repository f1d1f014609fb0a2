package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zentrunk.spark.testing.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Opens a report's {@code report.html} in headless Chromium and checks it: no request but the file itself, no
 * console error, warning, exception or browser log error, and every table equal, cell by cell, to figures computed
 * here with Spark SQL from the Parquet datasets beside it. Leaves a screenshot and a copy of the page in
 * {@code target/report-page/}.
 */
final class ReportPageCheck {

  private ReportPageCheck() {}

  static void check(SparkSession spark, Path out, String origin) throws Exception {
    Path page = out.resolve("report.html");
    Path keep = Path.of("target", "report-page");
    Files.createDirectories(keep);
    Files.copy(page, keep.resolve("report.html"), StandardCopyOption.REPLACE_EXISTING);
    JsonNode tables;
    String banner;
    try (Chromium browser = Chromium.start(out)) {
      browser.open(page.toUri().toString());
      banner = browser.eval("document.getElementById('source').textContent").asText();
      tables = new ObjectMapper().readTree(browser.eval("JSON.stringify(Object.fromEntries([...document.querySelectorAll"
          + "('table')].map(t => [t.id, [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent))])))").asText());
      browser.screenshot(keep.resolve("report.png"), 6000);
      assertThat(browser.requests()).as("requests of the page").containsExactly(page.toUri().toString());
      assertThat(browser.problems()).as("console and log of the page").isEmpty();
    }
    assertThat(banner).contains(origin);
    for (String v : List.of("kpis", "hangup_causes", "countries", "attestation", "trunk_sizing", "trunk_hours",
        "fraud_signals", "wangiri_signals")) {
      spark.read().parquet(out.resolve(v).toString()).createOrReplaceTempView("p_" + v);
    }
    expect(tables, "days", spark.sql("SELECT CAST(end_date AS STRING), sum(calls) c, sum(answered_calls) a, "
        + "sum(ner * calls) d FROM p_kpis GROUP BY end_date ORDER BY end_date"),
        r -> List.of(r.getString(0), str(r.get(1)), str(r.get(2)), pct(r.getLong(2), r.getLong(1)),
            pct(r.getDouble(3) / r.getLong(1))));
    long total = spark.sql("SELECT sum(calls) FROM p_hangup_causes").first().getLong(0);
    expect(tables, "causes", spark.sql("SELECT hangup_cause_code, hangup_cause_name, sum(calls) c FROM p_hangup_causes "
        + "GROUP BY 1, 2 ORDER BY c DESC, hangup_cause_code LIMIT 10"),
        r -> List.of(str(r.get(0)), str(r.get(1)), str(r.get(2)), pct(r.getLong(2), total)));
    expect(tables, "destinations", spark.sql("SELECT coalesce(to_country, '??'), sum(calls) c, sum(answered_calls), "
        + "sum(call_seconds), sum(amount) FROM p_countries GROUP BY to_country ORDER BY c DESC, to_country ASC NULLS LAST"),
        r -> List.of(r.getString(0), str(r.get(1)), pct(r.getLong(2), r.getLong(1)),
            r.getLong(2) == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", (double) r.getLong(3) / r.getLong(2)),
            r.getDecimal(4).toPlainString()));
    long calls = spark.sql("SELECT sum(calls) FROM p_attestation").first().getLong(0);
    expect(tables, "attestation", spark.sql("SELECT coalesce(stir_verification, 'none'), coalesce(attestation_indicator, '-'), "
        + "sum(calls) c FROM p_attestation GROUP BY stir_verification, attestation_indicator "
        + "ORDER BY c DESC, stir_verification ASC NULLS LAST, attestation_indicator ASC NULLS LAST"),
        r -> List.of(r.getString(0), r.getString(1), str(r.get(2)), pct(r.getLong(2), calls)));
    List<Row> trunks = spark.sql("SELECT DISTINCT trunk_id FROM p_trunk_sizing ORDER BY trunk_id ASC NULLS LAST").collectAsList();
    assertThat(trunks).isNotEmpty();
    for (int t = 0; t < trunks.size(); t++) {
      String where = trunks.get(t).isNullAt(0) ? "trunk_id IS NULL" : "trunk_id = '" + trunks.get(t).getString(0) + "'";
      expect(tables, "trunk-sizing-" + t, spark.sql("SELECT coalesce(CAST(day AS STRING), 'window'), "
          + "unix_seconds(busy_hour_start), busy_hour_offered_erlangs, busy_hour_carried_erlangs, busy_hour_refusals, "
          + "erlang_b_channels, carried_erlang_b_channels, channels, peak_concurrent_calls, peak_calls_per_second, cps_limit, "
          + "observed_blocking FROM p_trunk_sizing WHERE " + where + " ORDER BY day ASC NULLS LAST"),
          r -> List.of(r.getString(0), r.isNullAt(1) ? "none" : ReportTruth.instant(r.getLong(1)),
              r.isNullAt(2) ? "n/a" : String.format(Locale.ROOT, "%.3f", r.getDouble(2)),
              String.format(Locale.ROOT, "%.3f", r.getDouble(3)), str(r.get(4)), r.isNullAt(5) ? "n/a" : str(r.get(5)),
              str(r.get(6)), r.isNullAt(7) ? "n/a" : str(r.get(7)), str(r.get(8)), str(r.get(9)),
              r.isNullAt(10) ? "n/a" : str(r.get(10)), r.isNullAt(11) ? "n/a" : pct(r.getDouble(11))));
      expect(tables, "trunk-hours-" + t, spark.sql("SELECT unix_seconds(hour_start), offered_erlangs, carried_erlangs, "
          + "peak_concurrent_calls, peak_calls_per_second FROM p_trunk_hours WHERE " + where + " ORDER BY hour_start"),
          r -> List.of(ReportTruth.instant(r.getLong(0)), r.isNullAt(1) ? "n/a" : String.format(Locale.ROOT, "%.3f", r.getDouble(1)),
              String.format(Locale.ROOT, "%.3f", r.getDouble(2)), str(r.get(3)), str(r.get(4))));
    }
    if (Files.exists(out.resolve("quality_carriers"))) {
      // the call-quality section: the carriers worst first, as quality_carriers has them
      spark.read().parquet(out.resolve("quality_carriers").toString()).createOrReplaceTempView("p_quality_carriers");
      expect(tables, "quality-carriers", spark.sql("SELECT to_carrier, calls_measured, median_quality_score, "
          + "mean_quality_score, share_below_3, flagged FROM p_quality_carriers ORDER BY median_quality_score ASC NULLS LAST, "
          + "mean_quality_score ASC NULLS LAST, to_carrier ASC NULLS LAST"),
          r -> List.of(r.isNullAt(0) ? "(none)" : r.getString(0), str(r.get(1)),
              r.isNullAt(2) ? "n/a" : String.format(Locale.ROOT, "%.2f", r.getDouble(2)),
              r.isNullAt(3) ? "n/a" : String.format(Locale.ROOT, "%.2f", r.getDouble(3)),
              r.isNullAt(4) ? "n/a" : pct(r.getDouble(4)), r.getBoolean(5) ? "yes" : ""));
    }
    List<List<String>> fraud = rows(spark.sql("SELECT CAST(end_date AS STRING), to_country, calls, amount, baseline_amount, "
        + "reason FROM p_fraud_signals ORDER BY score DESC, end_date, to_country LIMIT 50"),
        r -> List.of(r.getString(0), r.getString(1), str(r.get(2)), r.getDecimal(3).toPlainString(),
            r.getDecimal(4).toPlainString(), r.getString(5)));
    assertThat(table(tables, "fraud")).isEqualTo(fraud.isEmpty() ? List.of(List.of("none")) : fraud);
    // the flagged prefixes, then one line counting the others
    List<List<String>> wangiri = new ArrayList<>(rows(spark.sql("SELECT CAST(end_date AS STRING), calling_prefix, "
        + "from_country, one_ring_calls, numbers_reached, callbacks, callback_amount FROM p_wangiri_signals WHERE flagged "
        + "ORDER BY numbers_reached DESC, end_date, calling_prefix LIMIT 50"),
        r -> List.of(r.getString(0), r.getString(1), r.getString(2), str(r.get(3)), str(r.get(4)), str(r.get(5)),
            r.getDecimal(6).toPlainString())));
    if (wangiri.isEmpty()) {
      wangiri.add(List.of("none flagged"));
    }
    long rest = spark.sql("SELECT * FROM p_wangiri_signals WHERE NOT flagged").count();
    if (rest > 0) {
      wangiri.add(List.of(rest + " more " + (rest == 1 ? "prefix-day" : "prefix-days")
          + " with one-ring calls below the thresholds (in wangiri_signals)"));
    }
    assertThat(table(tables, "wangiri")).isEqualTo(wangiri);
  }

  private static void expect(JsonNode tables, String id, org.apache.spark.sql.Dataset<Row> q,
      java.util.function.Function<Row, List<String>> f) {
    List<List<String>> want = rows(q, f);
    assertThat(want).as(id).isNotEmpty();
    assertThat(table(tables, id)).as("table " + id).isEqualTo(want);
  }

  private static List<List<String>> rows(org.apache.spark.sql.Dataset<Row> q, java.util.function.Function<Row, List<String>> f) {
    List<List<String>> out = new ArrayList<>();
    for (Row r : q.collectAsList()) {
      out.add(f.apply(r));
    }
    return out;
  }

  private static List<List<String>> table(JsonNode tables, String id) {
    assertThat(tables.has(id)).as("the page has table " + id).isTrue();
    List<List<String>> out = new ArrayList<>();
    for (JsonNode row : tables.get(id)) {
      List<String> cells = new ArrayList<>();
      row.forEach(c -> cells.add(c.asText()));
      out.add(cells);
    }
    return out;
  }

  private static String str(Object o) {
    return String.valueOf(o);
  }

  private static String pct(long part, long whole) {
    return pct((double) part / whole);
  }

  private static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
  }
}
