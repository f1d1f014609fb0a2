package io.zentrunk.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.testing.TestSpark;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.junit.jupiter.api.Test;

class JobCommandTest {

  @Test
  void timeArgumentsTakeTheOneGrammarAndNameTheOption() {
    assertThat(JobCommand.parseUtc("2026-11-01", "--start")).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(JobCommand.parseUtc("2026-11-01 10:15", "--start")).isEqualTo(Instant.parse("2026-11-01T10:15:00Z"));
    assertThat(JobCommand.parseUtc("2026-11-01 10:15:30", "--start")).isEqualTo(Instant.parse("2026-11-01T10:15:30Z"));
    assertThat(JobCommand.parseUtc("2026-11-01T10:15:30Z", "--start")).isEqualTo(Instant.parse("2026-11-01T10:15:30Z"));
    assertThat(JobCommand.parseUtc("2026-11-01T10:15:30+02:00", "--start")).isEqualTo(Instant.parse("2026-11-01T08:15:30Z"));
    assertThatThrownBy(() -> JobCommand.parseUtc("2026-13-01", "--end"))
        .isInstanceOf(UsageException.class).hasMessageStartingWith("--end: cannot read '2026-13-01'");
  }

  /**
   * Spark resolves a catalog through the thread's active session's settings (SQLConf.get), and a thread without
   * one gets Spark's defaults: a job run from such a thread (a scheduler's) registered the lake's catalog on its
   * session and then could not find it. The job's session is its thread's active session.
   */
  @Test
  void theJobsSessionIsItsThreadsActiveSessionSoWhatItSetsIsWhatSparkResolves() throws Exception {
    SparkSession shared = TestSpark.session();
    boolean hadMax = shared.conf().contains(JobCommand.MAX_TO_STRING_FIELDS);
    String seen = CompletableFuture.supplyAsync(() -> {
      SparkSession.clearActiveSession(); // as a thread that never had one
      SparkSession spark = JobCommand.session("JobCommandTest");
      spark.conf().set("spark.zentrunk.test.probe", "the job's");
      try {
        return SQLConf.get().getConfString("spark.zentrunk.test.probe", "Spark's defaults");
      } finally {
        spark.conf().unset("spark.zentrunk.test.probe");
        if (!hadMax) {
          spark.conf().unset(JobCommand.MAX_TO_STRING_FIELDS);
        }
      }
    }).get(2, TimeUnit.MINUTES);
    assertThat(seen).isEqualTo("the job's");
  }
}
