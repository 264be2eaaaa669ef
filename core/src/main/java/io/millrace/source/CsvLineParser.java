package io.millrace.source;

import io.millrace.row.BooleanColumn;
import io.millrace.row.Column;
import io.millrace.row.DoubleColumn;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.StringColumn;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Parses one CSV line into a row, field {@code i} into column {@code i}, with RFC 4180 quoting: a field that
 * starts with {@code "} runs to the closing quote, holds commas as they are and a quote as {@code ""}, and must be
 * followed by a comma or the end of the line. A quote inside an unquoted field, text after a closing quote and a
 * quote left open at the end of the line (a field spanning lines, which is not supported) make the line bad.
 * TIMESTAMP fields are epoch milliseconds or ISO-8601 date-times with an offset ({@code Z} or {@code +01:00}),
 * fractions below a millisecond dropped. Allocates only for bad lines and ISO-8601 times. One thread.
 * <p>
 * {@link CsvSource} reads files with it; other sources use it for records that hold one CSV line each (a Kafka
 * record's value, say).
 */
public final class CsvLineParser
{
    private static final byte QUOTE = '"';
    private static final byte COMMA = ',';
    private static final long NOT_A_NUMBER = Long.MIN_VALUE;

    private final Column[] columns;
    private final boolean allowEmptyStrings;
    private int doubledQuotes;

    /**
     * @param columns           one per field, in order.
     * @param allowEmptyStrings whether an empty string field is a value (true) or a bad line (false).
     */
    public CsvLineParser(final Column[] columns, final boolean allowEmptyStrings)
    {
        this.columns = columns.clone();
        this.allowEmptyStrings = allowEmptyStrings;
    }

    /**
     * Parses one line, without its line end, into {@code row}.
     *
     * @param buffer holding the line.
     * @param index  of its first byte.
     * @param length of the line in bytes.
     * @param row    to write the fields into.
     * @return null when the row is complete, else the reason it is not.
     */
    public String parse(final DirectBuffer buffer, final int index, final int length, final RowWriter row)
    {
        if (length == 0)
        {
            return "empty line";
        }
        final int end = index + length;
        int at = index;
        for (int i = 0; i < columns.length; i++)
        {
            if (at > end)
            {
                return "expected " + columns.length + " fields, found " + i;
            }
            final Column column = columns[i];
            final String error;
            if (at < end && buffer.getByte(at) == QUOTE)
            {
                final int close = closingQuote(buffer, at + 1, end);
                if (close < 0)
                {
                    return "field '" + column.name() + "' has a quote that is not closed on its line (a quoted " +
                        "field spanning lines is not supported)";
                }
                if (close + 1 < end && buffer.getByte(close + 1) != COMMA)
                {
                    return "field '" + column.name() + "' has text after its closing quote";
                }
                error = doubledQuotes > 0 && column instanceof StringColumn ?
                    putUnquoted((StringColumn)column, buffer, at + 1, close, row) :
                    parseField(column, buffer, at + 1, close - at - 1, row);
                at = close + 2;
            }
            else
            {
                int fieldEnd = at;
                while (fieldEnd < end && buffer.getByte(fieldEnd) != COMMA)
                {
                    if (buffer.getByte(fieldEnd) == QUOTE)
                    {
                        return "field '" + column.name() + "' has a quote but does not start with one (quote the " +
                            "whole field and double the quotes inside)";
                    }
                    fieldEnd++;
                }
                error = parseField(column, buffer, at, fieldEnd - at, row);
                at = fieldEnd + 1;
            }
            if (null != error)
            {
                return error;
            }
        }
        if (at <= end)
        {
            return "expected " + columns.length + " fields, found " + (columns.length + countFields(buffer, at, end));
        }
        return null;
    }

    /**
     * @return the index of the quote that closes a quoted field starting at {@code from}, or -1 when the line ends
     * first; {@link #doubledQuotes} is set to the number of {@code ""} inside.
     */
    private int closingQuote(final DirectBuffer buffer, final int from, final int end)
    {
        doubledQuotes = 0;
        int i = from;
        while (i < end)
        {
            if (buffer.getByte(i) == QUOTE)
            {
                if (i + 1 < end && buffer.getByte(i + 1) == QUOTE)
                {
                    doubledQuotes++;
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        return -1;
    }

    /**
     * Writes a quoted string field whose {@code ""} become {@code "}.
     */
    private String putUnquoted(
        final StringColumn column, final DirectBuffer buffer, final int from, final int close, final RowWriter row)
    {
        final int length = close - from - doubledQuotes;
        if (length > column.maxLength())
        {
            return "field '" + column.name() + "' of " + length + " bytes exceeds maximum " + column.maxLength();
        }
        final int start = row.beginString(column, length);
        final MutableDirectBuffer out = row.buffer();
        int written = 0;
        for (int i = from; i < close; i++)
        {
            final byte b = buffer.getByte(i);
            out.putByte(start + written++, b);
            if (b == QUOTE)
            {
                i++;
            }
        }
        row.endString(column, length);
        return null;
    }

    private int countFields(final DirectBuffer buffer, final int from, final int end)
    {
        int fields = 1;
        boolean quoted = false;
        for (int i = from; i < end; i++)
        {
            final byte b = buffer.getByte(i);
            if (b == QUOTE)
            {
                quoted = !quoted;
            }
            else if (b == COMMA && !quoted)
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
            case TIMESTAMP:
            {
                long value = parseLong(buffer, at, length);
                if (value == NOT_A_NUMBER)
                {
                    value = parseIsoDateTime(buffer, at, length);
                }
                if (value == NOT_A_NUMBER)
                {
                    return fieldError(column, buffer, at, length,
                        "not an integer (epoch milliseconds) or an ISO-8601 time with an offset");
                }
                row.putLong((LongColumn)column, value);
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

    /**
     * @return epoch milliseconds of an ISO-8601 date-time with an offset, e.g. {@code 2023-11-14T22:13:20.123Z} or
     * {@code 2023-11-14T23:13:20+01:00}, floored to the millisecond; {@link #NOT_A_NUMBER} for anything else.
     */
    private static long parseIsoDateTime(final DirectBuffer buffer, final int at, final int length)
    {
        // The shortest, 2023-11-14T22:13Z, has 17 characters; shorter text is not tried.
        if (length < 17)
        {
            return NOT_A_NUMBER;
        }
        try
        {
            return OffsetDateTime.parse(text(buffer, at, length), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant().toEpochMilli();
        }
        catch (final DateTimeException | ArithmeticException ex)
        {
            return NOT_A_NUMBER;
        }
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
