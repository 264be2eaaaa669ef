package io.millrace.row;

/**
 * Accessor for a BOOLEAN column.
 */
public final class BooleanColumn extends Column
{
    BooleanColumn(final String name, final int index, final int fixedOffset)
    {
        super(name, ColumnType.BOOLEAN, index, fixedOffset);
    }

    /**
     * @param row to read.
     * @return the column's value in {@code row}.
     */
    public boolean get(final RowView row)
    {
        return row.buffer().getByte(row.offset() + fixedOffset()) != 0;
    }

    @Override
    public void copy(final RowView row, final RowWriter writer, final Column target)
    {
        writer.putBoolean((BooleanColumn)target, get(row));
    }
}
