package io.zentrunk.spark.source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The deterministic sample of option {@code sample}: a call is kept when the first 8 bytes of the SHA-256 of its
 * call_uuid (UTF-8), read as an unsigned big-endian number over 2^64, are below the fraction. The same calls are kept
 * on every run, on every machine and in any language (Python: {@code int.from_bytes(hashlib.sha256(uuid.encode())
 * .digest()[:8], "big") / 2**64 < fraction}), and a smaller fraction keeps a subset of a larger one's calls.
 */
public final class InsightsSample {
  private InsightsSample() {}

  /** Whether {@code callUuid} is in the sample of {@code fraction} (every call when it is 1 or more). */
  public static boolean keeps(String callUuid, double fraction) {
    if (fraction >= 1) {
      return true;
    }
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256").digest(callUuid.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xFF);
    }
    // the top 53 bits as a double in [0, 1): exact, and monotone in v
    return (v >>> 11) * 0x1.0p-53 < fraction;
  }
}
