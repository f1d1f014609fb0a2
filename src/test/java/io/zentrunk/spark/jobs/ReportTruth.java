package io.zentrunk.spark.jobs;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.testing.ErlangFormula;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The trunk sizing and Wangiri aggregates computed in plain Java, straight from their definitions, on the emulator's
 * ground truth: brute force, no sweep, no Spark. Rows are strings with the datasets' column order.
 */
final class ReportTruth {

  private ReportTruth() {}

  /**
   * One hour of one trunk: carried seconds (of the calls not refused 5180/5190), starts, peak concurrency, peak CPS,
   * 5180s, 5190s, and the trunk's mean holding time over the window (null: it carried no call).
   */
  record Hour(long carried, long started, long peak, long cps, long r5180, long r5190, Double holding) {

    /** Offered Erlangs: carried + refused attempts x the mean holding time (null when refusals cannot be timed). */
    Double offered() {
      long refused = r5180 + r5190;
      return refused == 0 ? carried / 3600.0 : holding == null ? null : carried / 3600.0 + refused * holding / 3600.0;
    }
  }

  static boolean refused(EmulatedCall c) {
    return c.hangupCauseCode() == 5180 || c.hangupCauseCode() == 5190;
  }

  /** trunk_id (null) -> the hours' figures, for the 3600 s hours from {@code firstHour}, {@code hours} of them. */
  static Map<String, Hour[]> trunkHours(List<EmulatedCall> window, long firstHour, int hours) {
    Map<String, List<EmulatedCall>> byTrunk = new HashMap<>();
    for (EmulatedCall c : window) {
      byTrunk.computeIfAbsent(c.trunkId(), k -> new ArrayList<>()).add(c);
    }
    Map<String, Hour[]> out = new HashMap<>();
    for (Map.Entry<String, List<EmulatedCall>> e : byTrunk.entrySet()) {
      long held = 0;
      long carriedCalls = 0;
      for (EmulatedCall c : e.getValue()) {
        if (!refused(c)) {
          held += c.endTime().getEpochSecond() - c.initiationTime().getEpochSecond();
          carriedCalls++;
        }
      }
      Double holding = carriedCalls == 0 ? null : (double) held / carriedCalls;
      Hour[] hs = new Hour[hours];
      for (int h = 0; h < hours; h++) {
        long from = firstHour + 3600L * h;
        long to = from + 3600;
        long carried = 0;
        long started = 0;
        long r5180 = 0;
        long r5190 = 0;
        Map<Long, Long> perSecond = new TreeMap<>();
        List<Long> instants = new ArrayList<>(List.of(from));
        for (EmulatedCall c : e.getValue()) {
          long i = c.initiationTime().getEpochSecond();
          long end = c.endTime().getEpochSecond();
          carried += refused(c) ? 0 : Math.max(0, Math.min(end, to) - Math.max(i, from));
          if (i >= from && i < to) {
            started++;
            perSecond.merge(i, 1L, Long::sum);
            r5180 += c.hangupCauseCode() == 5180 ? 1 : 0;
            r5190 += c.hangupCauseCode() == 5190 ? 1 : 0;
            instants.add(i);
          }
        }
        long peak = 0;
        for (long t : instants) {
          long n = 0;
          for (EmulatedCall c : e.getValue()) {
            if (c.initiationTime().getEpochSecond() <= t && t < c.endTime().getEpochSecond()) {
              n++;
            }
          }
          peak = Math.max(peak, n);
        }
        hs[h] = new Hour(carried, started, peak, perSecond.values().stream().mapToLong(x -> x).max().orElse(0), r5180, r5190,
            holding);
      }
      out.put(e.getKey(), hs);
    }
    return out;
  }

  /** Erlang B by its textbook formula in 60-digit decimals. */
  static double erlangB(double erlangs, int channels) {
    if (erlangs == 0) {
      return 0;
    }
    return ErlangFormula.blocking(erlangs, channels);
  }

  /** The fewest channels with blocking at most {@code gos}, by the textbook formula (0 for no traffic). */
  static int channels(double erlangs, double gos) {
    if (erlangs == 0) {
      return 0;
    }
    int n = 0;
    while (erlangB(erlangs, n) > gos) {
      n++;
    }
    return n;
  }

  /**
   * The Wangiri rule on the truth: "day|prefix|country|one_ring|calling_numbers|numbers_reached|callbacks|
   * callback_numbers|callback_billed_seconds|callback_amount|flagged" for every day and prefix with a one-ring call.
   */
  static List<String> wangiri(List<EmulatedCall> window, int oneRingSeconds, int callbackHours, int blockDigits,
      long minNumbers, long minCallbacks) {
    Map<String, List<EmulatedCall>> groups = new TreeMap<>();
    for (EmulatedCall c : window) {
      boolean oneRing = c.callDirection().equals("inbound") && c.answerTime() == null && c.fromNumber() != null
          && c.endTime().getEpochSecond() - c.initiationTime().getEpochSecond() <= oneRingSeconds
          && c.fromCountry() != null && c.toCountry() != null && !c.fromCountry().equals(c.toCountry());
      if (oneRing) {
        String n = c.fromNumber();
        String prefix = n.substring(0, Math.max(n.length() - blockDigits, 1));
        groups.computeIfAbsent(JobsIT.day(c.endTime()) + "|" + prefix, k -> new ArrayList<>()).add(c);
      }
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<EmulatedCall>> g : groups.entrySet()) {
      Set<String> from = new HashSet<>();
      Set<String> to = new HashSet<>();
      String country = null;
      for (EmulatedCall r : g.getValue()) {
        from.add(r.fromNumber());
        to.add(r.toNumber());
        country = country == null || r.fromCountry().compareTo(country) > 0 ? r.fromCountry() : country;
      }
      long callbacks = 0;
      long billed = 0;
      BigDecimal amount = new BigDecimal("0.00000");
      Set<String> called = new HashSet<>();
      for (EmulatedCall c : window) {
        if (!c.callDirection().equals("outbound") || c.toNumber() == null) {
          continue;
        }
        long init = c.initiationTime().getEpochSecond();
        boolean isCallback = g.getValue().stream().anyMatch(r -> r.fromNumber().equals(c.toNumber())
            && init >= r.endTime().getEpochSecond() && init < r.endTime().getEpochSecond() + callbackHours * 3600L);
        if (isCallback) {
          callbacks++;
          billed += c.billDuration();
          amount = amount.add(c.totalAmount());
          called.add(c.toNumber());
        }
      }
      boolean flagged = to.size() >= minNumbers && callbacks >= minCallbacks;
      out.add(g.getKey() + "|" + country + "|" + g.getValue().size() + "|" + from.size() + "|" + to.size() + "|" + callbacks
          + "|" + called.size() + "|" + billed + "|" + amount.toPlainString() + "|" + flagged);
    }
    return out;
  }

  static String instant(long epochSecond) {
    return Instant.ofEpochSecond(epochSecond).toString();
  }
}
