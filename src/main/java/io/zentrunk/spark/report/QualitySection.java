package io.zentrunk.spark.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * The call-quality section of {@link ReportPage}, when the report measured quality ({@code --quality}): the
 * terminating carriers worst first (median score, flagged ones marked) and a chart of the mean score by UTC hour, the
 * account's against the flagged carriers' (or the worst carrier's when none is flagged).
 */
final class QualitySection {

  private QualitySection() {}

  static void write(ReportHtml h, List<Row> written, List<Row> hours) {
    // worst first, as quality_carriers is ordered (the rows read back come in the files' order, not the dataset's)
    List<Row> carriers = LocalRows.sorted(written, LocalRows.ascNullsLast(Quality.MEDIAN_QUALITY_SCORE)
        .thenComparing(LocalRows.ascNullsLast(Quality.MEAN_QUALITY_SCORE)).thenComparing(LocalRows.ascNullsLast(Quality.TO_CARRIER)), -1);
    h.section("quality", "Call quality by terminating carrier (Call Insights)");
    List<Row> flagged = carriers.stream().filter(r -> r.<Boolean>getAs(Quality.FLAGGED)).toList();
    List<String> shown = new ArrayList<>(flagged.stream().limit(3).map(r -> r.<String>getAs(Quality.TO_CARRIER)).toList());
    if (shown.isEmpty() && !carriers.isEmpty() && !carriers.get(0).isNullAt(carriers.get(0).fieldIndex(Quality.TO_CARRIER))) {
      shown.add(carriers.get(0).getAs(Quality.TO_CARRIER));
    }
    List<Row> account = LocalRows.sorted(hours.stream().filter(r -> r.<Boolean>getAs("all_carriers")).toList(),
        LocalRows.asc(Quality.HOUR_START), -1);
    if (!account.isEmpty()) {
      long first = LocalRows.epochSeconds(account.get(0), Quality.HOUR_START);
      long last = LocalRows.epochSeconds(account.get(account.size() - 1), Quality.HOUR_START);
      int n = (int) ((last - first) / 3600) + 1;
      List<double[]> series = new ArrayList<>();
      List<String> names = new ArrayList<>();
      series.add(byHour(account, first, n));
      names.add("account");
      for (String c : shown) {
        series.add(byHour(hours.stream().filter(r -> !r.<Boolean>getAs("all_carriers") && c.equals(r.getAs(Quality.TO_CARRIER)))
            .toList(), first, n));
        names.add(c);
      }
      h.raw(SvgCharts.lines("Mean quality score by UTC hour", first, series, names,
          List.of(new SvgCharts.Ref(3, "score 3 (fair)", "ref-cps"))));
    }
    h.table("quality-carriers", "Terminating carriers, worst median score first; flagged: more than the threshold below "
        + "the account's median", List.of("Carrier", "Calls measured", "Median score", "Mean score", "Below 3", "Flagged"));
    for (Row r : carriers) {
      h.row(r.isNullAt(r.fieldIndex(Quality.TO_CARRIER)) ? "(none)" : r.getAs(Quality.TO_CARRIER),
          Long.toString(r.<Long>getAs(Quality.CALLS_MEASURED)), score(r, Quality.MEDIAN_QUALITY_SCORE),
          score(r, Quality.MEAN_QUALITY_SCORE),
          r.isNullAt(r.fieldIndex(Quality.SHARE_BELOW_3)) ? "n/a" : ReportPage.pct(r.getAs(Quality.SHARE_BELOW_3)),
          r.<Boolean>getAs(Quality.FLAGGED) ? "yes" : "");
    }
    h.end();
  }

  private static String score(Row r, String column) {
    return r.isNullAt(r.fieldIndex(column)) ? "n/a" : String.format(Locale.ROOT, "%.2f", r.<Double>getAs(column));
  }

  /** The mean score of each hour from {@code first}, NaN-free: an hour without a scored call repeats nothing, it is 0. */
  private static double[] byHour(List<Row> rows, long first, int n) {
    double[] v = new double[n];
    for (Row r : rows) {
      int i = (int) ((LocalRows.epochSeconds(r, Quality.HOUR_START) - first) / 3600);
      if (i >= 0 && i < n) {
        v[i] = r.getAs(Quality.MEAN_QUALITY_SCORE);
      }
    }
    return v;
  }
}
