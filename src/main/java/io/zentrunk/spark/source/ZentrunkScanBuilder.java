package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.connector.expressions.aggregate.Aggregation;
import org.apache.spark.sql.connector.expressions.aggregate.Count;
import org.apache.spark.sql.connector.expressions.aggregate.CountStar;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownAggregates;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownLimit;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.connector.read.SupportsPushDownTopN;
import org.apache.spark.sql.connector.expressions.SortDirection;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.IsNotNull;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Collects what Spark pushes (filters, columns, LIMIT, top-N on end_time, COUNT(*) with or
 * without GROUP BY) and fixes the read window.
 */
final class ZentrunkScanBuilder implements ScanBuilder, SupportsPushDownFilters, SupportsPushDownRequiredColumns,
    SupportsPushDownLimit, SupportsPushDownTopN, SupportsPushDownAggregates {

  /** The read's conf; narrowed to the accounts a pushed {@code account_id = / IN} predicate leaves. */
  private ReadConf conf;
  private final FilterPushdown pushdown;
  private Filter[] pushedFilters = new Filter[0];
  private StructType schema = CdrSchema.SCHEMA;
  private OptionalLong limit = OptionalLong.empty();
  private boolean countOnly;
  private GroupPushdown grouping;
  private Boolean topNewest;

  ZentrunkScanBuilder(ReadConf conf) {
    this.conf = conf;
    this.pushdown = new FilterPushdown(conf.request);
  }

  @Override
  public Filter[] pushFilters(Filter[] filters) {
    if (!conf.pushdownFilters) {
      return filters;
    }
    List<Filter> pushed = new ArrayList<>();
    List<Filter> postScan = new ArrayList<>();
    Set<String> exactlyFiltered = new HashSet<>();
    for (Filter f : filters) {
      if (f instanceof IsNotNull) {
        continue;
      }
      ReadConf narrowed = accountsOf(f);
      if (narrowed != null) {
        conf = narrowed;
        pushed.add(f);
        exactlyFiltered.add(CdrSchema.ACCOUNT_ID);
        continue;
      }
      switch (pushdown.push(f)) {
        case FULL -> {
          pushed.add(f);
          exactlyFiltered.addAll(Arrays.asList(f.references()));
        }
        case PARTIAL -> {
          pushed.add(f);
          postScan.add(f);
        }
        case NONE -> postScan.add(f);
      }
    }
    // Spark infers IsNotNull(x) from x = v; the API's filter on x already returns only records
    // whose x is set, and call_uuid and end_time are never null. Keeping such a filter with
    // Spark would needlessly stop COUNT(*) and LIMIT from being pushed.
    for (Filter f : filters) {
      if (f instanceof IsNotNull n) {
        CdrField field = CdrField.byJsonName(n.attribute());
        if (exactlyFiltered.contains(n.attribute()) || (field != null && !field.nullable())
            || n.attribute().equals(CdrSchema.ACCOUNT_ID)) {
          pushed.add(f);
        } else {
          postScan.add(f);
        }
      }
    }
    pushedFilters = pushed.toArray(new Filter[0]);
    return postScan.toArray(new Filter[0]);
  }

  /**
   * The conf reading only the accounts {@code account_id = 'X'} or {@code account_id IN (...)} keeps, or null when
   * {@code f} is no such predicate or keeps none of them (Spark then filters the rows, which are none).
   */
  private ReadConf accountsOf(Filter f) {
    java.util.Set<Object> values;
    if (f instanceof org.apache.spark.sql.sources.EqualTo eq && eq.attribute().equals(CdrSchema.ACCOUNT_ID)) {
      values = java.util.Set.of(eq.value());
    } else if (f instanceof org.apache.spark.sql.sources.In in && in.attribute().equals(CdrSchema.ACCOUNT_ID)) {
      values = new java.util.HashSet<>(Arrays.asList(in.values()));
    } else {
      return null;
    }
    List<io.zentrunk.spark.client.ClientConfig> kept = conf.accounts.stream()
        .filter(c -> values.contains(c.authId())).toList();
    return kept.isEmpty() ? null : conf.withAccounts(kept);
  }

  @Override
  public Filter[] pushedFilters() {
    return pushedFilters;
  }

  @Override
  public void pruneColumns(StructType required) {
    if (!countOnly && grouping == null) {
      schema = required;
    }
  }

  @Override
  public boolean pushLimit(int n) {
    if (!conf.pushdownLimit) {
      return false;
    }
    limit = OptionalLong.of(limit.isPresent() ? Math.min(limit.getAsLong(), n) : n);
    return true;
  }

  /**
   * {@code ORDER BY end_time DESC|ASC LIMIT n}: the newest n are the API's first pages, the
   * oldest n its last offsets ({@link io.zentrunk.spark.window.TopReader}). Partially pushed:
   * each query of the scan yields its own top n and Spark sorts and cuts them again.
   */
  @Override
  public boolean pushTopN(SortOrder[] orders, int n) {
    if (!conf.pushdownLimit || orders.length != 1 || !(orders[0].expression() instanceof NamedReference ref)
        || ref.fieldNames().length != 1 || !ref.fieldNames()[0].equals(CdrField.END_TIME.jsonName())) {
      return false;
    }
    limit = OptionalLong.of(limit.isPresent() ? Math.min(limit.getAsLong(), n) : n);
    topNewest = orders[0].direction() == SortDirection.DESCENDING;
    return true;
  }

  @Override
  public boolean isPartiallyPushed() {
    return true;
  }

  @Override
  public boolean pushAggregation(Aggregation aggregation) {
    if (!conf.pushdownAggregate || aggregation.aggregateExpressions().length != 1) {
      return false;
    }
    if (aggregation.groupByExpressions().length != 0) {
      if (!conf.pushdownGroupCount || !isCountAll(aggregation.aggregateExpressions()[0])) {
        return false;
      }
      grouping = GroupPushdown.of(aggregation.groupByExpressions(), SQLConf.get().sessionLocalTimeZone());
      if (grouping == null) {
        return false;
      }
      schema = grouping.schema();
      return true;
    }
    if (!isCountAll(aggregation.aggregateExpressions()[0])) {
      return false;
    }
    countOnly = true;
    schema = new StructType().add("count", DataTypes.LongType, false);
    return true;
  }

  private static boolean isCountAll(AggregateFunc f) {
    return f instanceof CountStar
        || (f instanceof Count c && !c.isDistinct() && c.column() instanceof NamedReference ref
            && ref.fieldNames().length == 1 && isNonNullColumn(ref.fieldNames()[0]));
  }

  private static boolean isNonNullColumn(String name) {
    return name.equals(CdrField.CALL_UUID.jsonName()) || name.equals(CdrField.END_TIME.jsonName());
  }

  @Override
  public boolean supportCompletePushDown(Aggregation aggregation) {
    // One partial count per query (window of at most 90 days, IN-list value), or per group and
    // per record read as a row: Spark adds them up.
    return false;
  }

  @Override
  public Scan build() {
    java.util.TreeMap<String, List<String>> inLists = new java.util.TreeMap<>();
    ReadRequest request = pushdown.requestWithInLists(inLists).resolve(conf.now(), conf.clampToRetention);
    ScanSpec spec = new ScanSpec(request, limit, countOnly, List.copyOf(pushdown.pushed), inLists, topNewest);
    if (grouping != null) {
      return new ZentrunkGroupScan(conf, spec, grouping);
    }
    return new ZentrunkScan(conf, spec, schema);
  }
}
