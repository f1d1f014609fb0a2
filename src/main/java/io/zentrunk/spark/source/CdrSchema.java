package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrField;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The typed schema of the {@code zentrunk} source: one column per {@link CdrField}. */
public final class CdrSchema {
  private CdrSchema() {}

  public static final StructType SCHEMA = build();

  private static StructType build() {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < CdrField.count(); i++) {
      CdrField f = CdrField.at(i);
      fields.add(DataTypes.createStructField(f.jsonName(), sparkType(f), f.nullable()));
    }
    return DataTypes.createStructType(fields);
  }

  static DataType sparkType(CdrField f) {
    return switch (f.kind()) {
      case STRING -> DataTypes.StringType;
      case INT -> DataTypes.IntegerType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case DECIMAL -> DataTypes.createDecimalType(f.precision(), CdrField.DECIMAL_SCALE);
      case BOOLEAN -> DataTypes.BooleanType;
    };
  }
}
