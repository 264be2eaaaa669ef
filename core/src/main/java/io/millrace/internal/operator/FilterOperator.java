package io.millrace.internal.operator;

import io.millrace.function.RowPredicate;
import io.millrace.row.RowView;

/**
 * Passes the rows a predicate keeps.
 */
public final class FilterOperator extends Operator
{
    private final RowPredicate predicate;
    private final OperatorContext context;

    /**
     * @param predicate deciding which rows pass.
     * @param context   of the chain.
     */
    public FilterOperator(final RowPredicate predicate, final OperatorContext context)
    {
        this.predicate = predicate;
        this.context = context;
    }

    @Override
    public void onRow(final RowView row)
    {
        final boolean keep;
        try
        {
            keep = predicate.test(row);
        }
        catch (final Exception ex)
        {
            context.deadLetter("filter", row, ex);
            return;
        }
        if (keep)
        {
            forward(row);
        }
    }
}
