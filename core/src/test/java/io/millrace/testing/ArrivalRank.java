package io.millrace.testing;

import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.library.TopRows;
import io.millrace.row.Column;
import io.millrace.row.IntColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;

/**
 * Writes each row it gets with its rank among its key's rows in the order they came (0 for the first): a keyed
 * process function whose rows depend on the order of its input, to check that the tasks of a query deliver rows in
 * the order one task does.
 */
public final class ArrivalRank implements KeyedProcessFunction
{
    private Column[] inputs;
    private Column[] outputs;
    private IntColumn rank;

    /**
     * @param input schema of the rows.
     * @return the input's columns, then the rank, as {@link TopRows} writes them.
     */
    public static Schema outputOf(final Schema input)
    {
        return TopRows.outputOf(input);
    }

    @Override
    public int stateBytes()
    {
        return Integer.BYTES;
    }

    @Override
    public void open(final Schema input, final Schema output)
    {
        inputs = input.columns().toArray(new Column[0]);
        outputs = new Column[inputs.length];
        for (int i = 0; i < inputs.length; i++)
        {
            outputs[i] = output.column(inputs[i].name());
        }
        rank = output.intColumn(TopRows.RANK);
    }

    @Override
    public void processRow(final RowView row, final ProcessContext context)
    {
        final int at = context.stateOffset();
        final int arrived = context.state().getInt(at);
        context.state().putInt(at, arrived + 1);
        final RowWriter out = context.row();
        for (int i = 0; i < inputs.length; i++)
        {
            inputs[i].copy(row, out, outputs[i]);
        }
        out.putInt(rank, arrived);
        context.emit();
    }
}
