package io.millrace.row;

import java.nio.ByteOrder;

/**
 * Accessor for a DOUBLE column.
 */
public final class DoubleColumn extends Column
{
    DoubleColumn(final String name, final int index, final int fixedOffset)
    {
        super(name, ColumnType.DOUBLE, index, fixedOffset);
    }

    /**
     * @param row to read.
     * @return the column's value in {@code row}.
     */
    public double get(final RowView row)
    {
        return row.buffer().getDouble(row.offset() + fixedOffset(), ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void copy(final RowView row, final RowWriter writer, final Column target)
    {
        writer.putDouble((DoubleColumn)target, get(row));
    }
}
