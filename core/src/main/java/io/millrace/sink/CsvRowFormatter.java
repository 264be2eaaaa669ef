package io.millrace.sink;

import io.millrace.row.BooleanColumn;
import io.millrace.row.Column;
import io.millrace.row.DoubleColumn;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Formats rows of one schema as CSV lines ending in {@code \n}, into a reused buffer: integers in decimal,
 * booleans as {@code true}/{@code false}, doubles as {@link Double#toString(double)} (which allocates), strings as
 * their bytes, quoted per RFC 4180 only when they hold a comma, quote, CR or LF. Not thread-safe.
 */
public final class CsvRowFormatter
{
    private final Column[] columns;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);

    /**
     * @param schema of the rows.
     */
    public CsvRowFormatter(final Schema schema)
    {
        this.columns = schema.columns().toArray(new Column[0]);
    }

    /**
     * Formats only some columns of each row, in the order given: a row's key, say.
     *
     * @param schema  of the rows.
     * @param columns names of the columns to format.
     * @throws IllegalArgumentException when the schema has no column of one of the names.
     */
    public CsvRowFormatter(final Schema schema, final List<String> columns)
    {
        this.columns = new Column[columns.size()];
        for (int i = 0; i < this.columns.length; i++)
        {
            this.columns[i] = schema.column(columns.get(i));
        }
    }

    /**
     * @param row to format.
     * @return length of the line in {@link #buffer()}, from index 0.
     */
    public int format(final RowView row)
    {
        int at = 0;
        for (int i = 0; i < columns.length; i++)
        {
            if (i > 0)
            {
                buffer.putByte(at++, (byte)',');
            }
            at = formatValue(columns[i], row, at);
        }
        buffer.putByte(at++, (byte)'\n');
        return at;
    }

    /**
     * @return the buffer holding the last line formatted.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    private int formatValue(final Column column, final RowView row, final int at)
    {
        switch (column.type())
        {
            case LONG:
            case TIMESTAMP:
                return at + buffer.putLongAscii(at, ((LongColumn)column).get(row));
            case INT:
                return at + buffer.putIntAscii(at, ((IntColumn)column).get(row));
            case BOOLEAN:
                return at + buffer.putStringWithoutLengthAscii(at, ((BooleanColumn)column).get(row) ? "true" : "false");
            case DOUBLE:
                return at + buffer.putStringWithoutLengthAscii(at, Double.toString(((DoubleColumn)column).get(row)));
            default:
                return formatString((StringColumn)column, row, at);
        }
    }

    private int formatString(final StringColumn column, final RowView row, final int at)
    {
        final DirectBuffer source = row.buffer();
        final int from = column.bytesOffset(row);
        final int length = column.length(row);
        if (!needsQuotes(source, from, length))
        {
            buffer.putBytes(at, source, from, length);
            return at + length;
        }
        int out = at;
        buffer.putByte(out++, (byte)'"');
        for (int i = 0; i < length; i++)
        {
            final byte b = source.getByte(from + i);
            if (b == '"')
            {
                buffer.putByte(out++, (byte)'"');
            }
            buffer.putByte(out++, b);
        }
        buffer.putByte(out++, (byte)'"');
        return out;
    }

    private static boolean needsQuotes(final DirectBuffer source, final int from, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            final byte b = source.getByte(from + i);
            if (b == ',' || b == '"' || b == '\n' || b == '\r')
            {
                return true;
            }
        }
        return false;
    }
}
