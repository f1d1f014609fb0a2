package io.zentrunk.spark.window;

import io.zentrunk.spark.client.CdrQuery;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Reads a part of a read that its task plans itself ({@link WindowPlanner#planLeaves}): on the
 * first {@link #hasNext()} it counts and refines the part, then reads its slices one after the
 * other, each with its own {@link WindowReader} (which starts from the slice's probed page 0 and
 * checks that slice's completeness on its own). Slices are disjoint windows, so no record comes
 * twice across them. Spark plans partitions once, so the task reads every slice of its part.
 */
public final class SplittingReader implements MergingReader.Source {

  private final WindowPlanner planner;
  private final CdrQuery part;
  private final Function<WindowPlanner.Slice, WindowReader> open;
  private Iterator<WindowPlanner.Slice> slices;
  private WindowReader current;
  private int planned = -1;
  private boolean closed;

  /** {@code open} makes the reader of one slice (the read's columns, concurrency, rereads and stats). */
  public SplittingReader(WindowPlanner planner, CdrQuery part,
      Function<WindowPlanner.Slice, WindowReader> open) {
    this.planner = planner;
    this.part = part;
    this.open = open;
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("reader of " + part + " is closed");
    }
    while (current == null || !current.hasNext()) {
      if (current != null) {
        current.close();
        current = null;
      }
      if (slices == null) {
        List<WindowPlanner.Slice> plan = planner.planLeaves(part);
        planned = plan.size();
        slices = plan.iterator();
      }
      if (!slices.hasNext()) {
        return false;
      }
      current = open.apply(slices.next());
    }
    return true;
  }

  @Override
  public Object[] next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }

  /** Slices the task planned in its part; -1 before the first {@link #hasNext()}. */
  public int slicesPlanned() {
    return planned;
  }

  /** Cancels requests in flight. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (current != null) {
        current.close();
      }
    }
  }
}
