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
 *
 * <p>Planning can also be shared between the driver and the tasks, so that pages flow while
 * planning goes on ({@link #planCoarse}, then {@link #planLeaves} in each task): the driver
 * sends the first two levels of probes, each task the deeper ones of its own part as it reads.
 * The probes are the same ones, and a slice left unmerged starts its read from its probe's page
 * 0: never more requests than planning everything up front.
 */
public final class WindowPlanner {

  /**
   * A slice of the read: a contiguous window, what the planner counted in it ({@link #UNCOUNTED}
   * for a part its task counts), and its page 0 if a probe fetched it (the read starts from it;
   * with at most 20 records it is the whole slice).
   */
  public record Slice(CdrQuery query, long plannedCount, CdrPage inlinePage) implements Serializable {}

  /** {@link Slice#plannedCount()} of a part the driver cut but did not count: its task counts it. */
  public static final long UNCOUNTED = -1;

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
    return merge(refine(List.of(new Counted(query, first.totalCount(), null)), 0, false));
  }

  /**
   * The driver's share of planning a read whose tasks plan further: the first two levels of
   * {@link #plan}'s probes (the query, then the parts it first cuts the query into, probed for
   * their page 0). Parts within the target are merged as {@link #plan} merges them (a part left
   * alone carries its page 0, which its read starts from); a larger part is cut where
   * {@link #plan} would cut it next, into {@link #UNCOUNTED} slices that their tasks count and
   * refine with {@link #planLeaves} as they read. So partitions stay about as even as
   * {@link #plan}'s and only the deeper probes move into the tasks. Contiguous, half-open, in
   * time order.
   */
  public Coarse planCoarse(CdrQuery query) {
    CdrPage first = probes.firstPage(query);
    List<CdrQuery> parts = split(query, first.totalCount(), 0);
    if (parts == null) {
      return new Coarse(first.totalCount(), List.of(new Slice(query, first.totalCount(), first)));
    }
    List<Slice> out = new ArrayList<>();
    List<Counted> fits = new ArrayList<>();
    for (Counted c : count(parts, true)) {
      List<CdrQuery> cut = split(c.query, c.count, 1);
      if (cut == null) {
        fits.add(c);
        continue;
      }
      out.addAll(merge(fits));
      fits.clear();
      cut.forEach(q -> out.add(new Slice(q, UNCOUNTED, null)));
    }
    out.addAll(merge(fits));
    return new Coarse(first.totalCount(), out);
  }

  /** The driver's plan of one query: its {@code total_count} and its slices (counted, or its tasks count them). */
  public record Coarse(long totalCount, List<Slice> slices) {}

  /**
   * A task's share: the slices of one {@link #UNCOUNTED} part that {@link #planCoarse} cut,
   * counted and refined as {@link #plan} would refine it, each probed for its page 0 (carried in
   * the slice, so its read starts from it) and not merged (a merged slice's page 0 is no probe's
   * page). The same probes {@link #plan} would send for this part; each saves its slice's reader
   * one request.
   */
  public List<Slice> planLeaves(CdrQuery part) {
    CdrPage first = probes.firstPage(part);
    List<Slice> out = new ArrayList<>();
    for (Counted c : refine(List.of(new Counted(part, first.totalCount(), first)), 2, true)) {
      out.add(new Slice(c.query, c.count, c.page));
    }
    return out;
  }

  private record Counted(CdrQuery query, long count, CdrPage page) {}

  private List<Counted> refine(List<Counted> windows, int depth, boolean withPages) {
    List<Counted> out = new ArrayList<>();
    for (Counted w : windows) {
      List<CdrQuery> parts = split(w.query, w.count, depth);
      if (parts == null) {
        out.add(w);
      } else {
        out.addAll(refine(count(parts, withPages), depth + 1, withPages));
      }
    }
    return out;
  }

  /** Where a window holding {@code count} records is cut, or null if it stays whole. */
  private List<CdrQuery> split(CdrQuery query, long count, int depth) {
    long from = query.fromMicros();
    long to = query.toMicros();
    long firstSecond = Math.floorDiv(from, ApiTime.MICROS_PER_SECOND) + 1;
    long lastSecond = Math.floorDiv(to - 1, ApiTime.MICROS_PER_SECOND);
    long boundaries = lastSecond - firstSecond + 1;
    if (count <= target || depth >= MAX_DEPTH || boundaries < 1) {
      return null;
    }
    int k = (int) Math.min(Math.min(MAX_SPLIT, boundaries + 1), Math.max(2, (count * 3 + 2 * target - 1) / (2 * target)));
    List<CdrQuery> parts = new ArrayList<>(k);
    long prev = from;
    for (int i = 1; i < k; i++) {
      long cut = (firstSecond + (boundaries * i) / k) * ApiTime.MICROS_PER_SECOND;
      if (cut > prev && cut < to) {
        parts.add(query.withWindow(prev, cut));
        prev = cut;
      }
    }
    parts.add(query.withWindow(prev, to));
    return parts;
  }

  /** Counts the windows, {@code concurrency} probes in flight; with pages, each probe is the window's page 0. */
  private List<Counted> count(List<CdrQuery> windows, boolean withPages) {
    List<Counted> out = new ArrayList<>(windows.size());
    List<Future<Counted>> futures = new ArrayList<>();
    int i = 0;
    try {
      while (i < windows.size() || !futures.isEmpty()) {
        while (futures.size() < concurrency && i < windows.size()) {
          CdrQuery q = windows.get(i++);
          futures.add(Fetchers.POOL.submit(() -> {
            if (!withPages) {
              return new Counted(q, probes.count(q), null);
            }
            CdrPage p = probes.firstPage(q);
            return new Counted(q, p.totalCount(), p);
          }));
        }
        out.add(futures.remove(0).get());
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

  /** Joins neighbouring windows while together they stay within the target (a window left alone keeps its probed page 0). */
  private List<Slice> merge(List<Counted> windows) {
    List<Slice> out = new ArrayList<>();
    Counted acc = null;
    for (Counted w : windows) {
      if (acc != null && acc.count + w.count <= target && acc.query.toMicros() == w.query.fromMicros()
          && w.query.toMicros() - acc.query.fromMicros() <= CdrQuery.MAX_RANGE_MICROS) {
        acc = new Counted(acc.query.withWindow(acc.query.fromMicros(), w.query.toMicros()), acc.count + w.count, null);
      } else {
        if (acc != null) {
          out.add(new Slice(acc.query, acc.count, acc.page));
        }
        acc = w;
      }
    }
    if (acc != null) {
      out.add(new Slice(acc.query, acc.count, acc.page));
    }
    return out;
  }
}
