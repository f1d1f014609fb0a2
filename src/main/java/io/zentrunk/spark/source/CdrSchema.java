package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrField;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The typed schema of the {@code zentrunk} source: one column per {@link CdrField}, then {@link #ACCOUNT_ID}, the auth
 * id of the account the CDR was read from (not a field of the API's: the account is in the request's URL).
 */
public final class CdrSchema {
  private CdrSchema() {}

  /** The column of the account a CDR was read from (every row has one, also in a read of one account). */
  public static final String ACCOUNT_ID = "account_id";

  public static final StructType SCHEMA = build();

  private static StructType build() {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < CdrField.count(); i++) {
      CdrField f = CdrField.at(i);
      fields.add(DataTypes.createStructField(f.jsonName(), sparkType(f), f.nullable()));
    }
    fields.add(DataTypes.createStructField(ACCOUNT_ID, DataTypes.StringType, false));
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
