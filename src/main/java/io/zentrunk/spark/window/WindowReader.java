package io.zentrunk.spark.window;

import io.zentrunk.spark.client.CdrField;
import io.zentrunk.spark.client.CdrPage;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.ZentrunkApiException;
import io.zentrunk.spark.client.ZentrunkClient;
import io.zentrunk.spark.client.ZentrunkException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every record of one window exactly once, streaming.
 *
 * <p>Page 0 tells the window's {@code total_count}; the following pages are fetched with at
 * most {@code concurrency} requests in flight and handed out in offset order. Offset paging
 * is not a snapshot: a record that arrives while the window is read shifts the pages after
 * it, so a record can come twice (dropped here: {@code call_uuid}s already handed out are
 * remembered) or be skipped. So the reader verifies: a pass is complete only if every page
 * reported the same {@code total_count} and exactly that many distinct {@code call_uuid}s
 * were seen. Otherwise it reads the window again, handing out only records it has not handed
 * out yet, at most {@code maxRereads} times, and then fails loudly. Nothing is ever handed out
 * twice and a read never ends silently short.
 *
 * <p>With a row limit (a pushed-down {@code LIMIT}) it stops after that many records and does
 * not verify: any rows of the window satisfy a LIMIT without ORDER BY.
 */
public final class WindowReader implements MergingReader.Source {

  private static final Logger LOG = LoggerFactory.getLogger(WindowReader.class);
  private static final int PAGE = 20;

  private final ZentrunkClient client;
  private final CdrQuery query;
  private final boolean[] wanted;
  private final int concurrency;
  private final OptionalLong rowLimit;
  private final int maxRereads;
  private final ReadStats stats;
  private final int pageSize;

  private final Set<String> seen = new HashSet<>();
  private final ArrayDeque<Future<CdrPage>> inFlight = new ArrayDeque<>();
  private CdrPage prefetched;
  private Iterator<Object[]> buffer = List.<Object[]>of().iterator();
  private long passTotal = -1;
  private long lastTotal = -1;
  private boolean changed;
  private int nextOffset;
  private int passes;
  private boolean passOpen;
  private boolean done;
  private boolean closed;
  private long emitted;
  private Object[] next;

  private WindowReader(Builder b) {
    this.client = b.client;
    this.query = b.query;
    this.wanted = b.wanted;
    this.concurrency = b.concurrency;
    this.rowLimit = b.rowLimit;
    this.maxRereads = b.maxRereads;
    this.stats = b.stats;
    this.pageSize = rowLimit.isPresent() && rowLimit.getAsLong() < PAGE ? (int) Math.max(1, rowLimit.getAsLong()) : PAGE;
    this.prefetched = b.firstPage;
  }

  /** A reader of every record of {@code query}; the first request goes out on the first {@link #hasNext()}. */
  public static Builder over(ZentrunkClient client, CdrQuery query) {
    return new Builder(client, query);
  }

  /** The settings of one reader, each with a default. */
  public static final class Builder {
    private final ZentrunkClient client;
    private final CdrQuery query;
    private boolean[] wanted;
    private int concurrency = 1;
    private OptionalLong rowLimit = OptionalLong.empty();
    private int maxRereads = 3;
    private ReadStats stats = new ReadStats();
    private CdrPage firstPage;

    private Builder(ZentrunkClient client, CdrQuery query) {
      this.client = client;
      this.query = query;
    }

    /** The CDR fields to decode, by {@link CdrField#ordinal()}; null (the default) decodes all. */
    public Builder columns(boolean[] wanted) {
      this.wanted = wanted;
      return this;
    }

    /** Page requests in flight (default 1). */
    public Builder concurrency(int n) {
      this.concurrency = Math.max(1, n);
      return this;
    }

    /** Stop after {@code rows} records, without the completeness check (a pushed LIMIT); default: no limit. */
    public Builder limit(long rows) {
      this.rowLimit = OptionalLong.of(Math.max(0, rows));
      return this;
    }

    /** Times a window that changed while it was read is read again before the read fails (default 3). */
    public Builder maxRereads(int n) {
      this.maxRereads = n;
      return this;
    }

    /** Where to count requests, rows and rereads. */
    public Builder stats(ReadStats stats) {
      this.stats = stats;
      return this;
    }

    /** Page 0 of this very query, fetched earlier (by the planner), or null. */
    public Builder firstPage(CdrPage page) {
      this.firstPage = page;
      return this;
    }

    public WindowReader build() {
      return new WindowReader(this);
    }
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("reader of " + query + " is closed");
    }
    if (next == null && !done) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public Object[] next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Object[] r = next;
    next = null;
    return r;
  }

  private Object[] advance() {
    while (true) {
      if (rowLimit.isPresent() && emitted >= rowLimit.getAsLong()) {
        return finish();
      }
      if (buffer.hasNext()) {
        Object[] rec = buffer.next();
        if (seen.add((String) rec[CdrField.CALL_UUID.ordinal()])) {
          emitted++;
          stats.rows.increment();
          return rec;
        }
        continue;
      }
      if (!inFlight.isEmpty()) {
        take(await(inFlight.poll()));
        submit();
        continue;
      }
      if (!passOpen) {
        openPass();
        continue;
      }
      passOpen = false;
      if (rowLimit.isPresent() || (!changed && seen.size() == passTotal)) {
        return finish();
      }
      if (!changed && seen.size() > passTotal) {
        throw new IncompleteReadException(query, seen.size(), passTotal, "window " + query + ": read " + seen.size()
            + " distinct call_uuids but the API reports total_count " + passTotal
            + " (records disappeared while reading); the result would not be exact");
      }
      if (passes > maxRereads) {
        throw new IncompleteReadException(query, seen.size(), lastTotal, "window " + query + " did not settle: after " + passes
            + " passes " + seen.size() + " distinct call_uuids were read but the API now reports total_count "
            + lastTotal + " (records still arriving?); raise max_rereads or read a window that ends earlier");
      }
      stats.rereads.increment();
      LOG.warn("Window {} changed while it was read ({} distinct records, total_count now {}); reading it again ({} of {})",
          query, seen.size(), lastTotal, passes, maxRereads);
    }
  }

  private Object[] finish() {
    done = true;
    cancelInFlight();
    return null;
  }

  private void openPass() {
    passes++;
    changed = false;
    CdrPage first = prefetched != null ? prefetched : client.page(query, 0, pageSize, wanted);
    prefetched = null;
    passTotal = first.totalCount();
    lastTotal = passTotal;
    passOpen = true;
    nextOffset = pageSize;
    buffer = first.records().iterator();
    submit();
  }

  private void take(CdrPage page) {
    if (page.totalCount() != passTotal) {
      changed = true;
    }
    lastTotal = page.totalCount();
    buffer = page.records().iterator();
  }

  private void submit() {
    long end = rowLimit.isPresent() ? Math.min(passTotal, rowLimit.getAsLong()) : passTotal;
    while (inFlight.size() < concurrency && nextOffset < end) {
      int offset = nextOffset;
      nextOffset += pageSize;
      inFlight.add(Fetchers.POOL.submit(() -> client.page(query, offset, pageSize, wanted)));
    }
  }

  private CdrPage await(Future<CdrPage> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancelInFlight();
      throw new ZentrunkException("interrupted while reading " + query, e);
    } catch (ExecutionException e) {
      cancelInFlight();
      Throwable c = e.getCause();
      if (c instanceof ZentrunkApiException z) {
        throw new ZentrunkApiException(z.status(), z.apiId(), "reading " + query + ": " + z.getMessage(), false, null, z);
      }
      if (c instanceof ZentrunkException z) {
        throw new ZentrunkException("reading " + query + ": " + z.getMessage(), z);
      }
      throw new ZentrunkException("reading " + query + ": " + c, c);
    } catch (CancellationException e) {
      throw new ZentrunkException("reading " + query + " was cancelled", e);
    }
  }

  private void cancelInFlight() {
    Future<CdrPage> f;
    while ((f = inFlight.poll()) != null) {
      f.cancel(true);
    }
  }

  /** Cancels requests in flight. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cancelInFlight();
    }
  }
}
