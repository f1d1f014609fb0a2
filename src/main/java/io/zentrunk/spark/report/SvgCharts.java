package io.zentrunk.spark.report;

import static io.zentrunk.spark.report.ReportHtml.escape;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The charts of {@link ReportPage}, drawn as inline SVG on the server: horizontal bars, and an hourly line chart
 * with reference lines. Each returns the {@code <svg>} element; the table beside it carries the figures for screen
 * readers.
 */
final class SvgCharts {

  /** A horizontal reference line of a line chart: its value, its label and its CSS class. */
  record Ref(int value, String label, String cssClass) {}

  // the line chart's size and margins
  private static final int W = 900;
  private static final int H = 260;
  private static final int LEFT = 48;
  private static final int RIGHT = 12;
  private static final int TOP = 12;
  private static final int BOTTOM = 52;
  private static final double PLOT_W = W - LEFT - RIGHT;
  private static final double PLOT_H = H - TOP - BOTTOM;

  private SvgCharts() {}

  /** A horizontal bar chart, one bar per label. */
  static String bars(String title, List<String> labels, List<Double> values, String unit) {
    int rowH = 18;
    int w = 560;
    int labelW = 200;
    int hgt = Math.max(1, labels.size()) * rowH + 10;
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    max = max <= 0 ? 1 : max;
    StringBuilder sb = open(w, hgt, title);
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
    return sb.append("</svg>\n").toString();
  }

  /**
   * An hourly line chart of a few series (each one value per hour from {@code firstHourSec}), named in a legend,
   * with horizontal reference lines (limits, the Erlang B channels).
   */
  static String lines(String title, long firstHourSec, List<double[]> series, List<String> names, List<Ref> refs) {
    int n = series.isEmpty() ? 0 : series.get(0).length;
    double max = top(series, refs);
    StringBuilder sb = open(W, H, title);
    axes(sb, max);
    hourLabels(sb, firstHourSec, n);
    for (int s = 0; s < series.size(); s++) {
      polyline(sb, s, series.get(s), n, max, names.get(s));
    }
    for (Ref r : refs) {
      double y = TOP + PLOT_H - PLOT_H * r.value() / max;
      sb.append(String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"><title>%s</title></line>",
          r.cssClass(), LEFT, y, W - RIGHT, y, escape(r.label())));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", W - RIGHT - 2, y - 3,
          escape(r.label())));
    }
    legend(sb, names);
    return sb.append("</svg>\n").toString();
  }

  private static StringBuilder open(int w, int hgt, String title) {
    return new StringBuilder().append("<svg width=\"").append(w).append("\" height=\"").append(hgt)
        .append("\" role=\"img\" aria-label=\"").append(escape(title))
        .append("\" xmlns=\"http://www.w3.org/2000/svg\"><title>").append(escape(title)).append("</title>\n");
  }

  /** The top of the y axis: 8% above the largest value or reference line, at least 1.08. */
  private static double top(List<double[]> series, List<Ref> refs) {
    double max = 1;
    for (double[] s : series) {
      for (double v : s) {
        max = Math.max(max, v);
      }
    }
    for (Ref r : refs) {
      max = Math.max(max, r.value());
    }
    return max * 1.08;
  }

  /** The two axes and five value labels on the y axis. */
  private static void axes(StringBuilder sb, double max) {
    sb.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", LEFT, TOP,
        LEFT, (int) (TOP + PLOT_H)));
    sb.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", LEFT,
        (int) (TOP + PLOT_H), W - RIGHT, (int) (TOP + PLOT_H)));
    for (int k = 0; k <= 4; k++) {
      double v = max * k / 4;
      double y = TOP + PLOT_H - PLOT_H * k / 4;
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 4, y + 4, num(v)));
    }
  }

  /** A label on the x axis every day, or every third hour for a window of one day. */
  private static void hourLabels(StringBuilder sb, long firstHourSec, int n) {
    int step = n <= 24 ? 3 : 24 * Math.max(1, (int) Math.ceil(n / 24.0 / 10));
    for (int i = 0; i < n; i += step) {
      double x = LEFT + (n <= 1 ? 0 : PLOT_W * i / (n - 1));
      String label = Instant.ofEpochSecond(firstHourSec + 3600L * i).toString();
      label = n <= 24 ? label.substring(11, 16) : label.substring(5, 10);
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", x, TOP + PLOT_H + 14,
          label));
    }
    sb.append('\n');
  }

  private static void polyline(StringBuilder sb, int s, double[] v, int n, double max, String name) {
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      double x = LEFT + (n <= 1 ? PLOT_W / 2 : PLOT_W * i / (n - 1));
      double y = TOP + PLOT_H - PLOT_H * v[i] / max;
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" class=\"s").append(s).append("\" points=\"")
        .append(pts.toString().trim()).append("\"><title>").append(escape(name)).append("</title></polyline>\n");
  }

  private static void legend(StringBuilder sb, List<String> names) {
    int lx = LEFT;
    for (int s = 0; s < names.size(); s++) {
      sb.append(String.format(Locale.ROOT, "<line class=\"s%d\" stroke-width=\"3\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>", s, lx, H - 12, lx + 18, H - 12, lx + 22, H - 8, escape(names.get(s))));
      lx += 40 + names.get(s).length() * 6;
    }
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
