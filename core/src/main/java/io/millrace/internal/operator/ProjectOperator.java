package io.millrace.internal.operator;

import io.millrace.row.Column;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;

import java.util.List;

/**
 * Keeps some columns of each row, in a given order, possibly under other names.
 */
public final class ProjectOperator extends Operator
{
    private final Column[] inputs;
    private final Column[] outputs;
    private final RowWriter writer;
    private final RowView view = new RowView();

    /**
     * @param input   schema of the rows received.
     * @param kept    input columns kept, by name, in the output's order.
     * @param output  schema of the rows passed on: the kept columns' types, under the output's names.
     */
    public ProjectOperator(final Schema input, final List<String> kept, final Schema output)
    {
        outputs = output.columns().toArray(new Column[0]);
        inputs = new Column[outputs.length];
        for (int i = 0; i < outputs.length; i++)
        {
            inputs[i] = input.column(kept.get(i));
        }
        writer = new RowWriter(output);
    }

    @Override
    public void onRow(final RowView row)
    {
        writer.reset();
        for (int i = 0; i < inputs.length; i++)
        {
            inputs[i].copy(row, writer, outputs[i]);
        }
        forward(writer.view(view));
    }
}
