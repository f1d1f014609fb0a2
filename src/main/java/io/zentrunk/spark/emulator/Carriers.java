package io.zentrunk.spark.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The carriers the emulator's Insights name, per country and line type. The names are invented (a trading name and
 * the line type after a comma, as Plivo's pages show them): the emulator makes some carriers worse than others, and
 * synthetic figures must not be read as a real carrier's quality. Each carrier name has one line type, so the whole
 * string names the carrier. {@code impairment} scales a carrier's jitter and packet loss (1: typical).
 */
final class Carriers {

  /** One carrier of a country. */
  record Carrier(String name, String lineType, double impairment, int weight) {
    /** The Insights' {@code carrier} text: {@code "Name, linetype"}. */
    String label() {
      return name + ", " + lineType;
    }
  }

  /** Share of mobile numbers per country (the rest are landlines), a rough figure for a business's callers. */
  private static final double DEFAULT_MOBILE_SHARE = 0.65;

  private static final Map<String, List<Carrier>> BY_COUNTRY = build();

  private Carriers() {}

  private static Map<String, List<Carrier>> build() {
    Map<String, List<Carrier>> m = new TreeMap<>();
    // Per country: two or three mobile carriers, one or two landline carriers; one of them impaired in the big
    // markets (US, IN, BR, PH) so that quality by carrier has something to find without a fault.
    put(m, "US", mob("Northwind Mobile", 1.0, 45), mob("Bluepeak Wireless", 1.0, 35), mob("Cascade Cellular", 2.2, 20),
        land("Meridian Telecom", 1.0, 60), land("Harbor Voice", 1.0, 40));
    put(m, "CA", mob("Maple Wireless", 1.0, 60), mob("Aurora Mobile", 1.0, 40), land("Laurentide Tel", 1.0, 100));
    put(m, "IN", mob("Ganga Mobile", 1.0, 50), mob("Deccan Cellular", 2.5, 30), mob("Indus Wireless", 1.0, 20),
        land("Bharat Fixed Line", 1.0, 100));
    put(m, "GB", mob("Thames Mobile", 1.0, 55), mob("Pennine Wireless", 1.0, 45), land("Albion Telecom", 1.0, 100));
    put(m, "DE", mob("Rhein Mobilfunk", 1.0, 60), mob("Elbe Mobil", 1.0, 40), land("Hansa Festnetz", 1.0, 100));
    put(m, "FR", mob("Loire Mobile", 1.0, 60), mob("Rhone Telecom Mobile", 1.0, 40), land("Seine Fixe", 1.0, 100));
    put(m, "BR", mob("Amazonia Movel", 1.0, 50), mob("Serra Celular", 2.0, 50), land("Planalto Fixo", 1.0, 100));
    put(m, "MX", mob("Sierra Movil", 1.0, 70), mob("Baja Celular", 1.0, 30), land("Azteca Fija", 1.0, 100));
    put(m, "AU", mob("Outback Mobile", 1.0, 60), mob("Coral Wireless", 1.0, 40), land("Southern Cross Tel", 1.0, 100));
    put(m, "SG", mob("Merlion Mobile", 1.0, 60), mob("Strait Wireless", 1.0, 40), land("Lion City Fixed", 1.0, 100));
    put(m, "PH", mob("Visayas Mobile", 1.0, 55), mob("Luzon Cellular", 2.0, 45), land("Archipelago Tel", 1.0, 100));
    put(m, "CU", mob("Caribe Movil", 1.6, 100), land("Habana Fija", 1.6, 100));
    put(m, "SO", mob("Horn Mobile", 1.8, 100), land("Mogadishu Fixed", 1.8, 100));
    put(m, "LV", mob("Daugava Mobile", 1.0, 100), land("Riga Fixed", 1.0, 100));
    return m;
  }

  private static void put(Map<String, List<Carrier>> m, String iso, Carrier... cs) {
    m.put(iso, List.of(cs));
  }

  private static Carrier mob(String name, double impairment, int weight) {
    return new Carrier(name, "mobile", impairment, weight);
  }

  private static Carrier land(String name, double impairment, int weight) {
    return new Carrier(name, "landline", impairment, weight);
  }

  /**
   * The carrier of {@code number} in country {@code iso}: a pure function of the account's seed and the number (the
   * same number always has the same carrier), line type first (mobile with the country's share), then a carrier of
   * that type by weight.
   */
  static Carrier of(long seed, String iso, String number) {
    List<Carrier> all = BY_COUNTRY.getOrDefault(iso, BY_COUNTRY.get("US"));
    SplittableRandom r = Seeds.rng(seed, number.hashCode(), 17);
    String type = r.nextDouble() < DEFAULT_MOBILE_SHARE ? "mobile" : "landline";
    List<Carrier> ofType = new ArrayList<>();
    int total = 0;
    for (Carrier c : all) {
      if (c.lineType().equals(type)) {
        ofType.add(c);
        total += c.weight();
      }
    }
    int u = r.nextInt(total);
    for (Carrier c : ofType) {
      u -= c.weight();
      if (u < 0) {
        return c;
      }
    }
    return ofType.get(ofType.size() - 1);
  }

  /** Every carrier label ({@code "Name, linetype"}) of every country, for documentation and tests. */
  static List<String> labels() {
    List<String> out = new ArrayList<>();
    BY_COUNTRY.values().forEach(l -> l.forEach(c -> out.add(c.label())));
    return out;
  }

  /** The carrier named {@code name} (its trading name or its whole label), or null. */
  static Carrier named(String name) {
    for (List<Carrier> l : BY_COUNTRY.values()) {
      for (Carrier c : l) {
        if (c.name().equals(name) || c.label().equals(name)) {
          return c;
        }
      }
    }
    return null;
  }
}
