package io.millrace.library;

import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.Column;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import org.agrona.MutableDirectBuffer;

/**
 * The {@code n} rows of each key with the largest values of a column, as a {@link KeyedProcessFunction}
 * ({@code keyBy(...).top(n, column)}): ranks 1 to {@code n}, largest first, rows of equal values in arrival order. A
 * row that enters the ranking takes its rank and moves the rows below it down one (the last drops out); each rank
 * whose row changed is written, as the input's columns and a final INT column {@code rank}. The output is an upsert
 * stream keyed by the key and the rank. The state is {@code n} rows per key, each as wide as the schema's longest
 * row.
 */
public final class TopRows implements KeyedProcessFunction
{
    /** Output column holding a row's rank, from 1. */
    public static final String RANK = "rank";

    private static final int COUNT = 0;
    private static final int ENTRIES = 8;
    private static final int VALUE = 0;
    private static final int LENGTH = 8;
    private static final int ROW = 12;

    private final int n;
    private final String column;
    private LongColumn value;
    private Column[] inputs;
    private Column[] outputs;
    private IntColumn rank;
    private int entryWidth;
    private final RowView held = new RowView();

    /**
     * @param n      rows kept per key, at least 1.
     * @param column LONG or TIMESTAMP column ranking the rows.
     */
    public TopRows(final int n, final String column)
    {
        if (n < 1)
        {
            throw new IllegalArgumentException("top(" + n + ", " + column + "): n must be at least 1");
        }
        this.n = n;
        this.column = column;
    }

    /**
     * @param input of the rows ranked.
     * @return the output schema: the input's columns, then {@link #RANK}.
     */
    public static Schema outputOf(final Schema input)
    {
        final Schema.Builder builder = Schema.builder();
        for (final Column each : input.columns())
        {
            builder.like(each);
        }
        return builder.intColumn(RANK).build();
    }

    @Override
    public void open(final Schema input, final Schema output)
    {
        value = input.longColumn(column);
        inputs = input.columns().toArray(new Column[0]);
        outputs = new Column[inputs.length];
        for (int i = 0; i < inputs.length; i++)
        {
            outputs[i] = output.column(inputs[i].name());
        }
        rank = output.intColumn(RANK);
        entryWidth = (int)(((ROW + input.maxRowLength()) + 7) & ~7L);
    }

    @Override
    public int stateBytes()
    {
        return ENTRIES + n * entryWidth;
    }

    @Override
    public void processRow(final RowView row, final ProcessContext context)
    {
        final MutableDirectBuffer state = context.state();
        final int base = context.stateOffset();
        final int count = state.getInt(base + COUNT);
        final long v = value.get(row);
        int position = count;
        while (position > 0 && state.getLong(entry(base, position - 1) + VALUE) < v)
        {
            position--;
        }
        if (position >= n)
        {
            return;
        }
        final int kept = Math.min(count + 1, n);
        for (int i = kept - 1; i > position; i--)
        {
            state.putBytes(entry(base, i), state, entry(base, i - 1), entryWidth);
        }
        final int at = entry(base, position);
        state.putLong(at + VALUE, v);
        state.putInt(at + LENGTH, row.length());
        state.putBytes(at + ROW, row.buffer(), row.offset(), row.length());
        state.putInt(base + COUNT, kept);
        for (int i = position; i < kept; i++)
        {
            final int entry = entry(base, i);
            held.wrap(state, entry + ROW, state.getInt(entry + LENGTH));
            final RowWriter out = context.row();
            for (int c = 0; c < inputs.length; c++)
            {
                inputs[c].copy(held, out, outputs[c]);
            }
            out.putInt(rank, i + 1);
            context.emit();
        }
    }

    private int entry(final int base, final int index)
    {
        return base + ENTRIES + index * entryWidth;
    }

    @Override
    public String toString()
    {
        return "top(" + n + ", " + column + ")";
    }
}
