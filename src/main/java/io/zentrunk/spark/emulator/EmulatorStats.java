package io.zentrunk.spark.emulator;

import java.util.Map;

/**
 * A snapshot of the emulator's counters since start or the last reset. Admin paths
 * ({@code /_emulator/...}) are not counted.
 *
 * @param requests every API request received (any status, including faulted ones)
 * @param byStatus responses sent per HTTP status (a truncated body counts under 200; resets and
 *     stalls send no status and are not in this map)
 * @param listRequests list-call requests received (any outcome)
 * @param getRequests get-one-call requests received (any outcome)
 * @param rowsServed CDRs sent in complete 200 responses
 * @param peakRequestsPer5s the most requests received in any sliding 5-second window
 * @param faultsInjected faults of any kind injected
 * @param rateLimited 429 answers
 * @param connectionResets connections reset on purpose
 * @param truncatedBodies bodies cut short on purpose
 * @param stalls requests never answered on purpose
 * @param connections TCP connections accepted
 * @param insightsRequests Insights requests received (any outcome; counted in neither listRequests nor getRequests)
 */
public record EmulatorStats(
    long requests,
    Map<Integer, Long> byStatus,
    long listRequests,
    long getRequests,
    long rowsServed,
    int peakRequestsPer5s,
    long faultsInjected,
    long rateLimited,
    long connectionResets,
    long truncatedBodies,
    long stalls,
    long connections,
    long insightsRequests) {

  /** Responses with this status (0 when none). */
  public long status(int code) {
    return byStatus.getOrDefault(code, 0L);
  }

  String toJson() {
    StringBuilder sb = new StringBuilder("{");
    sb.append("\"requests\":").append(requests)
        .append(",\"by_status\":{");
    boolean first = true;
    for (Map.Entry<Integer, Long> e : byStatus.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append('"').append(e.getKey()).append("\":").append(e.getValue());
    }
    sb.append("},\"list_requests\":").append(listRequests)
        .append(",\"get_requests\":").append(getRequests)
        .append(",\"rows_served\":").append(rowsServed)
        .append(",\"peak_requests_per_5s\":").append(peakRequestsPer5s)
        .append(",\"faults_injected\":").append(faultsInjected)
        .append(",\"rate_limited\":").append(rateLimited)
        .append(",\"connection_resets\":").append(connectionResets)
        .append(",\"truncated_bodies\":").append(truncatedBodies)
        .append(",\"stalls\":").append(stalls)
        .append(",\"connections\":").append(connections)
        .append(",\"insights_requests\":").append(insightsRequests)
        .append('}');
    return sb.toString();
  }
}
