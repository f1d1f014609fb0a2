package io.zentrunk.spark.window;

import io.zentrunk.spark.client.CdrPage;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ZentrunkApiException;
import io.zentrunk.spark.client.ZentrunkClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Answers {@code GROUP BY ... COUNT(*)} from {@code total_count} probes instead of rows.
 *
 * <p>Hierarchical with pruning: each root window is probed first, then split along the first
 * dimension (its days or hours, or the documented values of an API filter), then only the
 * non-empty children are split along the next one, and so on. One level's probes run
 * concurrently ({@code concurrency} in flight), all under the client's request budget.
 *
 * <p>Exactness first: a window whose children do not add up to its own {@code total_count}
 * (a value no document lists, or records arriving between probes) is not trusted; its rows
 * are read instead and grouped by Spark. So every group count reported is backed by a
 * request whose filters are exactly that group, or by rows.
 *
 * <p>Cost model, per window: splitting costs one probe per child; reading the window costs
 * its remaining pages ({@code ceil(count/20) - 1}, the probe already holds page 0). A window
 * is split only when that is cheaper; a window of at most 20 records is already whole in its
 * probe and costs nothing more. The total never exceeds reading the windows whose rows are
 * read, plus the probes that saved more than they cost.
 */
public final class GroupCounter {

  static final int PAGE = 20;

  /** A group whose count a probe backs: one key component per dimension (Long bucket start for time, String value for filters). */
  public record Group(List<Object> key, long count) implements java.io.Serializable {}

  /** A window whose rows must be read (and grouped by Spark); {@code firstPage} is its probe (page 0, 20 records). */
  public record RowWindow(CdrQuery query, long count, CdrPage firstPage) implements java.io.Serializable {
    /** Whether the probe already holds every record of the window. */
    public boolean whole() {
      return firstPage != null && firstPage.records().size() == count && count <= PAGE;
    }

    /** Requests still needed to read it. */
    public long remainingPages() {
      return whole() ? 0 : Math.max(0, (count + PAGE - 1) / PAGE - 1);
    }
  }

  /**
   * What the counter found.
   *
   * @param total the records of the root windows (their probes)
   * @param readAllPages the requests reading every row of the roots would cost (the other path)
   * @param unexplained windows whose children did not add up (read as rows for exactness)
   */
  public record Result(List<Group> groups, List<RowWindow> rows, long total, long readAllPages, long probes, int unexplained) {
    /** Requests the probes and the rows path cost together. */
    public long requests() {
      return probes + rowRequests();
    }

    public long rowRequests() {
      return rows.stream().mapToLong(RowWindow::remainingPages).sum();
    }

    /** Records read as rows (whole in their probes or read page by page). */
    public long rowRecords() {
      return rows.stream().mapToLong(RowWindow::count).sum();
    }
  }

  private record Node(CdrQuery query, List<Object> key, CdrPage probe) {
    long count() {
      return probe.totalCount();
    }
  }

  private final ZentrunkClient client;
  private final int concurrency;
  private final boolean[] wanted;

  /** @param wanted the fields the probes decode (those the rows path groups by), by ordinal; null for all */
  public GroupCounter(ZentrunkClient client, int concurrency, boolean[] wanted) {
    this.client = client;
    this.concurrency = Math.max(1, concurrency);
    this.wanted = wanted;
  }

  /** Counts the groups of {@code roots} (disjoint windows and filter sets) along {@code dims}, in that order. */
  public Result count(List<CdrQuery> roots, List<GroupDim> dims) {
    List<CdrPage> rootPages = probeAll(roots);
    long probes = roots.size();
    long total = 0;
    long readAll = 0;
    List<Node> frontier = new ArrayList<>();
    for (int i = 0; i < roots.size(); i++) {
      total += rootPages.get(i).totalCount();
      readAll += Math.max(1, (rootPages.get(i).totalCount() + PAGE - 1) / PAGE);
      frontier.add(new Node(roots.get(i), List.of(), rootPages.get(i)));
    }
    List<RowWindow> rows = new ArrayList<>();
    int unexplained = 0;
    for (GroupDim dim : dims) {
      Level level = new Level(dim, rows);
      for (Node n : frontier) {
        level.place(n);
      }
      List<CdrPage> pages = probeAll(level.toProbe);
      probes += level.toProbe.size();
      unexplained += level.settle(pages);
      frontier = level.next;
    }
    List<Group> groups = new ArrayList<>();
    for (Node n : frontier) {
      if (n.count() > 0) {
        groups.add(new Group(n.key, n.count()));
      }
    }
    return new Result(groups, rows, total, readAll, probes, unexplained);
  }

  /**
   * One level of the descent, along one dimension: each window of the frontier is dropped (empty), read as rows
   * (whole, or cheaper than probing its children), carried down as it is (already one value or one bucket of
   * this dimension), or split into children to probe; once the children are counted, a window whose children
   * do not add up to its own count is read as rows instead.
   */
  private static final class Level {
    private final GroupDim dim;
    private final List<RowWindow> rows;
    private final List<Node> parents = new ArrayList<>();
    private final List<List<CdrQuery>> childQueries = new ArrayList<>();
    private final List<List<Object>> childKeys = new ArrayList<>();
    final List<CdrQuery> toProbe = new ArrayList<>();
    final List<Node> next = new ArrayList<>();

    Level(GroupDim dim, List<RowWindow> rows) {
      this.dim = dim;
      this.rows = rows;
    }

    void place(Node n) {
      if (n.count() == 0) {
        return;
      }
      RowWindow asRows = new RowWindow(n.query, n.count(), n.probe);
      if (asRows.whole()) {
        rows.add(asRows);
        return;
      }
      if (dim instanceof GroupDim.Values v && n.query.filters().containsKey(v.param())) {
        // the window is already filtered by this column: one child, the window itself
        next.add(new Node(n.query, append(n.key, n.query.filters().get(v.param())), n.probe));
        return;
      }
      List<CdrQuery> qs = new ArrayList<>();
      List<Object> ks = new ArrayList<>();
      split(n.query, dim, qs, ks);
      if (qs.size() == 1 && dim instanceof GroupDim.TimeBuckets) {
        // the window lies within one bucket: its own count is the bucket's
        next.add(new Node(n.query, append(n.key, ks.get(0)), n.probe));
        return;
      }
      if (qs.size() >= asRows.remainingPages()) {
        rows.add(asRows);
        return;
      }
      parents.add(n);
      childQueries.add(qs);
      childKeys.add(ks);
      toProbe.addAll(qs);
    }

    /** Takes the probes' answers (in {@link #toProbe} order); returns the windows whose children did not add up. */
    int settle(List<CdrPage> pages) {
      int unexplained = 0;
      int at = 0;
      for (int p = 0; p < parents.size(); p++) {
        Node n = parents.get(p);
        List<CdrQuery> qs = childQueries.get(p);
        long sum = 0;
        List<Node> children = new ArrayList<>(qs.size());
        for (int c = 0; c < qs.size(); c++) {
          CdrPage page = pages.get(at++);
          sum += page.totalCount();
          children.add(new Node(qs.get(c), append(n.key, childKeys.get(p).get(c)), page));
        }
        if (sum == n.count()) {
          next.addAll(children);
        } else {
          unexplained++;
          rows.add(new RowWindow(n.query, n.count(), n.probe));
        }
      }
      return unexplained;
    }
  }

  private static void split(CdrQuery q, GroupDim dim, List<CdrQuery> out, List<Object> keys) {
    if (dim instanceof GroupDim.TimeBuckets t) {
      for (long b = t.bucketOf(q.fromMicros()); b < q.toMicros(); b += t.widthMicros()) {
        out.add(q.withWindow(Math.max(b, q.fromMicros()), Math.min(b + t.widthMicros(), q.toMicros())));
        keys.add(b);
      }
    } else if (dim instanceof GroupDim.Values v) {
      for (String value : v.values()) {
        Map<String, String> f = new HashMap<>(q.filters());
        f.put(v.param(), value);
        out.add(new CdrQuery(q.fromMicros(), q.toMicros(), f));
        keys.add(value);
      }
    }
  }

  private static List<Object> append(List<Object> key, Object v) {
    List<Object> k = new ArrayList<>(key.size() + 1);
    k.addAll(key);
    k.add(v);
    return k;
  }

  /** Page 0 (20 records) of each query, {@code concurrency} in flight, in the order given. */
  private List<CdrPage> probeAll(List<CdrQuery> queries) {
    List<CdrPage> out = new ArrayList<>(queries.size());
    ArrayList<Future<CdrPage>> inFlight = new ArrayList<>();
    int i = 0;
    try {
      while (i < queries.size() || !inFlight.isEmpty()) {
        while (inFlight.size() < concurrency && i < queries.size()) {
          CdrQuery q = queries.get(i++);
          inFlight.add(Fetchers.POOL.submit(() -> client.page(q, 0, PAGE, wanted)));
        }
        out.add(inFlight.remove(0).get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      inFlight.forEach(f -> f.cancel(true));
      throw new ZentrunkApiException(0, null, "interrupted while counting groups", false, null, e);
    } catch (ExecutionException e) {
      inFlight.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof ZentrunkApiException z) {
        throw z;
      }
      throw new ZentrunkApiException(0, null, "counting groups failed: " + e.getCause(), false, null, e.getCause());
    }
    return out;
  }
}
