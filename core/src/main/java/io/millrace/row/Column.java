package io.millrace.row;

/**
 * A column of a {@link Schema}, resolved once when a query is built and then used to read every row
 * cheaply. Subclasses add typed accessors; instances are immutable and thread-safe.
 */
public abstract class Column
{
    private final String name;
    private final ColumnType type;
    private final int index;
    private final int fixedOffset;

    Column(final String name, final ColumnType type, final int index, final int fixedOffset)
    {
        this.name = name;
        this.type = type;
        this.index = index;
        this.fixedOffset = fixedOffset;
    }

    /**
     * @return the column's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the column's type.
     */
    public ColumnType type()
    {
        return type;
    }

    /**
     * @return position of the column in its schema, from 0.
     */
    public int index()
    {
        return index;
    }

    /**
     * @return offset of the column's slot from the start of a row.
     */
    public int fixedOffset()
    {
        return fixedOffset;
    }

    /**
     * Maximum length in bytes of a value of this column: the declared maximum for strings, the fixed width
     * otherwise.
     *
     * @return the maximum length in bytes.
     */
    public int maxLength()
    {
        return type.fixedWidth();
    }

    /**
     * Copies this column's value in {@code row} into column {@code target} of the row being written.
     * The target must have the same type (or LONG/TIMESTAMP for each other).
     *
     * @param row    to read from.
     * @param writer to write into.
     * @param target column of the writer's schema.
     */
    public abstract void copy(RowView row, RowWriter writer, Column target);

    @Override
    public String toString()
    {
        return type == ColumnType.STRING ? name + ":STRING(" + maxLength() + ")" : name + ":" + type;
    }
}
