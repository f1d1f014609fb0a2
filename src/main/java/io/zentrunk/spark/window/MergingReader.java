package io.zentrunk.spark.window;

import io.zentrunk.spark.client.ZentrunkException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads several readers at once, each on its own thread, and hands out their records as they come: what one task
 * does with the slices of several accounts, each under its own budget, so that no account's budget idles while the
 * task waits on another's. Every record of every reader is handed out exactly once, and each reader's records in its
 * own order ({@link #source()} tells whose a record is); each reader keeps its own completeness check.
 *
 * <p>Why threads: a reader blocks on its next page in offset order; taking the readers in turns would wait on the
 * slowest account's budget while the others' pages sat ready. A bounded queue between the readers and the task keeps
 * memory bounded (a reader that is ahead waits). The first failure of any reader fails this one with that exception,
 * after the others are stopped; closing stops them all (their requests in flight are cancelled).
 */
public final class MergingReader implements Iterator<Object[]>, AutoCloseable {

  /** A reader of records ({@link WindowReader}, {@link SplittingReader}). */
  public interface Source extends Iterator<Object[]>, AutoCloseable {
    @Override
    void close();
  }

  /** Records waiting for the task: enough for a few pages of each reader. */
  static final int QUEUE = 1_024;

  private record Item(int source, Object[] record, Throwable failure) {}

  private final List<? extends Source> sources;
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE);
  private final List<Future<?>> producers = new ArrayList<>();
  /** Per reader: whether a thread (its producer, or {@link #close()}) has taken it to read or to close. */
  private final List<AtomicBoolean> owned = new ArrayList<>();
  private int ended;
  private Item next;
  private int current = -1;
  private boolean started;
  private boolean done;
  private volatile boolean closed;

  public MergingReader(List<? extends Source> sources) {
    if (sources.isEmpty()) {
      // the code builds the list (a partition's slices): a guard, not a message for users
      throw new IllegalStateException("no reader to merge");
    }
    this.sources = List.copyOf(sources);
    sources.forEach(x -> owned.add(new AtomicBoolean()));
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("merged reader is closed");
    }
    if (next != null) {
      return true;
    }
    if (done) {
      return false;
    }
    if (!started) {
      started = true;
      for (int i = 0; i < sources.size(); i++) {
        int source = i;
        producers.add(Fetchers.POOL.submit(() -> produce(source)));
      }
    }
    while (true) {
      Item item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new ZentrunkException("interrupted while reading", e);
      }
      if (item.failure() != null) {
        close();
        done = true;
        if (item.failure() instanceof RuntimeException r) {
          throw r;
        }
        if (item.failure() instanceof Error e) {
          throw e;
        }
        throw new IllegalStateException(item.failure()); // a reader's iterator throws no checked exception
      }
      if (item.record() == null) {
        if (++ended == sources.size()) {
          done = true;
          return false;
        }
        continue;
      }
      next = item;
      return true;
    }
  }

  @Override
  public Object[] next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    current = next.source();
    Object[] r = next.record();
    next = null;
    return r;
  }

  /** The index (in the list given) of the reader whose record {@link #next()} returned last. */
  public int source() {
    return current;
  }

  /** On its own thread: every record of one reader, then its end (or its failure); closes it in any case. */
  private void produce(int i) {
    if (!owned.get(i).compareAndSet(false, true)) {
      return; // closed before this thread started: close() closed the reader
    }
    Source s = sources.get(i);
    try {
      while (!closed && s.hasNext()) {
        queue.put(new Item(i, s.next(), null));
      }
      if (!closed) {
        queue.put(new Item(i, null, null));
      }
    } catch (InterruptedException e) {
      // closed: nobody takes more
    } catch (Throwable t) {
      if (!closed) {
        try {
          queue.put(new Item(i, null, t));
        } catch (InterruptedException e) {
          // closed meanwhile
        }
      }
    } finally {
      s.close();
    }
  }

  /** Stops every reader (cancelling their requests in flight). Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      for (Future<?> f : producers) {
        f.cancel(true);
      }
      // a reader whose thread never started (or never will) is closed here; the others by their threads
      for (int i = 0; i < sources.size(); i++) {
        if (owned.get(i).compareAndSet(false, true)) {
          sources.get(i).close();
        }
      }
      queue.clear();
    }
  }
}
