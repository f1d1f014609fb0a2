package io.zentrunk.spark.storage;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;

/** Sets session (SQL) confs for the duration of one write and restores the previous values afterwards. */
public final class SessionConf implements AutoCloseable {

  private final RuntimeConfig conf;
  private final Map<String, String> previous = new LinkedHashMap<>();

  private SessionConf(SparkSession spark, Map<String, String> values) {
    this.conf = spark.conf();
    for (Map.Entry<String, String> e : values.entrySet()) {
      previous.put(e.getKey(), conf.contains(e.getKey()) ? conf.get(e.getKey()) : null);
      conf.set(e.getKey(), e.getValue());
    }
  }

  public static SessionConf set(SparkSession spark, Map<String, String> values) {
    return new SessionConf(spark, values);
  }

  @Override
  public void close() {
    previous.forEach((k, v) -> {
      if (v == null) {
        conf.unset(k);
      } else {
        conf.set(k, v);
      }
    });
  }
}
