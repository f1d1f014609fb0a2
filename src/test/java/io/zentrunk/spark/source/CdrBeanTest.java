package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrField;
import static org.assertj.core.api.Assertions.assertThat;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bean's properties are the CDR fields' names in camel case, one for one (Cdrs.read relies on it). */
class CdrBeanTest {
  @Test
  void everyFieldIsABeanProperty() throws Exception {
    List<String> properties = Arrays.stream(Introspector.getBeanInfo(Cdr.class, Object.class).getPropertyDescriptors())
        .map(PropertyDescriptor::getName).sorted().toList();
    List<String> fromFields = Arrays.stream(CdrField.values()).map(f -> Cdr.property(f.jsonName())).sorted().toList();
    assertThat(properties).isEqualTo(fromFields);
    assertThat(Cdr.property("attestation_indicator")).isEqualTo("attestationIndicator");
  }
}
