package io.zentrunk.spark.report;

import java.util.Objects;

/**
 * What a report run takes besides its CDRs: the trunk limits and grade of service of the sizing, the Wangiri
 * rule, and where the data came from.
 */
public record ReportSettings(TrunkSizing.Limits limits, Wangiri.Rule wangiri, ReportSource source) {

  public ReportSettings {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(wangiri, "wangiri");
    Objects.requireNonNull(source, "source");
  }

  /** The defaults of every option, for CDRs whose source is not stated. */
  public static ReportSettings defaults(ReportJob.Input in) {
    return new ReportSettings(TrunkSizing.Limits.defaults(), Wangiri.Rule.defaults(),
        ReportSource.unstated(in.start(), in.end()));
  }
}
