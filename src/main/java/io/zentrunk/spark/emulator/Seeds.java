package io.zentrunk.spark.emulator;

import java.util.SplittableRandom;

/** Deterministic seed derivation: every random stream is a pure function of (seed, key, salt). */
final class Seeds {

  private Seeds() {}

  /** Stafford variant 13 of the 64-bit finalizer (as in SplittableRandom). */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static SplittableRandom rng(long seed, long key, long salt) {
    return new SplittableRandom(
        mix64(mix64(seed * 0x9E3779B97F4A7C15L + salt) ^ (key * 0xC2B2AE3D27D4EB4FL)));
  }
}
