package io.zentrunk.spark.source;

import io.zentrunk.spark.client.CdrField;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns a decoded CDR ({@code Object[]} by {@link CdrField} ordinal, as {@code PageParser}
 * gives it) into a Spark row of a (pruned) schema. Public so that benchmarks measure the very
 * code the reader runs.
 */
public final class RowConverter {

  private final CdrField[] fields;
  private final boolean[] wanted;
  /** The {@link CdrSchema#ACCOUNT_ID} of every row, or null. */
  private final UTF8String account;

  /** A converter for a schema without {@link CdrSchema#ACCOUNT_ID}, or whose account_id stays null (benchmarks). */
  public RowConverter(StructType schema) {
    this(schema, null);
  }

  /**
   * @param schema columns named after CDR fields and {@link CdrSchema#ACCOUNT_ID} (the source's schema or a pruning of
   *     it)
   * @param accountId the auth id every row's account_id holds
   */
  public RowConverter(StructType schema, String accountId) {
    fields = new CdrField[schema.fields().length];
    wanted = new boolean[CdrField.count()];
    account = accountId == null ? null : UTF8String.fromString(accountId);
    for (int i = 0; i < fields.length; i++) {
      if (schema.fields()[i].name().equals(CdrSchema.ACCOUNT_ID)) {
        continue; // fields[i] stays null: the account's column
      }
      CdrField f = CdrField.byJsonName(schema.fields()[i].name());
      if (f == null) {
        throw new IllegalStateException("column " + schema.fields()[i].name() + " is not a CDR field");
      }
      fields[i] = f;
      wanted[f.ordinal()] = true;
    }
  }

  /** Which fields the parser must decode, by ordinal (a copy). */
  public boolean[] wanted() {
    return wanted.clone();
  }

  public InternalRow convert(Object[] rec) {
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      CdrField f = fields[i];
      if (f == null) {
        values[i] = account;
        continue;
      }
      Object v = rec[f.ordinal()];
      if (v != null) {
        switch (f.kind()) {
          case STRING -> v = UTF8String.fromString((String) v);
          case DECIMAL -> v = Decimal.apply((Long) v, f.precision(), CdrField.DECIMAL_SCALE);
          default -> { }
        }
      }
      values[i] = v;
    }
    return new GenericInternalRow(values);
  }
}
