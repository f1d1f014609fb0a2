package io.zentrunk.spark.jobs;

import io.zentrunk.spark.lake.LakeUsageException;
import io.zentrunk.spark.lake.Provenance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ingest command's guards as pure logic: credentials before anything, and the lake's recorded source. */
class IngestCommandTest {

  @Test
  void missingCredentialsAreNamedInOneLine() {
    assertThatThrownBy(() -> IngestCommand.checkCredentials(false, null, Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN are not set")
        .hasMessageContaining("--emulator").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> IngestCommand.checkCredentials(false, "http://127.0.0.1:1", Map.of("PLIVO_AUTH_ID", "MA1")))
        .hasMessageStartingWith("PLIVO_AUTH_TOKEN is not set");
    assertThatThrownBy(() -> IngestCommand.checkCredentials(false, null, Map.of("PLIVO_AUTH_ID", " ", "PLIVO_AUTH_TOKEN", "t")))
        .hasMessageStartingWith("PLIVO_AUTH_ID is not set");
    assertThatCode(() -> IngestCommand.checkCredentials(false, null, Map.of("PLIVO_AUTH_ID", "MA1", "PLIVO_AUTH_TOKEN", "t")))
        .doesNotThrowAnyException();
    assertThatCode(() -> IngestCommand.checkCredentials(true, null, Map.of())).doesNotThrowAnyException();
    assertThatThrownBy(() -> IngestCommand.checkCredentials(true, "http://127.0.0.1:1", Map.of()))
        .hasMessageContaining("--emulator and --api-url");
  }

  @Test
  void provenanceIsTheAccountAndTheApiHost() {
    assertThat(Provenance.of(Map.of(), Map.of("PLIVO_AUTH_ID", "MA1"), false)).isEqualTo(new Provenance("MA1", "api.plivo.com"));
    assertThat(Provenance.of(Map.of("api_url", "http://127.0.0.1:8080/"), Map.of("PLIVO_AUTH_ID", "MA1"), false))
        .isEqualTo(new Provenance("MA1", "127.0.0.1:8080"));
    assertThat(Provenance.of(Map.of("auth_id", "MA2", "api_url", "https://api.example.com"), Map.of("PLIVO_AUTH_ID", "MA1"),
        false)).isEqualTo(new Provenance("MA2", "api.example.com"));
    assertThat(Provenance.of(Map.of("auth_id", "MAE", "api_url", "http://127.0.0.1:4242"), Map.of(), true))
        .isEqualTo(new Provenance("MAE", Provenance.BUILT_IN_EMULATOR));
  }

  @Test
  void anotherSourceIsRefusedUnlessOnPurpose() {
    Provenance lake = new Provenance("MA1", "api.plivo.com");
    Provenance run = new Provenance("MA2", "api.plivo.com");
    assertThatThrownBy(() -> Provenance.check("--lake /x", Optional.of(lake), run, false))
        .isInstanceOf(LakeUsageException.class)
        .hasMessage("--lake /x holds the CDRs of account MA1 from api.plivo.com, not of account MA2 from api.plivo.com: "
            + "use another lake, or pass --change-source to record the new source on purpose");
    assertThatCode(() -> Provenance.check("--lake /x", Optional.of(lake), run, true)).doesNotThrowAnyException();
    assertThatCode(() -> Provenance.check("--lake /x", Optional.empty(), run, false)).doesNotThrowAnyException();
    assertThatCode(() -> Provenance.check("--lake /x", Optional.of(lake), lake, false)).doesNotThrowAnyException();
  }
}
