package io.millrace.internal.operator;

import io.millrace.function.RowEmitter;
import io.millrace.function.RowFlatMapper;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;

/**
 * Maps each row to zero or more rows, each passed downstream as soon as it is emitted.
 */
public final class FlatMapOperator extends Operator implements RowEmitter
{
    private final RowFlatMapper mapper;
    private final OperatorContext context;
    private final RowWriter writer;
    private final RowView view = new RowView();

    /**
     * @param mapper  the function.
     * @param output  schema of the rows it emits.
     * @param context of the chain.
     */
    public FlatMapOperator(final RowFlatMapper mapper, final Schema output, final OperatorContext context)
    {
        this.mapper = mapper;
        this.context = context;
        this.writer = new RowWriter(output);
    }

    @Override
    public void onRow(final RowView row)
    {
        try
        {
            mapper.flatMap(row, this);
        }
        catch (final Exception ex)
        {
            context.deadLetter("flatMap", row, ex);
        }
    }

    @Override
    public RowWriter row()
    {
        return writer.reset();
    }

    @Override
    public void emit()
    {
        forward(writer.view(view));
    }
}
