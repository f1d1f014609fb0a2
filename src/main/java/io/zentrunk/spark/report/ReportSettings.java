package io.zentrunk.spark.report;

import java.util.Objects;

/**
 * What a report run takes besides its CDRs: the trunk limits and grade of service of the sizing, the Wangiri
 * rule, where the data came from, and the carrier rule of call quality ({@code quality} null: quality not measured).
 */
public record ReportSettings(TrunkSizing.Limits limits, Wangiri.Rule wangiri, ReportSource source,
    java.util.List<String> accounts, Quality.Rule quality) {

  public ReportSettings {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(wangiri, "wangiri");
    Objects.requireNonNull(source, "source");
    accounts = accounts == null ? java.util.List.of() : java.util.List.copyOf(accounts);
  }

  /** A report of one account (or of CDRs whose account is not stated): no dataset has an account_id column. */
  public ReportSettings(TrunkSizing.Limits limits, Wangiri.Rule wangiri, ReportSource source) {
    this(limits, wangiri, source, java.util.List.of(), null);
  }

  /**
   * A report of several accounts ({@code auth_ids}): every dataset gains {@code account_id} as its last column, each
   * account's rows computed from that account's CDRs alone, and the page and the summary have a part per account.
   * One account's report is left exactly as it was (no account_id column): the column is there only where it is
   * needed to tell the accounts apart.
   */
  public ReportSettings withAccounts(java.util.List<String> ids) {
    return new ReportSettings(limits, wangiri, source, ids, quality);
  }

  /** Whether the datasets are per account. */
  public boolean perAccount() {
    return accounts.size() > 1;
  }

  /** One account's report with the carrier rule of call quality (null: quality not measured, the default). */
  public ReportSettings(TrunkSizing.Limits limits, Wangiri.Rule wangiri, ReportSource source, Quality.Rule quality) {
    this(limits, wangiri, source, java.util.List.of(), quality);
  }

  /** The defaults of every option, for CDRs whose source is not stated. */
  public static ReportSettings defaults(ReportJob.Input in) {
    return new ReportSettings(TrunkSizing.Limits.defaults(), Wangiri.Rule.defaults(),
        ReportSource.unstated(in.start(), in.end()));
  }
}
