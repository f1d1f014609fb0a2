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

  /** @param schema columns named after CDR fields (the source's schema or a pruning of it) */
  public RowConverter(StructType schema) {
    fields = new CdrField[schema.fields().length];
    wanted = new boolean[CdrField.count()];
    for (int i = 0; i < fields.length; i++) {
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
