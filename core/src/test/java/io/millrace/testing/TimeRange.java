package io.millrace.testing;

import io.millrace.function.AggregateFunction;
import io.millrace.row.ColumnType;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.source.CsvSource;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A user-defined aggregate for tests: {@code max(event_time) - min(event_time)} of a group, in a 16-byte
 * accumulator (the minimum, then the maximum), merged when sessions merge. Not final, so that a test can override a method.
 */
public class TimeRange implements AggregateFunction
{
    private LongColumn time;

    public ColumnType resultType()
    {
        return ColumnType.LONG;
    }

    public int accumulatorBytes()
    {
        return 16;
    }

    public void open(final Schema input)
    {
        time = input.longColumn(CsvSource.EVENT_TIME_COLUMN);
    }

    public void init(final RowView row, final MutableDirectBuffer accumulator, final int offset)
    {
        accumulator.putLong(offset, time.get(row));
        accumulator.putLong(offset + 8, time.get(row));
    }

    public void add(final RowView row, final MutableDirectBuffer accumulator, final int offset)
    {
        accumulator.putLong(offset, Math.min(accumulator.getLong(offset), time.get(row)));
        accumulator.putLong(offset + 8, Math.max(accumulator.getLong(offset + 8), time.get(row)));
    }

    public void merge(final MutableDirectBuffer accumulators, final int intoOffset, final int fromOffset)
    {
        accumulators.putLong(intoOffset, Math.min(accumulators.getLong(intoOffset),
            accumulators.getLong(fromOffset)));
        accumulators.putLong(intoOffset + 8, Math.max(accumulators.getLong(intoOffset + 8),
            accumulators.getLong(fromOffset + 8)));
    }

    public long longResult(final DirectBuffer accumulator, final int offset)
    {
        return accumulator.getLong(offset + 8) - accumulator.getLong(offset);
    }
}
