package io.zentrunk.spark.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code call_insights} table's scan builder. Which calls: the CDRs the list call selects, so a predicate on the
 * CDR columns goes to the CDRs' own scan builder (pushed into the list call's filters exactly as on the calls
 * table); a predicate on an Insights column stays with Spark. A {@code call_uuid IN (...)} or {@code call_uuid = '...'}
 * predicate, which the API cannot apply, drops the calls it does not name before their Insights request
 * ({@link CallUuidFilter}). No LIMIT or aggregate is pushed: each row costs its own
 * Insights request, which a count from total_count would not see.
 */
final class InsightsScanBuilder implements ScanBuilder, SupportsPushDownFilters, SupportsPushDownRequiredColumns {

  private final ZentrunkScanBuilder calls;
  private final ReadConf conf;
  private StructType schema = InsightsSchema.SCHEMA;
  private Filter[] pushed = new Filter[0];
  private CallUuidFilter named;

  InsightsScanBuilder(ReadConf conf) {
    this.conf = conf;
    this.calls = new ZentrunkScanBuilder(conf);
  }

  @Override
  public Filter[] pushFilters(Filter[] filters) {
    List<Filter> onCalls = new ArrayList<>();
    List<Filter> postScan = new ArrayList<>();
    for (Filter f : filters) {
      if (Arrays.stream(f.references()).allMatch(InsightsSchema::fromCdr)) {
        onCalls.add(f);
      } else {
        postScan.add(f);
      }
    }
    // call_uuid IN (...): listed anyway (the API has no such filter), but no Insights request for a call it drops
    named = CallUuidFilter.of(onCalls);
    postScan.addAll(Arrays.asList(calls.pushFilters(onCalls.toArray(new Filter[0]))));
    pushed = calls.pushedFilters();
    return postScan.toArray(new Filter[0]);
  }

  @Override
  public Filter[] pushedFilters() {
    return pushed;
  }

  @Override
  public void pruneColumns(StructType required) {
    schema = required;
  }

  @Override
  public Scan build() {
    // the CDR columns the rows need, and always call_uuid (to ask for the Insights) and end_time
    List<StructField> cdr = new ArrayList<>();
    for (StructField f : CdrSchema.SCHEMA.fields()) {
      boolean key = f.name().equals("call_uuid") || f.name().equals("end_time");
      if (key || (InsightsSchema.fromCdr(f.name()) && Arrays.asList(schema.fieldNames()).contains(f.name()))) {
        cdr.add(f);
      }
    }
    calls.pruneColumns(new StructType(cdr.toArray(new StructField[0])));
    ZentrunkScan callScan = (ZentrunkScan) calls.build();
    return new InsightsScan(callScan, schema, named);
  }

  @Override
  public String toString() {
    return "InsightsScanBuilder" + conf;
  }
}
