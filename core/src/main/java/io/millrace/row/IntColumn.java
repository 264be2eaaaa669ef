package io.millrace.row;

import java.nio.ByteOrder;

/**
 * Accessor for an INT column.
 */
public final class IntColumn extends Column
{
    IntColumn(final String name, final int index, final int fixedOffset)
    {
        super(name, ColumnType.INT, index, fixedOffset);
    }

    /**
     * @param row to read.
     * @return the column's value in {@code row}.
     */
    public int get(final RowView row)
    {
        return row.buffer().getInt(row.offset() + fixedOffset(), ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void copy(final RowView row, final RowWriter writer, final Column target)
    {
        writer.putInt((IntColumn)target, get(row));
    }
}
