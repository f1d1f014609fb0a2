package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zentrunk.spark.client.ApiTime;
import io.zentrunk.spark.client.CdrField;
import io.zentrunk.spark.client.CdrPage;
import io.zentrunk.spark.client.PageParser;
import io.zentrunk.spark.client.ZentrunkApiException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The API's pages are input this project does not control: Jazzer feeds the page parser and the row converter
 * with pages it mutates from the seeds in {@code PageFuzzTestInputs/} (a real page, and pages with wrong types,
 * huge numbers, duplicate keys, missing fields, deep nesting). Every input must give rows, or an error of the
 * parser's own types in one line (a field's error naming the field and the api_id), and a row must hold exactly
 * what the page sent for each field: never a default, an epoch or a zero where the page had nothing.
 *
 * <p>{@code mvn verify} fuzzes for {@value #DEFAULT_DURATION} (the surefire execution "fuzz", JAZZER_FUZZ=1);
 * {@code jobs/fuzz SECONDS} runs it longer (libFuzzer's -max_total_time through Jazzer's JUnit configuration). Without JAZZER_FUZZ it replays the
 * seeds as a plain test. What the fuzzing found is in {@code PageParserTest} as regression tests.
 */
class PageFuzzTest {

  static final String DEFAULT_DURATION = "15s";
  private static final ObjectMapper TREE = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final RowConverter ROWS = new RowConverter(CdrSchema.SCHEMA);

  @FuzzTest(maxDuration = DEFAULT_DURATION)
  void aPageGivesExactRowsOrAnErrorOfItsOwn(FuzzedDataProvider data) {
    check(data.consumeRemainingAsBytes());
  }

  /** The property, for one body: also what the regression tests call. */
  static void check(byte[] body) {
    CdrPage page;
    try {
      page = new PageParser(null).parse(body);
    } catch (PageParser.MalformedBodyException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
      return;
    } catch (ZentrunkApiException e) {
      assertThat(e.getMessage()).doesNotContain("\n").contains("CDR field '").contains("(api_id ");
      assertThat(e.retryable()).isFalse();
      return;
    }
    // anything else escapes and is a finding. The page was accepted: compare each row with the page itself.
    JsonNode tree;
    try {
      tree = TREE.readTree(body);
    } catch (java.io.IOException e) {
      throw new AssertionError("the parser accepted a body that is not JSON: " + new String(body, StandardCharsets.UTF_8), e);
    }
    JsonNode meta = tree.get("meta");
    assertThat(meta.get("total_count").isIntegralNumber()).as("total_count was sent as an integer").isTrue();
    assertThat(page.totalCount()).isEqualTo(meta.get("total_count").longValue());
    JsonNode objects = tree.get("objects");
    List<Object[]> records = page.records();
    assertThat(records).hasSize(objects.size());
    for (int r = 0; r < records.size(); r++) {
      InternalRow row = ROWS.convert(records.get(r));
      JsonNode sent = objects.get(r);
      for (int i = 0; i < CdrSchema.SCHEMA.fields().length; i++) {
        CdrField f = CdrField.byJsonName(CdrSchema.SCHEMA.fields()[i].name());
        if (f == null) { // account_id: not in a page, the read's account
          continue;
        }
        JsonNode v = sent.get(f.jsonName());
        if (row.isNullAt(i)) {
          assertThat(f.nullable()).as(f.jsonName() + " is required, yet NULL").isTrue();
          continue;
        }
        assertThat(v).as(f.jsonName() + " holds a value the page did not send").isNotNull();
        assertThat(v.isNull()).as(f.jsonName() + " holds a value where the page sent null").isFalse();
        switch (f.kind()) {
          case STRING -> assertThat(row.getUTF8String(i).toString()).isEqualTo(v.asText());
          case INT -> assertThat(row.getInt(i)).isEqualTo(new BigDecimal(v.asText()).intValueExact());
          case BOOLEAN -> assertThat(row.getBoolean(i)).isEqualTo(Boolean.parseBoolean(v.asText()));
          case TIMESTAMP -> assertThat(row.getLong(i)).isEqualTo(ApiTime.parseCdrTime(v.asText()));
          case DECIMAL -> assertThat(row.getDecimal(i, f.precision(), CdrField.DECIMAL_SCALE).toJavaBigDecimal())
              .isEqualByComparingTo(new BigDecimal(v.asText()));
          default -> throw new AssertionError(f);
        }
      }
    }
  }
}
