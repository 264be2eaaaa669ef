package io.millrace.source;

import io.millrace.row.BooleanColumn;
import io.millrace.row.Column;
import io.millrace.row.DoubleColumn;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads CSV files (or standard input, {@code -}) onto a schema: field {@code i} of each line becomes column
 * {@code i}. Fields are split at every comma (no quoting). Integers are plain decimal ({@code -?[0-9]+}),
 * booleans {@code true}/{@code false}, strings raw bytes up to the column's maximum. A line that does not fit
 * (wrong number of fields, a bad number, a string too long, an empty string where none is allowed, an empty line,
 * a line over the maximum record size) goes to the dead-letter output with its line number and the reason; the
 * source goes on. Offsets are byte offsets of line starts, counted from the start of the first input; the source can
 * seek, so it is replayable while its files are unchanged.
 */
public final class CsvSource extends LineSource
{
    /** Event-time column of {@link #eventSchema()}. */
    public static final String EVENT_TIME_COLUMN = "event_time";
    /** Key column of {@link #eventSchema()}. */
    public static final String KEY_COLUMN = "key";
    /** Longest key of {@link #eventSchema()}, in bytes. */
    public static final int KEY_MAX_LENGTH = 256;

    private final Schema schema;
    private final Column[] columns;
    private final boolean allowEmptyStrings;
    private final StringColumn lineColumn;

    /**
     * @param inputs            files in order; {@code -} is standard input.
     * @param schema            of the rows, one column per field.
     * @param maxRecordSize     longest line in bytes.
     * @param allowEmptyStrings whether an empty string field is a value (true) or a bad record (false).
     */
    public CsvSource(
        final List<Path> inputs, final Schema schema, final int maxRecordSize, final boolean allowEmptyStrings)
    {
        this(inputs, schema, maxRecordSize, allowEmptyStrings, null);
    }

    /**
     * @param inputs            files in order; {@code -} is standard input.
     * @param fields            one column per field.
     * @param maxRecordSize     longest line in bytes.
     * @param allowEmptyStrings whether an empty string field is a value (true) or a bad record (false).
     * @param lineColumn        name of an extra last column holding the original line, or null for none; lets
     *                          late or rejected rows be written back as they came.
     */
    public CsvSource(
        final List<Path> inputs,
        final Schema fields,
        final int maxRecordSize,
        final boolean allowEmptyStrings,
        final String lineColumn)
    {
        super(inputs, maxRecordSize);
        this.columns = fields.columns().toArray(new Column[0]);
        this.schema = null == lineColumn ? fields : withLine(fields, lineColumn, maxRecordSize);
        this.lineColumn = null == lineColumn ? null : schema.stringColumn(lineColumn);
        this.allowEmptyStrings = allowEmptyStrings;
    }

    private static Schema withLine(final Schema fields, final String lineColumn, final int maxRecordSize)
    {
        final Schema.Builder builder = Schema.builder();
        for (final Column column : fields.columns())
        {
            builder.like(column);
        }
        return builder.stringColumn(lineColumn, maxRecordSize).build();
    }

    /**
     * The schema of {@code event_time_ms,key} input (DESIGN §7): {@code event_time} TIMESTAMP, {@code key}
     * STRING of at most {@link #KEY_MAX_LENGTH} bytes.
     *
     * @return the schema.
     */
    public static Schema eventSchema()
    {
        return Schema.builder().timestampColumn(EVENT_TIME_COLUMN).stringColumn(KEY_COLUMN, KEY_MAX_LENGTH).build();
    }

    @Override
    public Schema schema()
    {
        return schema;
    }

    @Override
    public boolean onLine(
        final DirectBuffer buffer, final int index, final int length, final long lineNumber, final long offset)
    {
        final RowWriter row = output.row();
        final String error = parse(buffer, index, length, row);
        if (null == error && null != lineColumn)
        {
            row.putString(lineColumn, buffer, index, length);
        }
        if (null != error)
        {
            output.deadLetter(lineNumber, error, buffer, index, length);
            return true;
        }
        return output.emit(offset);
    }

    @Override
    public String toString()
    {
        return "CsvSource" + inputs + schema;
    }

    /**
     * Parses one line into {@code row}.
     *
     * @return null when the row is complete, else the reason it is not; allocates only for bad lines.
     */
    private String parse(final DirectBuffer buffer, final int index, final int length, final RowWriter row)
    {
        if (length == 0)
        {
            return "empty line";
        }
        final int end = index + length;
        int fieldStart = index;
        for (int i = 0; i < columns.length; i++)
        {
            if (fieldStart > end)
            {
                return "expected " + columns.length + " fields, found " + i;
            }
            int fieldEnd = fieldStart;
            while (fieldEnd < end && buffer.getByte(fieldEnd) != ',')
            {
                fieldEnd++;
            }
            final String error = parseField(columns[i], buffer, fieldStart, fieldEnd - fieldStart, row);
            if (null != error)
            {
                return error;
            }
            fieldStart = fieldEnd + 1;
        }
        if (fieldStart <= end)
        {
            return "expected " + columns.length + " fields, found " + (columns.length + countFields(buffer, fieldStart, end));
        }
        return null;
    }

    private static int countFields(final DirectBuffer buffer, final int from, final int end)
    {
        int fields = 1;
        for (int i = from; i < end; i++)
        {
            if (buffer.getByte(i) == ',')
            {
                fields++;
            }
        }
        return fields;
    }

    private String parseField(
        final Column column, final DirectBuffer buffer, final int at, final int length, final RowWriter row)
    {
        switch (column.type())
        {
            case STRING:
                if (length == 0 && !allowEmptyStrings)
                {
                    return "field '" + column.name() + "' is empty";
                }
                if (length > column.maxLength())
                {
                    return "field '" + column.name() + "' of " + length + " bytes exceeds maximum " + column.maxLength();
                }
                row.putString((StringColumn)column, buffer, at, length);
                return null;
            case BOOLEAN:
                if (matches(buffer, at, length, "true") || matches(buffer, at, length, "false"))
                {
                    row.putBoolean((BooleanColumn)column, length == 4);
                    return null;
                }
                return fieldError(column, buffer, at, length, "not true or false");
            case DOUBLE:
                try
                {
                    row.putDouble((DoubleColumn)column, Double.parseDouble(text(buffer, at, length)));
                    return null;
                }
                catch (final NumberFormatException ex)
                {
                    return fieldError(column, buffer, at, length, "not a number");
                }
            case INT:
            {
                final long value = parseLong(buffer, at, length);
                if (value == NOT_A_NUMBER || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
                {
                    return fieldError(column, buffer, at, length, "not a 32-bit integer");
                }
                row.putInt((IntColumn)column, (int)value);
                return null;
            }
            default:
            {
                final long value = parseLong(buffer, at, length);
                if (value == NOT_A_NUMBER)
                {
                    return fieldError(column, buffer, at, length, "not an integer");
                }
                row.putLong((LongColumn)column, value);
                return null;
            }
        }
    }

    private static final long NOT_A_NUMBER = Long.MIN_VALUE;

    /**
     * @return the value of {@code -?[0-9]{1,18}}, or {@link #NOT_A_NUMBER} for anything else (so Long.MIN_VALUE and
     * 19-digit values are rejected rather than risking overflow; epoch milliseconds need 13).
     */
    private static long parseLong(final DirectBuffer buffer, final int at, final int length)
    {
        final boolean negative = length > 0 && buffer.getByte(at) == '-';
        final int digits = negative ? length - 1 : length;
        if (digits < 1 || digits > 18)
        {
            return NOT_A_NUMBER;
        }
        long value = 0;
        for (int i = length - digits; i < length; i++)
        {
            final int digit = buffer.getByte(at + i) - '0';
            if (digit < 0 || digit > 9)
            {
                return NOT_A_NUMBER;
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    private static boolean matches(final DirectBuffer buffer, final int at, final int length, final String word)
    {
        if (length != word.length())
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(at + i) != word.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    private static String fieldError(
        final Column column, final DirectBuffer buffer, final int at, final int length, final String problem)
    {
        return length == 0 ? "field '" + column.name() + "' is missing" :
            "field '" + column.name() + "' is " + problem + ": " + text(buffer, at, Math.min(length, 64));
    }

    private static String text(final DirectBuffer buffer, final int at, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
