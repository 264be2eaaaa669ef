package io.millrace.row;

/**
 * The types a {@link Schema} column can have, with the width each takes in the fixed section of a row
 * (see {@link RowDescriptor}).
 */
public enum ColumnType
{
    /** A signed 64-bit integer. */
    LONG(8),
    /** A signed 32-bit integer. */
    INT(4),
    /** An IEEE 754 64-bit floating point number. */
    DOUBLE(8),
    /** {@code true} or {@code false}, one byte. */
    BOOLEAN(1),
    /** Epoch milliseconds, stored and read as a long. */
    TIMESTAMP(8),
    /** A byte string (ASCII or UTF-8) with a declared maximum length in bytes. */
    STRING(RowDescriptor.STRING_REFERENCE_LENGTH);

    private final int fixedWidth;

    ColumnType(final int fixedWidth)
    {
        this.fixedWidth = fixedWidth;
    }

    /**
     * @return bytes the column takes in the fixed section of a row.
     */
    public int fixedWidth()
    {
        return fixedWidth;
    }
}
