package io.zentrunk.spark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageParserTest {

  /** The example of the API's reference page, with its typographic quotes fixed and unknown fields added. */
  static final String EXAMPLE = """
      {
        "api_id": "a04ad809-3b78-4bbe-9baf-acfc7800b10f",
        "meta": {"limit": 20, "offset": 0, "total_count": 2, "previous": null, "next": null},
        "objects": [
          {
            "call_uuid": "90b6eb07-796c-4d86-a4fd-44ed11667ddb",
            "from_number": "+12025551111", "to_number": "+13128574907", "call_direction": "outbound",
            "call_duration": 4, "bill_duration": 60, "end_time": "2022-12-06 07:02:00",
            "hangup_cause_name": "normal_hangup", "hangup_source": "carrier",
            "total_rate": "0.03000", "total_amount": "0.00200", "billed_duration": 60,
            "initiation_time": "2022-12-06 07:01:48", "answer_time": "2022-12-06 07:01:56",
            "trunk_domain": "93667062664669661.ap-south-1.zt.plivo.com",
            "from_country": "IN", "to_country": "IN", "transport_protocol": "udp", "srtp": false,
            "hangup_cause_code": 3000, "secure_trunking": false, "secure_trunking_rate": "0.00000",
            "stir_verification": "Verified", "attestation_indicator": "A",
            "some_future_field": {"nested": [1, 2, {"x": null}]}
          },
          {
            "call_uuid": "0b6eb07-796c-4d86-a4fd-44ed11667ddbe",
            "from_number": "+912235328936", "to_number": "+919943720205", "call_direction": "outbound",
            "trunk_id": "0b6eb07-796c-4d86-a4fd-44ed11667ddb", "call_duration": 0, "bill_duration": 0,
            "end_time": "2022-12-06 07:02:00", "hangup_cause_name": "user_busy", "hangup_source": "carrier",
            "total_rate": "0.03000", "total_amount": "0.00000", "initiation_time": "2022-12-06 07:01:48",
            "from_country": "IN", "to_country": "IN", "transport_protocol": "tls", "srtp": true,
            "hangup_cause_code": 4410, "secure_trunking": true, "secure_trunking_rate": "0.00300",
            "stir_verification": "Not Applicable", "attestation_indicator": "null",
            "call_id": "abc@10.0.0.1", "cnam_lookup": true, "cnam_lookup_rate": "0.00400"
          }
        ]
      }
      """;

  @Test
  void decodesTheReferenceExampleTyped() throws Exception {
    CdrPage page = new PageParser(null).parse(EXAMPLE.getBytes(StandardCharsets.UTF_8));
    assertThat(page.apiId()).isEqualTo("a04ad809-3b78-4bbe-9baf-acfc7800b10f");
    assertThat(page.totalCount()).isEqualTo(2);
    assertThat(page.limit()).isEqualTo(20);
    assertThat(page.records()).hasSize(2);
    Object[] a = page.records().get(0);
    assertThat(a[CdrField.CALL_UUID.ordinal()]).isEqualTo("90b6eb07-796c-4d86-a4fd-44ed11667ddb");
    assertThat(a[CdrField.BILL_DURATION.ordinal()]).isEqualTo(60);
    assertThat(a[CdrField.END_TIME.ordinal()]).isEqualTo(ApiTime.toMicros(Instant.parse("2022-12-06T07:02:00Z")));
    assertThat(a[CdrField.ANSWER_TIME.ordinal()]).isEqualTo(ApiTime.toMicros(Instant.parse("2022-12-06T07:01:56Z")));
    assertThat(a[CdrField.TOTAL_RATE.ordinal()]).isEqualTo(3000L);
    assertThat(a[CdrField.TOTAL_AMOUNT.ordinal()]).isEqualTo(200L);
    assertThat(a[CdrField.SRTP.ordinal()]).isEqualTo(false);
    assertThat(a[CdrField.ATTESTATION_INDICATOR.ordinal()]).isEqualTo("A");
    assertThat(a[CdrField.TRUNK_ID.ordinal()]).isNull();
    assertThat(a[CdrField.CNAM_LOOKUP.ordinal()]).isNull();
    Object[] b = page.records().get(1);
    assertThat(b[CdrField.ANSWER_TIME.ordinal()]).as("unanswered: no answer_time").isNull();
    assertThat(b[CdrField.ATTESTATION_INDICATOR.ordinal()]).as("\"null\" is SQL NULL").isNull();
    assertThat(b[CdrField.TRUNK_ID.ordinal()]).isEqualTo("0b6eb07-796c-4d86-a4fd-44ed11667ddb");
    assertThat(b[CdrField.CNAM_LOOKUP_RATE.ordinal()]).isEqualTo(400L);
    assertThat(b[CdrField.CALL_ID.ordinal()]).isEqualTo("abc@10.0.0.1");
  }

  @Test
  void skipsFieldsNobodyWants() throws Exception {
    boolean[] wanted = new boolean[CdrField.count()];
    wanted[CdrField.END_TIME.ordinal()] = true;
    Object[] a = new PageParser(wanted).parse(EXAMPLE.getBytes(StandardCharsets.UTF_8)).records().get(0);
    assertThat(a[CdrField.CALL_UUID.ordinal()]).as("always decoded").isNotNull();
    assertThat(a[CdrField.END_TIME.ordinal()]).isNotNull();
    assertThat(a[CdrField.FROM_NUMBER.ordinal()]).isNull();
  }

  @Test
  void truncatedBodiesAreMalformedNotShort() {
    byte[] full = EXAMPLE.getBytes(StandardCharsets.UTF_8);
    for (int cut : new int[] {0, 1, 50, full.length / 2, full.length - 3}) {
      byte[] part = java.util.Arrays.copyOf(full, cut);
      assertThatThrownBy(() -> new PageParser(null).parse(part)).as("cut at " + cut)
          .isInstanceOf(PageParser.MalformedBodyException.class);
    }
  }

  @Test
  void aWronglyTypedValueNamesTheFieldAndTheApiId() {
    String bad = EXAMPLE.replaceFirst("\"end_time\": \"2022-12-06 07:02:00\"", "\"end_time\": \"yesterday\"");
    assertThat(bad).contains("yesterday");
    assertThatThrownBy(() -> new PageParser(null).parse(bad.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ZentrunkApiException.class)
        .hasMessageContaining("'end_time'")
        .hasMessageContaining("a04ad809-3b78-4bbe-9baf-acfc7800b10f");
    String money = EXAMPLE.replace("\"0.00200\"", "\"0.002001\"");
    assertThat(money).contains("0.002001");
    assertThatThrownBy(() -> new PageParser(null).parse(money.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("'total_amount'");
  }

  @Test
  void decimalsAreExact() {
    assertThat(PageParser.parseDecimal("0.03000", 10)).isEqualTo(3000L);
    assertThat(PageParser.parseDecimal("12.5", 10)).isEqualTo(1_250_000L);
    assertThat(PageParser.parseDecimal("7", 10)).isEqualTo(700_000L);
    assertThat(PageParser.parseDecimal("-0.00001", 10)).isEqualTo(-1L);
    assertThat(PageParser.parseDecimal("1.1234500", 10)).isEqualTo(112_345L);
    assertThat(PageParser.parseDecimal("99999.99999", 10)).isEqualTo(9_999_999_999L);
    assertThat(PageParser.parseDecimal("100000.0", 10)).as("too wide for decimal(10,5)").isEqualTo(Long.MIN_VALUE);
    assertThat(PageParser.parseDecimal("1.123456", 10)).as("would need rounding").isEqualTo(Long.MIN_VALUE);
    assertThat(PageParser.parseDecimal("1e3", 10)).isEqualTo(Long.MIN_VALUE);
    assertThat(PageParser.parseDecimal(".", 10)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void errorBodiesAreReadLeniently() {
    String[] e = PageParser.parseError("{\"api_id\":\"x1\",\"error\":\"invalid limit\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(e).containsExactly("x1", "invalid limit");
    assertThat(PageParser.parseError("<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8))).containsExactly(null, null);
  }

  // What fuzzing the pages (source/PageFuzzTest) found, as plain regression tests.

  private static String page(String total, String record) {
    return "{\"api_id\":\"a1\",\"meta\":{\"limit\":20,\"offset\":0,\"total_count\":" + total
        + "},\"objects\":[" + record + "]}";
  }

  private static final String END = "\"end_time\":\"2026-10-01 00:00:01\"";

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> parsing(String body) {
    return assertThatThrownBy(() -> new PageParser(null).parse(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void invalidUtf8AnywhereIsRefusedEvenInAFieldTheConnectorSkips() throws Exception {
    // an invalid byte in a key inside an unknown field: the parser skips the field, yet must still check its bytes
    byte[] skipped = page("1", "{\"call_uuid\":\"u1\"," + END + ",\"future\":{\"nest\u00ffd\":1}}").getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> new PageParser(null).parse(skipped)).isInstanceOf(PageParser.MalformedBodyException.class)
        .hasMessageStartingWith("the body is not UTF-8 (byte ");
    for (String bad : List.of("\u00c0\u00af", "\u00ed\u00a0\u0080", "\u00f4\u0090\u0080\u0080", "\u00e2\u0082", "\u0080")) {
      byte[] body = page("1", "{\"call_uuid\":\"u" + bad + "\"," + END + "}").getBytes(StandardCharsets.ISO_8859_1);
      assertThatThrownBy(() -> new PageParser(null).parse(body)).as("overlong, surrogate, above U+10FFFF, cut, stray")
          .isInstanceOf(PageParser.MalformedBodyException.class).hasMessageContaining("not UTF-8");
    }
    assertThat(new PageParser(null).parse(page("1", "{\"call_uuid\":\"\u00e9\u20ac\ud83d\udcde\"," + END + "}")
        .getBytes(StandardCharsets.UTF_8)).records().get(0)[CdrField.CALL_UUID.ordinal()]).isEqualTo("\u00e9\u20ac\ud83d\udcde");
  }

  @Test
  void anIntegerBeyondTheIntRangeNamesTheFieldNotJustTheJson() {
    parsing(page("1", "{\"call_uuid\":\"u1\"," + END + ",\"call_duration\":99999999999}"))
        .isInstanceOf(ZentrunkApiException.class).hasMessageContaining("'call_duration'")
        .hasMessageContaining("out of the integer range").hasMessageContaining("(api_id a1)");
  }

  @Test
  void aCountOfMetaIsAnIntegerOrTheBodyIsRefused() {
    for (String bad : List.of("true", "1.9", "\"5\"", "-1", "99999999999999999999999")) {
      parsing(page(bad, "")).as(bad).isInstanceOf(PageParser.MalformedBodyException.class)
          .hasMessageContaining("'meta.total_count' is not a count");
    }
  }

  @Test
  void aRecordWithoutItsEndTimeIsAnErrorNotANullInARequiredColumn() throws Exception {
    parsing(page("1", "{\"call_uuid\":\"u1\",\"call_duration\":4}")).isInstanceOf(ZentrunkApiException.class)
        .hasMessageContaining("'end_time'").hasMessageContaining("missing or null").hasMessageContaining("(api_id a1)");
    parsing(page("1", "{\"call_uuid\":\"u1\",\"end_time\":null}")).hasMessageContaining("'end_time'");
    parsing(page("1", "{\"call_uuid\":\"u1\",\"end_time\":\"\"}")).hasMessageContaining("'end_time'");
    boolean[] noEnd = new boolean[CdrField.count()];
    noEnd[CdrField.CALL_DURATION.ordinal()] = true;
    assertThat(new PageParser(noEnd).parse(page("1", "{\"call_uuid\":\"u1\",\"call_duration\":4}")
        .getBytes(StandardCharsets.UTF_8)).records()).as("a read that does not want end_time").hasSize(1);
  }

  @Test
  void duplicateKeysAreRefusedRatherThanOneOfThemBelieved() {
    parsing(page("1", "{\"call_uuid\":\"u1\"," + END + ",\"end_time\":\"2026-10-02 00:00:01\"}"))
        .isInstanceOf(PageParser.MalformedBodyException.class).hasMessageContaining("Duplicate field 'end_time'");
  }

  @Test
  void aNumberWhereTheReferenceSaysStringIsAWrongType() {
    parsing(page("1", "{\"call_uuid\":\"u1\"," + END + ",\"to_country\":44}"))
        .isInstanceOf(ZentrunkApiException.class).hasMessageContaining("'to_country'").hasMessageContaining("not a string");
  }

  @Test
  void messagesStayOneLineWhateverThePageHolds() {
    parsing(page("1", "{\"call_uuid\":\"u1\",\"end_time\":\"2026\\n10-01\"}"))
        .isInstanceOf(ZentrunkApiException.class).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    String longId = "x".repeat(100_000);
    parsing(page("1", "{\"call_uuid\":\"u1\",\"end_time\":\"soon\"}").replace("\"a1\"", "\"" + longId + "\""))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }

  @Test
  void theFuzzersSeedsAndFindingsStillGiveRowsOrOwnErrors() throws Exception {
    java.nio.file.Path seeds = java.nio.file.Path.of("src/test/resources/io/zentrunk/spark/source/PageFuzzTestInputs"
        + "/aPageGivesExactRowsOrAnErrorOfItsOwn");
    try (var files = java.nio.file.Files.list(seeds)) {
      for (java.nio.file.Path f : files.toList()) {
        byte[] body = java.nio.file.Files.readAllBytes(f);
        try {
          new PageParser(null).parse(body);
        } catch (PageParser.MalformedBodyException | ZentrunkApiException e) {
          assertThat(e.getMessage()).as(f.getFileName().toString()).doesNotContain("\n");
        }
      }
    }
  }
}
