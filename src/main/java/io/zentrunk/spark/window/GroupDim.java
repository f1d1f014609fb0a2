package io.zentrunk.spark.window;

import java.io.Serializable;
import java.util.List;

/**
 * One dimension a count is grouped by, as the API can split a window along it: UTC-aligned
 * {@code end_time} buckets (a day, an hour), or the documented values of an equality filter.
 */
public sealed interface GroupDim extends Serializable {

  /** How many children splitting a window of {@code [from, to)} makes. */
  int fanOut(long from, long to);

  /** {@code end_time} buckets of {@code widthMicros}, aligned to the UTC epoch (days and hours are). */
  record TimeBuckets(long widthMicros) implements GroupDim {
    public TimeBuckets {
      if (widthMicros <= 0) {
        throw new IllegalArgumentException("bucket width must be positive");
      }
    }

    public long bucketOf(long micros) {
      return Math.floorDiv(micros, widthMicros) * widthMicros;
    }

    @Override
    public int fanOut(long from, long to) {
      return (int) ((bucketOf(to - 1) - bucketOf(from)) / widthMicros + 1);
    }
  }

  /** The API equality filter {@code param}, split into {@code values} (its documented set). */
  record Values(String param, List<String> values) implements GroupDim {
    public Values {
      values = List.copyOf(values);
    }

    @Override
    public int fanOut(long from, long to) {
      return values.size();
    }
  }
}
