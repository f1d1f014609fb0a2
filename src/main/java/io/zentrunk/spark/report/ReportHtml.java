package io.zentrunk.spark.report;

import java.util.List;

/** The small HTML writer of {@link ReportPage}: escapes text, opens and closes sections and tables. */
final class ReportHtml {

  private final StringBuilder sb = new StringBuilder(64 * 1024);
  private boolean inSection;
  /** Put before every id: the account's, in a page of several accounts (ids stay unique on the page). */
  private String idPrefix = "";

  ReportHtml raw(String s) {
    sb.append(s);
    return this;
  }

  ReportHtml text(String s) {
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

  /**
   * Closes the open section, if any, and starts the part of the page of one account (a page of several): its
   * heading, then its sections, whose ids carry the account's.
   */
  void account(String account) {
    if (inSection) {
      sb.append("</section>\n");
      inSection = false;
    }
    idPrefix = account + "-";
    sb.append("<h2 class=\"account\" id=\"account-").append(escape(account)).append("\">Account ")
        .append(escape(account)).append("</h2>\n");
  }

  /** Closes the open section, if any, and opens one with its heading. */
  void section(String sectionId, String title) {
    String id = escape(idPrefix + sectionId);
    if (inSection) {
      sb.append("</section>\n");
    }
    sb.append("<section id=\"").append(id).append("\" aria-labelledby=\"h-").append(id).append("\"><h2 id=\"h-")
        .append(id).append("\">").append(escape(title)).append("</h2>\n");
    inSection = true;
  }

  void table(String tableId, String caption, List<String> headers) {
    String id = escape(idPrefix + tableId);
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

  @Override
  public String toString() {
    return inSection ? sb.toString().replace("</main>", "</section>\n</main>") : sb.toString();
  }
}
