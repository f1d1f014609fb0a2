package io.zentrunk.spark.source;

import io.zentrunk.spark.window.GroupCounter;
import io.zentrunk.spark.window.WindowReader;
import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/** Readers of a grouped count: probed groups as they are, then the rows of the other windows with a count of 1 each. */
final class GroupReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  private final ReadConf conf;
  private final GroupPushdown grouping;

  GroupReaderFactory(ReadConf conf, GroupPushdown grouping) {
    this.conf = conf;
    this.grouping = grouping;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    return new Reader(conf, grouping, (GroupPartition) partition);
  }

  static final class Reader extends MeteredReader {
    private final ReadConf conf;
    private final GroupPushdown grouping;
    private final Iterator<Object[]> probed;
    private final Iterator<GroupCounter.RowWindow> windows;
    private final int account;
    private WindowReader current;
    private boolean closed;

    Reader(ReadConf conf, GroupPushdown grouping, GroupPartition p) {
      this.conf = conf;
      this.grouping = grouping;
      this.probed = p.probedRows.iterator();
      this.windows = p.windows.iterator();
      this.account = p.account;
    }

    @Override
    public boolean next() {
      if (closed) {
        throw new IllegalStateException("reader is closed");
      }
      if (probed.hasNext()) {
        row = new GenericInternalRow(probed.next().clone());
        return true;
      }
      while (true) {
        if (current != null && current.hasNext()) {
          row = new GenericInternalRow(grouping.fromRecord(current.next()));
          return true;
        }
        if (current != null) {
          current.close();
          current = null;
        }
        if (!windows.hasNext()) {
          return false;
        }
        GroupCounter.RowWindow w = windows.next();
        WindowReader.Builder b = conf.windowReader(w.query(), grouping.wanted(), stats, account);
        if (w.firstPage() != null) {
          b.firstPage(w.firstPage());
        }
        current = b.build();
      }
    }

    @Override
    public void close() {
      closed = true;
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }
}
