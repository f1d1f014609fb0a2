package io.zentrunk.spark.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.zentrunk.spark.emulator.EmulatedCall;
import io.zentrunk.spark.emulator.ZentrunkEmulator;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads through the {@code zentrunk} source against an emulator, and exact comparisons with its ground truth. */
public final class SourceReads {

  private SourceReads() {}

  public static Map<String, String> options(ZentrunkEmulator emu, Instant from, Instant to) {
    Map<String, String> o = new HashMap<>();
    o.put("api_url", emu.baseUrl());
    o.put("auth_id", emu.config().authId());
    o.put("auth_token", emu.config().authToken());
    o.put("now", emu.now().toString());
    o.put("request_budget", "100000");
    if (from != null) {
      o.put("start", from.toString());
    }
    if (to != null) {
      o.put("end", to.toString());
    }
    return o;
  }

  public static Dataset<Row> read(Map<String, String> o) {
    return SparkSession.active().read().format("zentrunk").options(o).load();
  }

  /** A row's CDR fields in schema order (not its account_id), typed as the ground truth is typed. */
  public static List<Object> values(Row r) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      if (r.schema() != null && r.schema().fields()[i].name().equals(io.zentrunk.spark.source.CdrSchema.ACCOUNT_ID)) {
        continue;
      }
      Object v = r.get(i);
      out.add(v instanceof BigDecimal b ? b.setScale(5) : v);
    }
    return out;
  }

  public static List<Object> values(EmulatedCall c) {
    return Arrays.asList(c.callUuid(), c.callId(), c.fromNumber(), c.toNumber(), c.callDirection(), c.callDuration(),
        c.billDuration(), c.billedDuration(), c.initiationTime(), c.answerTime(), c.endTime(), c.hangupCauseCode(),
        c.hangupCauseName(), c.hangupSource(), scale(c.totalRate()), scale(c.totalAmount()), scale(c.secureTrunkingRate()),
        scale(c.cnamLookupRate()), c.trunkDomain(), c.trunkId(), c.fromCountry(), c.toCountry(), c.transportProtocol(),
        c.srtp(), c.secureTrunking(), c.cnamLookup(), c.stirVerification(), c.attestationIndicator());
  }

  private static BigDecimal scale(BigDecimal b) {
    return b == null ? null : b.setScale(5);
  }

  public static void assertExactly(Dataset<Row> df, List<EmulatedCall> truth) {
    assertExactly(df.collectAsList(), truth, null);
  }

  /**
   * The rows are the ground truth's calls, field for field, and (unless {@code accountId} is null) each row's
   * account_id is {@code accountId}.
   */
  public static void assertExactly(List<Row> rows, List<EmulatedCall> truth, String accountId) {
    Map<String, List<Object>> got = new HashMap<>();
    for (Row r : rows) {
      assertThat(got.put(r.getString(0), values(r))).as("duplicate call_uuid " + r.getString(0)).isNull();
      if (accountId != null) {
        assertThat(r.getString(r.fieldIndex(io.zentrunk.spark.source.CdrSchema.ACCOUNT_ID))).as("account_id of "
            + r.getString(0)).isEqualTo(accountId);
      }
    }
    Map<String, List<Object>> want = truth.stream().collect(Collectors.toMap(EmulatedCall::callUuid, SourceReads::values));
    assertThat(got.keySet()).isEqualTo(want.keySet());
    for (Map.Entry<String, List<Object>> e : want.entrySet()) {
      assertThat(got.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }
}
