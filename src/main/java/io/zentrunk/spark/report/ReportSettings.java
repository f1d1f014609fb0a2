package io.zentrunk.spark.report;

import java.util.Objects;

/**
 * What a report run takes besides its CDRs: the trunk limits and grade of service of the sizing, the Wangiri
 * rule, where the data came from, and the carrier rule of call quality ({@code quality} null: quality not measured).
 */
public record ReportSettings(TrunkSizing.Limits limits, Wangiri.Rule wangiri, ReportSource source, Quality.Rule quality) {

  public ReportSettings {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(wangiri, "wangiri");
    Objects.requireNonNull(source, "source");
  }

  /** Without call quality (the default: it costs an Insights request per call). */
  public ReportSettings(TrunkSizing.Limits limits, Wangiri.Rule wangiri, ReportSource source) {
    this(limits, wangiri, source, null);
  }

  /** The defaults of every option, for CDRs whose source is not stated. */
  public static ReportSettings defaults(ReportJob.Input in) {
    return new ReportSettings(TrunkSizing.Limits.defaults(), Wangiri.Rule.defaults(),
        ReportSource.unstated(in.start(), in.end()));
  }
}
