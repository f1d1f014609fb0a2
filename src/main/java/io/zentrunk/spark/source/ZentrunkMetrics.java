package io.zentrunk.spark.source;

import io.zentrunk.spark.client.ReadStats;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/** The source's metrics in the Spark UI (SQL tab): what a read cost against the API. */
public final class ZentrunkMetrics {
  private ZentrunkMetrics() {}

  static CustomMetric[] supported() {
    return new CustomMetric[] {
      new Requests(), new Retries(), new Throttled(), new BudgetWaitMs(), new Pages(), new Rows(), new Rereads(), new PlanningRequests(), new CountProbes()
    };
  }

  static CustomTaskMetric[] values(ReadStats s) {
    return new CustomTaskMetric[] {
      task("requests", s.requests.sum()),
      task("retries", s.retries.sum()),
      task("throttled", s.throttled.sum()),
      task("budgetWaitMs", s.budgetWaitNanos.sum() / 1_000_000L),
      task("pages", s.pages.sum()),
      task("rows", s.rows.sum()),
      task("rereads", s.rereads.sum())
    };
  }

  static CustomTaskMetric task(String name, long value) {
    return new CustomTaskMetric() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long value() {
        return value;
      }
    };
  }

  public static final class Requests extends CustomSumMetric {
    @Override public String name() { return "requests"; }
    @Override public String description() { return "API requests"; }
  }

  public static final class Retries extends CustomSumMetric {
    @Override public String name() { return "retries"; }
    @Override public String description() { return "API retries"; }
  }

  public static final class Throttled extends CustomSumMetric {
    @Override public String name() { return "throttled"; }
    @Override public String description() { return "API 429 answers"; }
  }

  public static final class BudgetWaitMs extends CustomSumMetric {
    @Override public String name() { return "budgetWaitMs"; }
    @Override public String description() { return "time waiting for the request budget (ms)"; }
  }

  public static final class Pages extends CustomSumMetric {
    @Override public String name() { return "pages"; }
    @Override public String description() { return "API pages"; }
  }

  public static final class Rows extends CustomSumMetric {
    @Override public String name() { return "rows"; }
    @Override public String description() { return "CDRs read"; }
  }

  public static final class Rereads extends CustomSumMetric {
    @Override public String name() { return "rereads"; }
    @Override public String description() { return "windows read again (changed while read)"; }
  }

  public static final class PlanningRequests extends CustomSumMetric {
    @Override public String name() { return "planningRequests"; }
    @Override public String description() { return "API requests while planning (driver)"; }
  }

  public static final class CountProbes extends CustomSumMetric {
    @Override public String name() { return "countProbes"; }
    @Override public String description() { return "count probes answering GROUP BY (driver)"; }
  }
}
