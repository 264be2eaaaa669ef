package io.millrace.function;

import io.millrace.row.RowView;

/**
 * Keeps the rows it returns {@code true} for. Called on the operator thread for every row; must not keep
 * the view. An exception sends the row to the dead-letter output.
 */
@FunctionalInterface
public interface RowPredicate
{
    /**
     * @param row to test.
     * @return whether to keep it.
     */
    boolean test(RowView row);
}
