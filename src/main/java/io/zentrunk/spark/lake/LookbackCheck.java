package io.zentrunk.spark.lake;

import io.zentrunk.spark.client.UtcDays;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which lookback days a run re-reads: a day before the state whose record count in the lake (from the lake's
 * metadata) equals the API's {@code total_count} for it (one request) is kept as it is; only a day whose count
 * changed is read again and replaced.
 *
 * <p>The assumption: the API does not change or delete a CDR once it lists it, inside its 90 days; what arrives
 * late is a new CDR (Plivo lists a call some minutes after it ends). Under it a day's count only grows, and an
 * equal count means the same CDRs. A day whose count is equal but whose content differs would need a CDR deleted
 * and another one arriving late in the same day; {@code --verify-days full} re-reads every lookback day whole for
 * whoever does not want to rely on it.
 */
final class LookbackCheck {

  private LookbackCheck() {}

  /** The lookback days of {@code plan}: its days before the state (days at or after it are new and always read). */
  static List<LocalDate> lookbackDays(IngestPlan plan, CdrLake.Base base) {
    if (base.state().isEmpty()) {
      return List.of();
    }
    LocalDate firstNew = UtcDays.day(base.state().get());
    return plan.days().stream().filter(d -> d.isBefore(firstNew)).toList();
  }

  /** {@code plan} without its lookback days whose counts are equal in the lake and in the API. */
  static IngestPlan narrow(IngestPlan plan, CdrLake.Base base, CdrLake lake, CdrInput api, Consumer<String> progress) {
    return narrow(plan, base, days -> lake.recordsHeld(days, base), api, progress);
  }

  /** As above, with the lake's counts from {@code recordsHeld} (one account's, in a lake of several). */
  static IngestPlan narrow(IngestPlan plan, CdrLake.Base base,
      java.util.function.Function<List<LocalDate>, Map<LocalDate, Long>> recordsHeld, CdrInput api,
      Consumer<String> progress) {
    List<LocalDate> lookback = lookbackDays(plan, base);
    if (lookback.isEmpty()) {
      return plan;
    }
    Map<LocalDate, Long> held = recordsHeld.apply(lookback);
    Set<LocalDate> unchanged = new HashSet<>();
    for (LocalDate d : lookback) {
      long listed = api.count(UtcDays.start(d), UtcDays.start(d.plusDays(1)));
      Long inLake = held.get(d);
      if (inLake != null && inLake == listed) {
        unchanged.add(d);
        progress.accept(String.format(Locale.ROOT, "%s: %,d records in the lake and in the API: kept", d, listed));
      } else {
        progress.accept(String.format(Locale.ROOT, "%s: %s records in the lake, %,d in the API: re-read", d,
            inLake == null ? "uncounted" : String.format(Locale.ROOT, "%,d", inLake), listed));
      }
    }
    return plan.keeping(unchanged);
  }
}
