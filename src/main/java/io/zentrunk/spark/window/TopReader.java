package io.zentrunk.spark.window;

import io.zentrunk.spark.client.CdrPage;
import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ZentrunkApiException;
import io.zentrunk.spark.client.ZentrunkClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code n} newest or oldest records of one query, for {@code ORDER BY end_time [DESC|ASC]
 * LIMIT n}. The API serves newest first, so the newest {@code n} are pages 0.. of the query:
 * {@code ceil(n/20)} requests. The oldest {@code n} are the last {@code n} offsets: page 0
 * tells {@code total_count} (and is the whole answer when the query holds at most 20), then
 * the pages from offset {@code total - n}: about {@code ceil(n/20) + 1} requests.
 *
 * <p>Records with the same {@code end_time} at the cut: the API's order among them is its
 * own; any of them completes a correct answer (Spark's sort gives no order among equal keys),
 * and Spark sorts the result again. A query whose {@code total_count} changes between the
 * pages (records arriving) is read again, at most {@code maxRereads} times.
 */
public final class TopReader {
  private static final int PAGE = 20;

  private TopReader() {}

  public static List<Object[]> read(ZentrunkClient client, CdrQuery query, int n, boolean newest, boolean[] wanted,
      int maxRereads) {
    for (int pass = 0; ; pass++) {
      List<Object[]> out = new ArrayList<>(Math.min(n, 10_000));
      CdrPage first = client.page(query, 0, newest ? Math.min(PAGE, Math.max(1, n)) : PAGE, wanted);
      long total = first.totalCount();
      boolean stable = true;
      if (newest) {
        addUpTo(out, first.records(), n);
        for (int offset = first.records().size(); out.size() < n && offset < total && stable; offset += PAGE) {
          CdrPage p = client.page(query, offset, (int) Math.min(PAGE, n - out.size()), wanted);
          stable = p.totalCount() == total;
          addUpTo(out, p.records(), n);
        }
      } else if (total <= PAGE) {
        List<Object[]> all = first.records();
        out.addAll(all.subList(Math.max(0, all.size() - n), all.size()));
      } else {
        long start = Math.max(0, total - n);
        for (long offset = start; offset < total && stable; offset += PAGE) {
          CdrPage p = client.page(query, (int) offset, (int) Math.min(PAGE, total - offset), wanted);
          stable = p.totalCount() == total;
          out.addAll(p.records());
        }
      }
      if (stable) {
        return out;
      }
      if (pass >= maxRereads) {
        throw new ZentrunkApiException(200, null, "top " + n + " of " + query + ": total_count kept changing while reading "
            + "(records still arriving?); raise max_rereads or read a window that ends earlier", false);
      }
    }
  }

  private static void addUpTo(List<Object[]> out, List<Object[]> records, int n) {
    for (Object[] r : records) {
      if (out.size() >= n) {
        return;
      }
      out.add(r);
    }
  }
}
