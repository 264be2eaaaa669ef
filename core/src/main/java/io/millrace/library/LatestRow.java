package io.millrace.library;

import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import org.agrona.MutableDirectBuffer;

/**
 * The latest row of each key, as a {@link KeyedProcessFunction} ({@code keyBy(...).latest(timeColumn)}): a row
 * whose time is at or after the key's latest so far becomes the latest (on a tie the later arrival wins), and is
 * written when that changes the key's row, that is when its bytes differ; an older row is ignored. The output is an
 * upsert stream of the input's schema: each row replaces the key's previous one. The state is one row per key, as
 * wide as the schema's longest row.
 */
public final class LatestRow implements KeyedProcessFunction
{
    private static final int TIME = 0;
    private static final int LENGTH = 8;
    private static final int ROW = 12;

    private final String timeColumn;
    private LongColumn time;
    private int maxRowLength;

    /**
     * @param timeColumn LONG or TIMESTAMP column deciding which row is the latest.
     */
    public LatestRow(final String timeColumn)
    {
        this.timeColumn = timeColumn;
    }

    @Override
    public void open(final Schema input, final Schema output)
    {
        time = input.longColumn(timeColumn);
        if (!input.equals(output))
        {
            throw new IllegalArgumentException("latest(" + timeColumn + ") writes rows of its input's schema");
        }
        maxRowLength = (int)Math.min(Integer.MAX_VALUE - ROW, input.maxRowLength());
    }

    @Override
    public int stateBytes()
    {
        return ROW + maxRowLength;
    }

    @Override
    public void processRow(final RowView row, final ProcessContext context)
    {
        final MutableDirectBuffer state = context.state();
        final int at = context.stateOffset();
        final long t = time.get(row);
        final int held = state.getInt(at + LENGTH);
        if (held > 0 && t < state.getLong(at + TIME))
        {
            return;
        }
        if (held == row.length() && same(state, at + ROW, row))
        {
            return;
        }
        state.putLong(at + TIME, t);
        state.putInt(at + LENGTH, row.length());
        state.putBytes(at + ROW, row.buffer(), row.offset(), row.length());
        context.emit(row);
    }

    private static boolean same(final MutableDirectBuffer state, final int at, final RowView row)
    {
        for (int i = 0; i < row.length(); i++)
        {
            if (state.getByte(at + i) != row.buffer().getByte(row.offset() + i))
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString()
    {
        return "latest(" + timeColumn + ")";
    }
}
