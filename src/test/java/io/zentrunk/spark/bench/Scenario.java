package io.zentrunk.spark.bench;

/** One benchmark scenario: measures, then adds its figures to the context. */
interface Scenario {

  /** Short name used on the command line and in the tables. */
  String name();

  /** One line: what it measures. */
  String title();

  void run(BenchContext ctx) throws Exception;
}
