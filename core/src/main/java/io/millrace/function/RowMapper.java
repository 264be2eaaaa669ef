package io.millrace.function;

import io.millrace.row.RowView;
import io.millrace.row.RowWriter;

/**
 * Maps each row to one row of the output schema. Called on the operator thread for every row with a
 * writer already reset; must not keep either argument. An exception sends the row to the dead-letter output.
 */
@FunctionalInterface
public interface RowMapper
{
    /**
     * @param in  the input row.
     * @param out writer for the output row, reset.
     */
    void map(RowView in, RowWriter out);
}
