package io.millrace.function;

import io.millrace.row.RowView;

/**
 * Maps each row to zero or more rows of the output schema, handed to the {@link RowEmitter}. Called on the
 * operator thread; must not keep either argument. An exception sends the input row to the dead-letter output
 * (rows already emitted for it stay emitted).
 */
@FunctionalInterface
public interface RowFlatMapper
{
    /**
     * @param in  the input row.
     * @param out where to emit output rows.
     */
    void flatMap(RowView in, RowEmitter out);
}
