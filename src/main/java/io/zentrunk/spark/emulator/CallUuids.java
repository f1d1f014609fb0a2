package io.zentrunk.spark.emulator;

import java.util.UUID;

/**
 * Reversible call UUIDs: a random-looking version-4 UUID that encodes the call's minute bucket
 * (epoch minute) and its ordinal in the bucket, so GET by uuid needs no index. The high 64 bits
 * are random (from the bucket RNG, version nibble 4); the low 62 bits hold
 * {@code (minute << 24 | ordinal)} XOR a mask derived from the high bits and the account seed.
 */
final class CallUuids {

  private static final long MASK62 = 0x3FFF_FFFF_FFFF_FFFFL;
  static final int MAX_ORDINAL = (1 << 24) - 1;

  private CallUuids() {}

  static UUID encode(long seed, long minute, int ordinal, long random) {
    long hi = (random & ~0xF000L) | 0x4000L;
    long payload = (minute << 24) | ordinal;
    long lo = ((payload ^ Seeds.mix64(hi ^ seed)) & MASK62) | 0x8000_0000_0000_0000L;
    return new UUID(hi, lo);
  }

  /** {@code {minute, ordinal}} of a uuid, or null if it is not a well-formed call uuid. */
  static long[] decode(long seed, String uuid) {
    if (uuid.length() != 36) {
      return null;
    }
    UUID u;
    try {
      u = UUID.fromString(uuid);
    } catch (IllegalArgumentException e) {
      return null;
    }
    long hi = u.getMostSignificantBits();
    long lo = u.getLeastSignificantBits();
    long payload = (lo ^ Seeds.mix64(hi ^ seed)) & MASK62;
    long minute = payload >>> 24;
    int ordinal = (int) (payload & MAX_ORDINAL);
    return new long[] {minute, ordinal};
  }
}
