package io.zentrunk.spark.lake;

import java.util.Locale;

/** The two table formats of a lake; a lake keeps the format it was created with. */
public enum LakeFormat {
  /** An Apache Iceberg table at {@code <lake>/cdrs} or in a catalog: the default for new lakes. */
  ICEBERG,
  /** Hive-partitioned Parquet under {@code <lake>/cdrs} with {@code <lake>/_zentrunk_state.json}. */
  PARQUET;

  public static LakeFormat parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new LakeUsageException("--format must be iceberg or parquet, not '" + value + "'");
    }
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
