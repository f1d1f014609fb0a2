package io.zentrunk.spark.emulator;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Draws the fault of one admitted API request from the seeded fault stream: a 5xx (JSON or HTML
 * body), a reset, a stall, a truncated body, or none. Two uniform numbers per request, in that
 * order, whatever the outcome, so a seed gives the same sequence of faults.
 */
final class FaultInjector {

  /** The outcome of one draw: an answer that replaces the API's, or whether to truncate the API's answer. */
  record Draw(HttpReply reply, boolean truncate) {
    static final Draw NONE = new Draw(null, false);
  }

  private final SplittableRandom rng;
  private final StatsCollector stats;
  private volatile Faults faults;

  FaultInjector(long seed, Faults faults, StatsCollector stats) {
    this.rng = Seeds.rng(seed, 0, 99);
    this.faults = faults;
    this.stats = stats;
  }

  void set(Faults f) {
    this.faults = f;
  }

  Draw draw() {
    Faults f = faults;
    if (!f.any()) {
      return Draw.NONE;
    }
    double u;
    double html;
    synchronized (rng) {
      u = rng.nextDouble();
      html = rng.nextDouble();
    }
    if ((u -= f.http500()) < 0) {
      return new Draw(serverError(500, html < f.htmlErrorShare()), false);
    } else if ((u -= f.http502()) < 0) {
      return new Draw(serverError(502, html < f.htmlErrorShare()), false);
    } else if ((u -= f.http503()) < 0) {
      return new Draw(serverError(503, html < f.htmlErrorShare()), false);
    } else if ((u -= f.connectionReset()) < 0) {
      stats.fault();
      stats.reset();
      return new Draw(new HttpReply(0, "", new byte[0], null, HttpReply.Action.RESET, 0, 0), false);
    } else if ((u -= f.stall()) < 0) {
      stats.fault();
      stats.stall();
      return new Draw(new HttpReply(0, "", new byte[0], null, HttpReply.Action.STALL, 0,
          f.stallDuration().toNanos()), false);
    } else if ((u - f.truncatedBody()) < 0) {
      return new Draw(null, true);
    }
    return Draw.NONE;
  }

  /** A 5xx as the API sends it (JSON) or as a load balancer in front of it would (HTML). */
  private HttpReply serverError(int status, boolean asHtml) {
    stats.fault();
    stats.status(status);
    String reason = status == 500 ? "Internal Server Error"
        : status == 502 ? "Bad Gateway" : "Service Unavailable";
    if (asHtml) {
      String body = "<html>\r\n<head><title>" + status + " " + reason + "</title></head>\r\n"
          + "<body>\r\n<center><h1>" + status + " " + reason + "</h1></center>\r\n"
          + "</body>\r\n</html>\r\n";
      return new HttpReply(status, "text/html", body.getBytes(StandardCharsets.UTF_8),
          null, HttpReply.Action.NORMAL, 0, 0);
    }
    return HttpReply.json(status, CdrJson.error(ApiHandler.apiId(), reason));
  }
}
