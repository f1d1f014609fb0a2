package io.zentrunk.spark.testing;

import io.zentrunk.spark.source.Cdr;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Hand-made CDRs for tests. SCHEMA is this branch's copy of the {@code zentrunk} source's schema (names and
 * types as agreed); the source will expose {@code io.zentrunk.spark.source.CdrSchema.SCHEMA}.
 */
public final class TestCdrs {

  private static final DataType RATE = DataTypes.createDecimalType(10, 5);
  private static final DataType MONEY = DataTypes.createDecimalType(18, 5);

  public static final StructType SCHEMA = new StructType(new StructField[] {
      f("call_uuid", DataTypes.StringType), f("call_id", DataTypes.StringType),
      f("from_number", DataTypes.StringType), f("to_number", DataTypes.StringType),
      f("call_direction", DataTypes.StringType),
      f("call_duration", DataTypes.IntegerType), f("bill_duration", DataTypes.IntegerType),
      f("billed_duration", DataTypes.IntegerType),
      f("initiation_time", DataTypes.TimestampType), f("answer_time", DataTypes.TimestampType),
      f("end_time", DataTypes.TimestampType),
      f("hangup_cause_code", DataTypes.IntegerType), f("hangup_cause_name", DataTypes.StringType),
      f("hangup_source", DataTypes.StringType),
      f("total_rate", RATE), f("secure_trunking_rate", RATE), f("total_amount", MONEY), f("cnam_lookup_rate", RATE),
      f("trunk_domain", DataTypes.StringType), f("trunk_id", DataTypes.StringType),
      f("from_country", DataTypes.StringType), f("to_country", DataTypes.StringType),
      f("transport_protocol", DataTypes.StringType),
      f("srtp", DataTypes.BooleanType), f("secure_trunking", DataTypes.BooleanType),
      f("cnam_lookup", DataTypes.BooleanType),
      f("stir_verification", DataTypes.StringType), f("attestation_indicator", DataTypes.StringType)});

  private TestCdrs() {}

  private static StructField f(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }

  public static Cdr cdr(String uuid) {
    return new Cdr(uuid);
  }

  public static Dataset<Row> df(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** A CDR builder with plausible defaults: an answered 60 s outbound US call ending at the given instant. */
  public static final class Cdr {
    private final String uuid;
    private String direction = "outbound";
    private String from = "+14155550100";
    private String to = "+14155550199";
    private int duration = 60;
    private int bill = 60;
    private boolean answered = true;
    private Instant end = Instant.parse("2026-11-01T12:00:00Z");
    private Instant init;
    private int causeCode = 3000;
    private String causeName = "normal_hangup";
    private String source = "carrier";
    private BigDecimal rate = new BigDecimal("0.00500");
    private BigDecimal amount = new BigDecimal("0.00500");
    private String fromCountry = "US";
    private String toCountry = "US";
    private String stir = "Verified";
    private String attestation = "A";
    private String trunk = "trunk-1";

    private Cdr(String uuid) {
      this.uuid = uuid;
    }

    public Cdr direction(String d) { this.direction = d; return this; }
    public Cdr end(String isoInstant) { this.end = Instant.parse(isoInstant); return this; }
    /** The initiation time; default 5 s before the answer (or the end of an unanswered call). */
    public Cdr init(String isoInstant) { this.init = Instant.parse(isoInstant); return this; }
    public Cdr seconds(int talked, int billed) { this.duration = talked; this.bill = billed; return this; }
    public Cdr unanswered() { this.answered = false; this.duration = 0; this.bill = 0; this.amount = new BigDecimal("0.00000"); return this; }
    public Cdr amount(String a) { this.amount = new BigDecimal(a); return this; }
    public Cdr cause(int code, String name, String src) { this.causeCode = code; this.causeName = name; this.source = src; return this; }
    public Cdr countries(String from, String to) { this.fromCountry = from; this.toCountry = to; return this; }
    public Cdr stir(String verification, String indicator) { this.stir = verification; this.attestation = indicator; return this; }
    /** The trunk_id; null for a call without one. */
    public Cdr trunk(String trunkId) { this.trunk = trunkId; return this; }
    public Cdr numbers(String fromNumber, String toNumber) { this.from = fromNumber; this.to = toNumber; return this; }

    public Row row() {
      Instant answer = answered ? end.minusSeconds(duration) : null;
      Instant init = this.init != null ? this.init : (answer != null ? answer : end).minusSeconds(5);
      return RowFactory.create(
          uuid, uuid + "@sip", from, to, direction, duration, bill, bill,
          init, answer, end,
          causeCode, causeName, source,
          rate, new BigDecimal("0.00000"), amount, new BigDecimal("0.00000"),
          "acme.zt.plivo.com", trunk, fromCountry, toCountry, "udp", false, false, false,
          stir, attestation);
    }
  }
}
