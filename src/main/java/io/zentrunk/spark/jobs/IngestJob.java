package io.zentrunk.spark.jobs;

import java.time.Instant;
import org.apache.spark.sql.SparkSession;

/** Ingest as a function of its inputs (lake, window, clock, reader): what {@link IngestCommand} runs. */
public final class IngestJob {

  private IngestJob() {}

  /** The arguments of one run; {@code start} and {@code end} may be null. */
  public record Args(String lake, Instant start, Instant end, int lookbackDays, boolean acceptDataLoss) {}

  public static Lake.Result run(SparkSession spark, Args args, Instant now, CdrReader reader, Progress progress) {
    Lake lake = Lake.open(spark, args.lake());
    IngestPlan plan = IngestPlanner.plan(IngestPlanner.Request.of(
        lake.state().map(LakeState::completeUntil).orElse(null), args.start(), args.end(), args.lookbackDays(),
        args.acceptDataLoss(), now));
    plan.notes().forEach(progress::line);
    Lake.Result result = lake.ingest(plan, reader, progress);
    progress.line(String.format(java.util.Locale.ROOT, "done: %,d records in %d days", result.records(),
        plan.days().size()));
    return result;
  }
}
