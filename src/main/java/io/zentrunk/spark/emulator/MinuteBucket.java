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

  /** The record at index {@code i} as generated, before any trunk limit ({@link TrunkLimiter}); not kept. */
  EmulatedCall generatedCall(int i) {
    return generator.generatedCall(minute, ordinalAt[i], end[i], uuidHi[i], uuidLo[i]);
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

  /**
   * The bucket of minute {@code m} from its calls in ordinal order: sorted into API order,
   * end_time desc then call_uuid desc (the uuid's string order is its unsigned bit order).
   */
  static MinuteBucket inApiOrder(CallGenerator generator, long m, long[] end, long[] hi, long[] lo,
      long[] delay) {
    int n = end.length;
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> {
      int c = Long.compare(end[b], end[a]);
      if (c == 0) {
        c = Long.compareUnsigned(hi[b], hi[a]);
      }
      if (c == 0) {
        c = Long.compareUnsigned(lo[b], lo[a]);
      }
      return c;
    });
    long[] sEnd = new long[n];
    long[] sHi = new long[n];
    long[] sLo = new long[n];
    long[] visibleAt = new long[n];
    int[] ordinalAt = new int[n];
    int[] indexByOrdinal = new int[n];
    for (int i = 0; i < n; i++) {
      int o = idx[i];
      sEnd[i] = end[o];
      sHi[i] = hi[o];
      sLo[i] = lo[o];
      visibleAt[i] = end[o] + delay[o];
      ordinalAt[i] = o;
      indexByOrdinal[o] = i;
    }
    return new MinuteBucket(generator, m, sEnd, sHi, sLo, visibleAt, ordinalAt, indexByOrdinal);
  }
}
