package io.zentrunk.spark.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link MergingReader}: every record of every reader once, each reader's in its own order and named by
 * {@link MergingReader#source()}; the readers run at once (a reader that can only go on once another has ended does
 * not hold the others up); a failure fails the merged reader with that exception and stops the others; closing stops
 * them all.
 */
class MergingReaderTest {

  /** A reader of records {@code name-0 .. name-(n-1)}; {@code before(i)} runs before record i is handed out. */
  static final class Numbered implements MergingReader.Source {
    final String name;
    final int n;
    final IntFunction<Void> before;
    final CountDownLatch ended = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);
    int i;

    Numbered(String name, int n, IntFunction<Void> before) {
      this.name = name;
      this.n = n;
      this.before = before;
    }

    Numbered(String name, int n) {
      this(name, n, i -> null);
    }

    @Override
    public boolean hasNext() {
      if (i >= n) {
        ended.countDown();
        return false;
      }
      before.apply(i);
      return true;
    }

    @Override
    public Object[] next() {
      return new Object[] {name + "-" + i++};
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  /** Waits for {@code latch}; a test that would wait for ever fails instead (the merged reader would have hung). */
  static void await(CountDownLatch latch, String what) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("never happened: " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }

  @Test
  void everyRecordOnceEachReaderInItsOwnOrderNamedByItsSource() {
    List<Numbered> sources = List.of(new Numbered("a", 3_000), new Numbered("b", 1), new Numbered("c", 0),
        new Numbered("d", 2_500));
    Map<Integer, List<String>> got = new HashMap<>();
    try (MergingReader r = new MergingReader(sources)) {
      while (r.hasNext()) {
        String rec = (String) r.next()[0];
        got.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(rec);
      }
      assertThat(r.hasNext()).isFalse();
    }
    for (int s = 0; s < sources.size(); s++) {
      List<String> want = new ArrayList<>();
      for (int i = 0; i < sources.get(s).n; i++) {
        want.add(sources.get(s).name + "-" + i);
      }
      assertThat(got.getOrDefault(s, List.of())).as(sources.get(s).name).isEqualTo(want);
      await(sources.get(s).closed, sources.get(s).name + " closed");
    }
  }

  @Test
  void aReaderWaitingOnAnotherDoesNotHoldItUp() {
    // "first" cannot hand out its second record before "second" has ended: read in turns, or one after the other,
    // first's wait would never end; read at once, second runs to its end while first waits
    Numbered second = new Numbered("second", 500);
    Numbered first = new Numbered("first", 2, i -> {
      if (i == 1) {
        await(second.ended, "the second reader read to its end while the first waited");
      }
      return null;
    });
    List<String> order = new ArrayList<>();
    try (MergingReader r = new MergingReader(List.of(first, second))) {
      r.forEachRemaining(rec -> order.add((String) rec[0]));
    }
    assertThat(order).hasSize(502).endsWith("first-1");
  }

  @Test
  void aFailureFailsTheReadWithItsExceptionAndStopsTheOthers() {
    CountDownLatch never = new CountDownLatch(1);
    Numbered stuck = new Numbered("stuck", 10, i -> {
      if (i == 3) {
        try {
          never.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException("stopped");
        }
      }
      return null;
    });
    Numbered failing = new Numbered("failing", 10, i -> {
      if (i == 5) {
        throw new IllegalArgumentException("page 5 refused");
      }
      return null;
    });
    MergingReader r = new MergingReader(List.of(stuck, failing));
    assertThatThrownBy(() -> r.forEachRemaining(rec -> { })).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("page 5 refused");
    await(stuck.closed, "the stuck reader stopped and closed");
    await(failing.closed, "the failing reader closed");
    r.close();
  }

  @Test
  void closingStopsEveryReader() {
    Numbered endless = new Numbered("endless", Integer.MAX_VALUE);
    Numbered other = new Numbered("other", Integer.MAX_VALUE);
    MergingReader r = new MergingReader(List.of(endless, other));
    for (int i = 0; i < 10; i++) {
      assertThat(r.hasNext()).isTrue();
      r.next();
    }
    r.close();
    r.close();
    await(endless.closed, "endless closed");
    await(other.closed, "other closed");
    assertThatThrownBy(r::hasNext).isInstanceOf(IllegalStateException.class);
  }
}
