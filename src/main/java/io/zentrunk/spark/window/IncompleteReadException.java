package io.zentrunk.spark.window;

import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ZentrunkException;
/**
 * A window whose records could not be read exactly: the distinct {@code call_uuid}s read do not
 * match the API's {@code total_count} (records disappeared, or kept arriving past the rereads).
 * Every request succeeded; trying the same read later may succeed.
 */
public final class IncompleteReadException extends ZentrunkException {
  private static final long serialVersionUID = 1L;

  private final CdrQuery query;
  private final long distinctRead;
  private final long totalCount;

  public IncompleteReadException(CdrQuery query, long distinctRead, long totalCount, String message) {
    super(message);
    this.query = query;
    this.distinctRead = distinctRead;
    this.totalCount = totalCount;
  }

  public CdrQuery query() {
    return query;
  }

  /** Distinct call_uuids read. */
  public long distinctRead() {
    return distinctRead;
  }

  /** The API's last total_count for the window. */
  public long totalCount() {
    return totalCount;
  }
}
