package io.zentrunk.spark.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zentrunk.spark.budget.PermitEndpoint;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The executors' wait for an unreachable permit service, as a Spark setting. */
class PermitServicesTest {

  @Test
  void theWaitIsSixtySecondsUnlessSetAsASparkTime() {
    assertThat(PermitServices.unreachableMillis(new SparkConf(false))).isEqualTo(PermitEndpoint.DEFAULT_UNREACHABLE_MILLIS)
        .isEqualTo(60_000);
    assertThat(PermitServices.unreachableMillis(new SparkConf(false).set(PermitServices.UNREACHABLE_CONF, "8s")))
        .isEqualTo(8_000);
    assertThat(PermitServices.unreachableMillis(new SparkConf(false).set(PermitServices.UNREACHABLE_CONF, "1500ms")))
        .isEqualTo(1_500);
  }

  @Test
  void aWaitThatIsNotAPositiveTimeFailsInOneLineNamingTheSetting() {
    for (String bad : new String[] {"0s", "-5s", "soon", ""}) {
      assertThatThrownBy(() -> PermitServices.unreachableMillis(new SparkConf(false).set(PermitServices.UNREACHABLE_CONF, bad)))
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("spark.zentrunk.permits.unreachableTimeout must be a positive time such as 60s or 500ms, got '"
              + bad + "'");
    }
  }
}
