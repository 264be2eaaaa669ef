package io.millrace.internal.operator;

import io.millrace.internal.state.StateWriter;
import io.millrace.internal.state.StateReader;
import io.millrace.internal.state.AggregateSpec;
import io.millrace.internal.metrics.QueryCounters;
import io.millrace.internal.metrics.StateGauge;
import io.millrace.internal.state.AggregateLayout;
import io.millrace.internal.state.KeyCodec;
import io.millrace.internal.state.KeyedTable;
import io.millrace.row.Column;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import org.agrona.MutableDirectBuffer;

import java.util.List;

/**
 * {@code groupBy(keys).agg(...)} without a window: one off-heap {@link KeyedTable} entry per group, never
 * evicted. Each entry's value is an 8-byte flags word (the changed mark) followed by the accumulators. Writes
 * groups as its {@link EmissionPolicy} says.
 */
public final class AggregateOperator extends Operator
{
    private static final int FLAGS_LENGTH = 8;
    private static final long DIRTY = 1;

    private final KeyCodec keys;
    private final AggregateLayout layout;
    private final KeyedTable table;
    private final EmissionPolicy policy;
    private final QueryCounters counters;
    private final StateGauge state;
    private final RowWriter writer;
    private final RowView view = new RowView();

    /**
     * @param input        schema of the rows received.
     * @param keyColumns   names of the grouping columns.
     * @param aggregates   the functions.
     * @param output       key columns then aggregate columns.
     * @param policy       when groups are written (update or complete mode).
     * @param counters     of the query.
     */
    public AggregateOperator(
        final Schema input,
        final List<String> keyColumns,
        final List<AggregateSpec> aggregates,
        final Schema output,
        final EmissionPolicy policy,
        final QueryCounters counters)
    {
        final Column[] inputs = new Column[keyColumns.size()];
        final Column[] outputs = new Column[keyColumns.size()];
        for (int i = 0; i < inputs.length; i++)
        {
            inputs[i] = input.column(keyColumns.get(i));
            outputs[i] = output.column(keyColumns.get(i));
        }
        this.keys = new KeyCodec(inputs, outputs);
        this.layout = new AggregateLayout(input, aggregates, output);
        this.table = new KeyedTable(FLAGS_LENGTH + layout.width(), 1024);
        this.policy = policy;
        this.counters = counters;
        this.state = new StateGauge(counters);
        this.writer = new RowWriter(output);
        state.set(0, table.bytes());
    }

    @Override
    public void onRow(final RowView row)
    {
        final int length = keys.encode(row);
        final int id = table.findOrInsert(keys.buffer(), 0, length, KeyedTable.hash(keys.buffer(), 0, length));
        final MutableDirectBuffer values = table.values();
        final int flags = table.valueOffset(id);
        if (table.lastInserted())
        {
            layout.init(row, values, flags + FLAGS_LENGTH);
            state.set(table.size(), table.bytes());
        }
        else
        {
            layout.accumulate(row, values, flags + FLAGS_LENGTH);
        }

        if (policy.writesOnChange())
        {
            emit(id);
        }
        else if (policy.marksChanges())
        {
            values.putLong(flags, values.getLong(flags) | DIRTY);
        }
    }

    /**
     * A group's row changes for as long as the query runs, so the output has no event time: the watermark stops
     * here.
     */
    @Override
    public void onWatermark(final long watermark)
    {
    }

    @Override
    public void onMarker(final long epoch)
    {
        final EmissionPolicy.Rows rows = policy.atMarker();
        if (rows == EmissionPolicy.Rows.ALL)
        {
            emitState();
        }
        else if (rows == EmissionPolicy.Rows.CHANGED)
        {
            final MutableDirectBuffer values = table.values();
            for (int id = 0, limit = table.entryLimit(); id < limit; id++)
            {
                final int flags = table.valueOffset(id);
                if (table.isLive(id) && (values.getLong(flags) & DIRTY) != 0)
                {
                    values.putLong(flags, values.getLong(flags) & ~DIRTY);
                    emit(id);
                }
            }
        }
        next.onMarker(epoch);
    }

    private void emit(final int id)
    {
        writer.reset();
        keys.decode(table.keyBuffer(id), table.keyOffset(id), writer);
        layout.write(table.values(), table.valueOffset(id) + FLAGS_LENGTH, writer);
        forward(writer.view(view));
    }

    @Override
    public void writeState(final StateWriter out)
    {
        table.writeTo(out);
    }

    @Override
    public void readState(final StateReader in)
    {
        table.readFrom(in);
        state.set(table.size(), table.bytes());
    }

    @Override
    public void emitState()
    {
        for (int id = 0, limit = table.entryLimit(); id < limit; id++)
        {
            if (table.isLive(id))
            {
                emit(id);
            }
        }
    }

    @Override
    protected StateGauge stateGauge()
    {
        return state;
    }
}
