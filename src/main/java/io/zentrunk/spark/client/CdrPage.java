package io.zentrunk.spark.client;

import java.util.List;

/**
 * One page of the list-calls API.
 *
 * @param apiId the API's id of the request that returned the page (for error reports)
 * @param limit the page size the API applied
 * @param offset the offset the API applied
 * @param totalCount the number of records matching the query when the page was served
 * @param records decoded records, values indexed by {@link CdrField#ordinal()}
 */
public record CdrPage(String apiId, int limit, int offset, long totalCount, List<Object[]> records)
    implements java.io.Serializable {}
