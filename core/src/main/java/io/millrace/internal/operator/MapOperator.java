package io.millrace.internal.operator;

import io.millrace.function.RowMapper;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;

/**
 * Maps each row to one row of another schema, written into a reused writer.
 */
public final class MapOperator extends Operator
{
    private final RowMapper mapper;
    private final OperatorContext context;
    private final RowWriter writer;
    private final RowView view = new RowView();

    /**
     * @param mapper  the function.
     * @param output  schema of the rows it writes.
     * @param context of the chain.
     */
    public MapOperator(final RowMapper mapper, final Schema output, final OperatorContext context)
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
            mapper.map(row, writer.reset());
        }
        catch (final Exception ex)
        {
            context.deadLetter("map", row, ex);
            return;
        }
        forward(writer.view(view));
    }
}
