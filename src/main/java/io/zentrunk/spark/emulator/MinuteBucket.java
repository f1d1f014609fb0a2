package io.zentrunk.spark.emulator;

/**
 * The calls that end in one UTC minute, in API order (end_time desc, call_uuid desc): the
 * skeleton (end second, uuid bits, visibility time) eagerly, the full records and their JSON
 * bytes lazily, each computed once (a benign race may compute one twice: it is deterministic).
 */
final class MinuteBucket {

  final long minute;
  private final CallGenerator generator;
  private final long[] end;
  private final long[] uuidHi;
  private final long[] uuidLo;
  final long[] visibleAt;
  private final int[] ordinalAt;
  final int[] indexByOrdinal;
  private final EmulatedCall[] calls;
  private final Json[] json;

  /** Holder whose final field publishes the array contents safely to racing readers. */
  private record Json(byte[] bytes) {}

  MinuteBucket(CallGenerator generator, long minute, long[] end, long[] uuidHi, long[] uuidLo,
      long[] visibleAt, int[] ordinalAt, int[] indexByOrdinal) {
    this.generator = generator;
    this.minute = minute;
    this.end = end;
    this.uuidHi = uuidHi;
    this.uuidLo = uuidLo;
    this.visibleAt = visibleAt;
    this.ordinalAt = ordinalAt;
    this.indexByOrdinal = indexByOrdinal;
    this.calls = new EmulatedCall[end.length];
    this.json = new Json[end.length];
  }

  int size() {
    return end.length;
  }

  long endSecond(int i) {
    return end[i];
  }

  /** The full record at index {@code i}. */
  EmulatedCall call(int i) {
    EmulatedCall c = calls[i];
    if (c == null) {
      c = generator.call(minute, ordinalAt[i], end[i], uuidHi[i], uuidLo[i]);
      calls[i] = c;
    }
    return c;
  }

  /** The serialized CDR at index {@code i}. */
  byte[] json(int i) {
    Json j = json[i];
    if (j == null) {
      j = new Json(CdrJson.call(call(i)));
      json[i] = j;
    }
    return j.bytes();
  }
}
