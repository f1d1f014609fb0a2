package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrQuery;
import io.zentrunk.spark.client.ReadStats;
import io.zentrunk.spark.client.ZentrunkApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Before a read of several accounts plans or reads anything, each account answers one count request of one record
 * (in parallel, each under its own budget), so that a wrong or revoked token fails the whole read on the driver,
 * naming the account, before any task runs and so before any account's rows are written anywhere. A read of one
 * account needs no such request: its first request fails the same way.
 */
final class AccountCheck {
  private AccountCheck() {}

  static void run(ReadConf conf, CdrQuery query, ReadStats stats) {
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    for (int a = 0; a < conf.accounts.size(); a++) {
      int account = a;
      checks.add(CompletableFuture.runAsync(() -> check(conf, account, query, stats)));
    }
    for (CompletableFuture<Void> c : checks) {
      try {
        c.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw e;
      }
    }
  }

  private static void check(ReadConf conf, int account, CdrQuery query, ReadStats stats) {
    String id = conf.accountId(account);
    try {
      conf.newClient(stats, account).count(query);
    } catch (ZentrunkApiException e) {
      if (e.status() == 401 || e.status() == 403) {
        throw new ZentrunkApiException(e.status(), e.apiId(), "the API refused the token of account " + id + " ("
            + e.status() + "): check " + ReadOptions.ENV_AUTH_TOKEN_PREFIX + id + " or its line in "
            + ReadOptions.CREDENTIALS_FILE.key() + "; no account of the read was read", false);
      }
      throw e;
    }
  }
}
