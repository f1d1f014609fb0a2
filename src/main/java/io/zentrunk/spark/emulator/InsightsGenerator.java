package io.zentrunk.spark.emulator;

import java.time.ZoneOffset;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The Insights of the emulator's calls, drawn from each call's own random stream (seed, call uuid) so that they are
 * the same at every request and independent of the CDRs' draws (adding them changed no CDR).
 *
 * <p>Assumptions, as Plivo's public pages leave them open (zentrunk-api.md, "Call Insights"): only answered calls
 * (an {@code answer_time}) had media and have Insights; any other call answers <b>404</b>. Numbers and regions are
 * the CDR's (a region is the country's ISO code); each number's carrier is a pure function of the number
 * ({@link Carriers}). The metrics follow common shapes of VoIP measurements: round-trip time lognormal around 40 ms
 * within a country and 150 ms between countries; jitter lognormal around 4 ms; packet loss zero for most calls with a
 * long tail; post-dial delay lognormal around 2.5 s (longer abroad); the score the E-model MOS (ITU-T G.107, see
 * {@link #mos}) of those metrics with noise, 1 to 5. Jitter and loss grow with the
 * carriers' {@code impairment} and in the evening busy hours 17:00-21:59 UTC, and for calls at or after a
 * {@link EmulatorConfig.CarrierFault} on the faulty carrier. Each metric is missing (left out or sent empty) with
 * {@link EmulatorConfig#missingMetricShare()}; a {@link EmulatorConfig#hostileInsightsShare()} of the calls gets a
 * hostile body (a metric "n/a", a value out of range, no {@code to}).
 */
final class InsightsGenerator {

  private final long seed;
  private final EmulatorConfig.CarrierFault fault;
  private final double missingShare;
  private final double hostileShare;

  InsightsGenerator(long seed, EmulatorConfig.CarrierFault fault, double missingShare, double hostileShare) {
    this.seed = seed;
    this.fault = fault;
    this.missingShare = missingShare;
    this.hostileShare = hostileShare;
  }

  /** Whether the call has Insights (it had media: answered). */
  static boolean hasInsights(EmulatedCall c) {
    return c.answerTime() != null;
  }

  /** The call's Insights, or null when it has none (the API answers 404). */
  EmulatedInsights of(EmulatedCall c) {
    if (!hasInsights(c)) {
      return null;
    }
    SplittableRandom r = Seeds.rng(seed, c.callUuid().hashCode(), 23);
    String fromIso = c.fromCountry();
    String toIso = c.toCountry() != null ? c.toCountry() : fromIso;
    Carriers.Carrier fromCarrier = Carriers.of(seed, fromIso, c.fromNumber());
    Carriers.Carrier toCarrier = Carriers.of(seed, toIso, c.toNumber());
    boolean abroad = !fromIso.equals(toIso);
    int hour = c.endTime().atZone(ZoneOffset.UTC).getHour();
    double busy = hour >= 17 && hour <= 21 ? 1.6 : 1.0;
    double impairment = Math.max(fromCarrier.impairment(), toCarrier.impairment()) * busy;
    double extraLoss = 0;
    double extraJitter = 0;
    double extraRtt = 0;
    if (fault != null && !c.endTime().isBefore(fault.from())
        && (matches(fromCarrier, fault.carrier()) || matches(toCarrier, fault.carrier()))) {
      extraLoss = 4 + 6 * r.nextDouble();
      extraJitter = 20 + 20 * r.nextDouble();
      extraRtt = 80 + 80 * r.nextDouble();
    } else {
      r.nextDouble();
      r.nextDouble();
      r.nextDouble();
    }
    double rtt = Math.round(lognormal(r, abroad ? 150 : 40, 0.35) + extraRtt);
    double jitter = Math.round(lognormal(r, 4, 0.5) * impairment + extraJitter);
    double loss;
    double u = r.nextDouble();
    double tail = lognormal(r, 0.6, 0.8) * impairment;
    loss = u < 1 - Math.min(0.9, 0.15 * impairment) ? 0 : tail;
    loss = Math.min(100, Math.round((loss + extraLoss) * 10) / 10.0);
    double pdd = Math.round(lognormal(r, abroad ? 3500 : 2500, 0.3));
    double score = mos(rtt, jitter, loss) + 0.15 * r.nextGaussian();
    score = Math.round(Math.max(1, Math.min(5, score)) * 10) / 10.0;
    boolean pddAsString = r.nextDouble() < 0.2;

    Double[] metrics = {rtt, jitter, loss, pdd, score};
    String[] shown = {fmt(rtt), fmt(jitter), fmt(loss), null, fmt(score)};
    // missing metrics: left out (even draws) or sent empty (odd)
    int[] missing = new int[5];
    for (int i = 0; i < 5; i++) {
      double m = r.nextDouble();
      if (m < missingShare) {
        missing[i] = r.nextBoolean() ? 1 : 2;
        metrics[i] = null;
      }
    }
    String oddity = null;
    boolean noTo = false;
    if (hostileShare > 0 && Seeds.rng(seed, c.callUuid().hashCode(), 29).nextDouble() < hostileShare) {
      SplittableRandom h = Seeds.rng(seed, c.callUuid().hashCode(), 31);
      switch (h.nextInt(6)) {
        case 0 -> {
          int i = h.nextInt(3);
          shown[i] = "n/a";
          missing[i] = 0;
          metrics[i] = null;
          oddity = METRICS[i] + "=n/a";
        }
        case 1 -> {
          shown[4] = "7.5";
          missing[4] = 0;
          metrics[4] = null;
          oddity = "plivo_quality_score=7.5";
        }
        case 2 -> {
          shown[2] = "140";
          missing[2] = 0;
          metrics[2] = null;
          oddity = "packet_loss=140";
        }
        case 3 -> {
          shown[0] = "-12";
          missing[0] = 0;
          metrics[0] = null;
          oddity = "rtt=-12";
        }
        case 4 -> {
          shown[4] = "0";
          missing[4] = 0;
          metrics[4] = null;
          oddity = "plivo_quality_score=0";
        }
        default -> {
          noTo = true;
          oddity = "no to";
        }
      }
    }
    String cause = c.hangupCauseName().toLowerCase(Locale.ROOT).replace(' ', '_');
    StringBuilder sb = new StringBuilder("{");
    CdrJson.quote(sb.append("\"call_uuid\":"), c.callUuid()).append(',');
    party(sb, "from", c.fromNumber(), fromCarrier, fromIso);
    if (!noTo) {
      party(sb, "to", c.toNumber(), toCarrier, toIso);
    }
    CdrJson.quote(sb.append("\"hangup_cause\":"), cause).append(',');
    CdrJson.quote(sb.append("\"hangup_source\":"), c.hangupSource().toLowerCase(Locale.ROOT));
    for (int i = 0; i < 5; i++) {
      if (missing[i] == 1) {
        continue;
      }
      sb.append(",\"").append(METRICS[i]).append("\":");
      if (missing[i] == 2) {
        sb.append("\"\"");
      } else if (i == 3) {
        // post_dial_delay: a JSON number on one public page, an integer-looking value on another
        sb.append(pddAsString ? "\"" + fmt(pdd) + "\"" : Double.toString(pdd));
      } else {
        CdrJson.quote(sb, shown[i]);
      }
    }
    sb.append('}');
    return new EmulatedInsights(c.callUuid(), c.fromNumber(), fromCarrier.label(), fromIso, c.toNumber(),
        noTo ? null : toCarrier.label(), noTo ? null : toIso, cause, c.hangupSource().toLowerCase(Locale.ROOT),
        metrics[0], metrics[1], metrics[2], metrics[3], metrics[4], oddity, sb.toString());
  }

  /** The body's metric names, in the order of {@link EmulatedInsights}' metrics. */
  static final String[] METRICS = {"rtt", "jitter", "packet_loss", "post_dial_delay", "plivo_quality_score"};

  private static boolean matches(Carriers.Carrier c, String name) {
    return c.name().equals(name) || c.label().equals(name);
  }

  private static void party(StringBuilder sb, String key, String number, Carriers.Carrier carrier, String iso) {
    sb.append('"').append(key).append("\":{\"number\":");
    CdrJson.quote(sb, number).append(",\"carrier\":");
    CdrJson.quote(sb, carrier.label()).append(",\"region\":");
    CdrJson.quote(sb, iso).append("},");
  }

  /** A value as the public pages show it: no ".0" for whole numbers ("24", "3", "0"), else one decimal ("4.2"). */
  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static double lognormal(SplittableRandom r, double median, double sigma) {
    return median * Math.exp(sigma * r.nextGaussian());
  }

  /**
   * Mean opinion score of a call from its metrics, ITU-T G.107's E-model for G.711: effective one-way delay = rtt / 2
   * + 2 jitter + 10 ms with the delay impairment of Cole and Rosenbluth, "Voice over IP performance monitoring" (2001);
   * the loss impairment Ie,eff = 95 Ppl / (Ppl + Bpl) with Bpl 4.3 (G.711 without loss concealment, G.113); then the
   * standard R-to-MOS map (4.4 at best).
   */
  static double mos(double rttMs, double jitterMs, double lossPct) {
    double d = rttMs / 2 + 2 * jitterMs + 10;
    double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
    double ie = 95 * lossPct / (lossPct + 4.3);
    double rf = Math.max(0, Math.min(100, 93.2 - id - ie));
    return 1 + 0.035 * rf + 7e-6 * rf * (rf - 60) * (100 - rf);
  }
}
