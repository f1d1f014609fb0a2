package io.zentrunk.spark.client;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
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
public final class WindowReader implements Iterator<Object[]>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WindowReader.class);
  private static final int PAGE = 20;

  private final ZentrunkClient client;
  private final CdrQuery query;
  private final boolean[] wanted;
  private final int concurrency;
  private final long rowLimit;
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

  /**
   * @param firstPage page 0 of this very query fetched earlier (by the planner) or null
   * @param rowLimit stop after this many records; negative for no limit
   */
  public WindowReader(ZentrunkClient client, CdrQuery query, boolean[] wanted, int concurrency,
      long rowLimit, int maxRereads, ReadStats stats, CdrPage firstPage) {
    this.client = client;
    this.query = query;
    this.wanted = wanted;
    this.concurrency = Math.max(1, concurrency);
    this.rowLimit = rowLimit;
    this.maxRereads = maxRereads;
    this.stats = stats;
    this.pageSize = rowLimit >= 0 && rowLimit < PAGE ? (int) Math.max(1, rowLimit) : PAGE;
    this.prefetched = firstPage;
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
      if (rowLimit >= 0 && emitted >= rowLimit) {
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
      if (rowLimit >= 0 || (!changed && seen.size() == passTotal)) {
        return finish();
      }
      if (!changed && seen.size() > passTotal) {
        throw new ZentrunkApiException(200, null, "window " + query + ": read " + seen.size()
            + " distinct call_uuids but the API reports total_count " + passTotal
            + " (records disappeared while reading); the result would not be exact", false);
      }
      if (passes > maxRereads) {
        throw new ZentrunkApiException(200, null, "window " + query + " did not settle: after " + passes
            + " passes " + seen.size() + " distinct call_uuids were read but the API now reports total_count "
            + lastTotal + " (records still arriving?); raise max_rereads or read a window that ends earlier", false);
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
    long end = rowLimit >= 0 ? Math.min(passTotal, rowLimit) : passTotal;
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
      throw new ZentrunkApiException(0, null, "interrupted while reading " + query, false, -1, e);
    } catch (ExecutionException e) {
      cancelInFlight();
      Throwable c = e.getCause();
      if (c instanceof ZentrunkApiException z) {
        throw new ZentrunkApiException(z.status(), z.apiId(), "reading " + query + ": " + z.getMessage(), false, -1, z);
      }
      throw new ZentrunkApiException(0, null, "reading " + query + ": " + c, false, -1, c);
    } catch (CancellationException e) {
      throw new ZentrunkApiException(0, null, "reading " + query + " was cancelled", false, -1, e);
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
