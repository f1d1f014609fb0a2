package io.zentrunk.spark.emulator;

/**
 * The calls that end in one UTC minute, in API order (end_time desc, call_uuid desc), with the
 * epoch second at which each becomes visible (end_time + late delay) and lazily cached JSON bytes.
 */
final class MinuteBucket {

  final long minute;
  final EmulatedCall[] calls;
  final long[] visibleAt;
  final int[] indexByOrdinal;
  private final byte[][] json;

  MinuteBucket(long minute, EmulatedCall[] calls, long[] visibleAt, int[] indexByOrdinal) {
    this.minute = minute;
    this.calls = calls;
    this.visibleAt = visibleAt;
    this.indexByOrdinal = indexByOrdinal;
    this.json = new byte[calls.length][];
  }

  int size() {
    return calls.length;
  }

  long endSecond(int i) {
    return calls[i].endTime().getEpochSecond();
  }

  /** The serialized CDR at index {@code i}; computed once (a benign race may compute it twice). */
  byte[] json(int i) {
    byte[] b = json[i];
    if (b == null) {
      b = CdrJson.call(calls[i]);
      json[i] = b;
    }
    return b;
  }
}
