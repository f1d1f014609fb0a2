package io.zentrunk.spark.source;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A stream from the emulator into Parquet files or an Iceberg path table with Trigger.AvailableNow, in a JVM of
 * its own, for StreamIT's kill test: args SINK OUT CHECKPOINT API_URL AUTH_ID AUTH_TOKEN START MAX_REQUESTS.
 * Prints "done" when the query ended by itself.
 */
public final class StreamToSink {
  private StreamToSink() {}

  public static void main(String[] args) throws Exception {
    String sink = args[0];
    String out = args[1];
    String checkpoint = args[2];
    SparkSession spark = StreamIT.session("StreamToSink");
    Map<String, String> o = new HashMap<>();
    o.put("api_url", args[3]);
    o.put("auth_id", args[4]);
    o.put("auth_token", args[5]);
    o.put("start", args[6]);
    o.put("max_requests_per_trigger", args[7]);
    o.put("lag", "2 minutes");
    o.put("request_budget", "100000");
    var writer = spark.readStream().format("zentrunk").options(o).load()
        .writeStream().format(sink).option("checkpointLocation", checkpoint).trigger(Trigger.AvailableNow());
    StreamingQuery q = sink.equals("iceberg") ? writer.option("fanout-enabled", "true").start(out) : writer.start(out);
    q.awaitTermination();
    System.out.println("done");
    spark.stop();
  }
}
