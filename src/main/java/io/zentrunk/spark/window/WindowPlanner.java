package io.zentrunk.spark.window;

import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrPage;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ZentrunkClient;
import io.zentrunk.spark.client.ZentrunkException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Splits a read into slices of at most a target number of records, by asking the API how many
 * records windows hold ({@code total_count}, one single-record request per window) and
 * splitting the windows that hold too many, by time, until each fits. Equal time slices would
 * give a day-shaped volume a long tail (the busy afternoon slice); counted slices do not.
 *
 * <p>Costs: a read whose whole window holds at most 20 records costs exactly one request: the
 * probe fetches the first page, which then is the whole result. A large read costs about 1.5
 * probes per slice, which at the default target of 10,000 records (500 pages) is 0.3%.
 * Slices never split a second (the API's time resolution), so a single second holding more
 * than the target stays one slice.
 */
public final class WindowPlanner {

  /** A slice of the read: a contiguous window, what the planner counted in it, and its records if the probe already holds them all. */
  public record Slice(CdrQuery query, long plannedCount, CdrPage inlinePage) implements Serializable {}

  private static final int MAX_SPLIT = 1000;
  private static final int MAX_DEPTH = 8;

  /** What the planner asks the API; {@link ZentrunkClient} in a read, a fake that counts probes in tests. */
  public interface Probes {
    /** Page 0 of {@code query}, at most 20 records. */
    CdrPage firstPage(CdrQuery query);

    /** The number of records {@code query} matches: one request of one record. */
    long count(CdrQuery query);

    static Probes of(ZentrunkClient client) {
      return new Probes() {
        @Override
        public CdrPage firstPage(CdrQuery query) {
          return client.page(query, 0, PAGE, null);
        }

        @Override
        public long count(CdrQuery query) {
          return client.count(query);
        }
      };
    }
  }

  private static final int PAGE = 20;

  private final Probes probes;
  private final long target;
  private final int concurrency;

  public WindowPlanner(ZentrunkClient client, long targetRecordsPerSlice, int concurrency) {
    this(Probes.of(client), targetRecordsPerSlice, concurrency);
  }

  public WindowPlanner(Probes probes, long targetRecordsPerSlice, int concurrency) {
    this.probes = probes;
    this.target = Math.max(1, targetRecordsPerSlice);
    this.concurrency = Math.max(1, concurrency);
  }

  /**
   * Plans the slices of one query (at most 90 days, as every {@link CdrQuery}; the read request
   * cuts longer windows). Contiguous, half-open, in time order.
   */
  public List<Slice> plan(CdrQuery query) {
    CdrPage first = probes.firstPage(query);
    if (first.totalCount() <= PAGE && first.records().size() == first.totalCount()) {
      return List.of(new Slice(query, first.totalCount(), first));
    }
    return merge(refine(List.of(new Counted(query, first.totalCount())), 0));
  }

  private record Counted(CdrQuery query, long count) {}

  private List<Counted> refine(List<Counted> windows, int depth) {
    List<Counted> out = new ArrayList<>();
    for (Counted w : windows) {
      long from = w.query.fromMicros();
      long to = w.query.toMicros();
      long firstSecond = Math.floorDiv(from, ApiTime.MICROS_PER_SECOND) + 1;
      long lastSecond = Math.floorDiv(to - 1, ApiTime.MICROS_PER_SECOND);
      long boundaries = lastSecond - firstSecond + 1;
      if (w.count <= target || depth >= MAX_DEPTH || boundaries < 1) {
        out.add(w);
        continue;
      }
      int k = (int) Math.min(Math.min(MAX_SPLIT, boundaries + 1), Math.max(2, (w.count * 3 + 2 * target - 1) / (2 * target)));
      List<CdrQuery> parts = new ArrayList<>(k);
      long prev = from;
      for (int i = 1; i < k; i++) {
        long cut = (firstSecond + (boundaries * i) / k) * ApiTime.MICROS_PER_SECOND;
        if (cut > prev && cut < to) {
          parts.add(w.query.withWindow(prev, cut));
          prev = cut;
        }
      }
      parts.add(w.query.withWindow(prev, to));
      out.addAll(refine(count(parts), depth + 1));
    }
    return out;
  }

  private List<Counted> count(List<CdrQuery> windows) {
    List<Counted> out = new ArrayList<>(windows.size());
    List<Future<Long>> futures = new ArrayList<>();
    int i = 0;
    try {
      while (i < windows.size() || !futures.isEmpty()) {
        while (futures.size() < concurrency && i < windows.size()) {
          CdrQuery q = windows.get(i++);
          futures.add(Fetchers.POOL.submit(() -> probes.count(q)));
        }
        long n = futures.remove(0).get();
        out.add(new Counted(windows.get(out.size()), n));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      futures.forEach(f -> f.cancel(true));
      throw new PlanningException("interrupted while planning", e);
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof ZentrunkException z) {
        throw z;
      }
      throw new PlanningException("planning failed: " + e.getCause(), e.getCause());
    }
    return out;
  }

  /** Joins neighbouring windows while together they stay within the target. */
  private List<Slice> merge(List<Counted> windows) {
    List<Slice> out = new ArrayList<>();
    Counted acc = null;
    for (Counted w : windows) {
      if (acc != null && acc.count + w.count <= target && acc.query.toMicros() == w.query.fromMicros()
          && w.query.toMicros() - acc.query.fromMicros() <= CdrQuery.MAX_RANGE_MICROS) {
        acc = new Counted(acc.query.withWindow(acc.query.fromMicros(), w.query.toMicros()), acc.count + w.count);
      } else {
        if (acc != null) {
          out.add(new Slice(acc.query, acc.count, null));
        }
        acc = w;
      }
    }
    if (acc != null) {
      out.add(new Slice(acc.query, acc.count, null));
    }
    return out;
  }
}
