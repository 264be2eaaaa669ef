package io.millrace.row;

import java.nio.ByteOrder;

/**
 * Accessor for a LONG or TIMESTAMP column.
 */
public final class LongColumn extends Column
{
    LongColumn(final String name, final ColumnType type, final int index, final int fixedOffset)
    {
        super(name, type, index, fixedOffset);
    }

    /**
     * @param row to read.
     * @return the column's value in {@code row}.
     */
    public long get(final RowView row)
    {
        return row.buffer().getLong(row.offset() + fixedOffset(), ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void copy(final RowView row, final RowWriter writer, final Column target)
    {
        writer.putLong((LongColumn)target, get(row));
    }
}
