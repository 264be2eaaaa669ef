package io.millrace.bench;

import io.millrace.function.AggregateFunction;
import io.millrace.row.ColumnType;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.source.CsvSource;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A user-defined aggregate for the benchmarks: the span of a group's event times, {@code max - min}, in a 16-byte
 * accumulator.
 */
public final class EventTimeRange implements AggregateFunction
{
    private LongColumn time;

    @Override
    public ColumnType resultType()
    {
        return ColumnType.LONG;
    }

    @Override
    public int accumulatorBytes()
    {
        return 16;
    }

    @Override
    public void open(final Schema input)
    {
        time = input.longColumn(CsvSource.EVENT_TIME_COLUMN);
    }

    @Override
    public void init(final RowView row, final MutableDirectBuffer accumulator, final int offset)
    {
        final long t = time.get(row);
        accumulator.putLong(offset, t);
        accumulator.putLong(offset + 8, t);
    }

    @Override
    public void add(final RowView row, final MutableDirectBuffer accumulator, final int offset)
    {
        final long t = time.get(row);
        if (t < accumulator.getLong(offset))
        {
            accumulator.putLong(offset, t);
        }
        if (t > accumulator.getLong(offset + 8))
        {
            accumulator.putLong(offset + 8, t);
        }
    }

    @Override
    public void merge(final MutableDirectBuffer accumulators, final int intoOffset, final int fromOffset)
    {
        accumulators.putLong(intoOffset, Math.min(accumulators.getLong(intoOffset), accumulators.getLong(fromOffset)));
        accumulators.putLong(intoOffset + 8,
            Math.max(accumulators.getLong(intoOffset + 8), accumulators.getLong(fromOffset + 8)));
    }

    @Override
    public long longResult(final DirectBuffer accumulator, final int offset)
    {
        return accumulator.getLong(offset + 8) - accumulator.getLong(offset);
    }
}
