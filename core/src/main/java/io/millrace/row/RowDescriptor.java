package io.millrace.row;

/**
 * Layout of a row: a fixed section with one slot per column in declaration order, then a variable
 * section holding string bytes. All numbers are little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |        fixed slots: LONG, DOUBLE, TIMESTAMP 8 bytes,          |
 *  |        INT 4 bytes, BOOLEAN 1 byte, STRING 8 bytes:           |
 *  +-------------------------------+-------------------------------+
 *  |  string offset from row start |  string length in bytes      |  (one STRING slot)
 *  +-------------------------------+-------------------------------+
 *  |                  variable section: string bytes              ...
 *  +---------------------------------------------------------------+
 * </pre>
 * A row's total length is carried beside it (in its ring slot or buffer), not in the row.
 */
public final class RowDescriptor
{
    /** Width of a STRING column's slot in the fixed section. */
    public static final int STRING_REFERENCE_LENGTH = 8;
    /** Offset within a STRING slot of the string's offset from the row start. */
    public static final int STRING_OFFSET_OFFSET = 0;
    /** Offset within a STRING slot of the string's length. */
    public static final int STRING_LENGTH_OFFSET = 4;

    private RowDescriptor()
    {
    }
}
