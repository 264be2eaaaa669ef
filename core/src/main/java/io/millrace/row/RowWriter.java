package io.millrace.row;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes rows of one {@link Schema} into its own off-heap buffer, reused row after row: {@link #reset()},
 * put each column, then read the bytes through {@link #buffer()}/{@link #length()} or {@link #view(RowView)}.
 * The buffer grows when a row needs more room and then stays that size, so steady state allocates nothing.
 * Columns not put read as 0, false or the empty string. Not thread-safe.
 */
public final class RowWriter
{
    private static final int INITIAL_CAPACITY = 256;
    private static final int MAX_PREALLOCATED = 128 * 1024;

    private final Schema schema;
    private final ExpandableDirectByteBuffer buffer;
    private final int fixedLength;
    private int capacity;
    private int limit;

    /**
     * @param schema of the rows to write.
     */
    public RowWriter(final Schema schema)
    {
        this.schema = schema;
        this.fixedLength = schema.fixedLength();
        // Room for the longest row when that is modest, so that writing never has to grow the buffer.
        this.capacity = (int)Math.max(INITIAL_CAPACITY, Math.min(schema.maxRowLength(), MAX_PREALLOCATED));
        this.buffer = new ExpandableDirectByteBuffer(capacity);
        reset();
    }

    /**
     * @return the schema of the rows written.
     */
    public Schema schema()
    {
        return schema;
    }

    /**
     * Starts a new row: all columns at their zero value.
     *
     * @return this.
     */
    public RowWriter reset()
    {
        int i = 0;
        for (; i + Long.BYTES <= fixedLength; i += Long.BYTES)
        {
            buffer.putLong(i, 0);
        }
        for (; i < fixedLength; i++)
        {
            buffer.putByte(i, (byte)0);
        }
        limit = fixedLength;
        return this;
    }

    /**
     * @param column of this writer's schema.
     * @param value  to put.
     * @return this.
     */
    public RowWriter putLong(final LongColumn column, final long value)
    {
        buffer.putLong(column.fixedOffset(), value, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param column of this writer's schema.
     * @param value  to put.
     * @return this.
     */
    public RowWriter putInt(final IntColumn column, final int value)
    {
        buffer.putInt(column.fixedOffset(), value, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param column of this writer's schema.
     * @param value  to put.
     * @return this.
     */
    public RowWriter putDouble(final DoubleColumn column, final double value)
    {
        buffer.putDouble(column.fixedOffset(), value, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param column of this writer's schema.
     * @param value  to put.
     * @return this.
     */
    public RowWriter putBoolean(final BooleanColumn column, final boolean value)
    {
        buffer.putByte(column.fixedOffset(), value ? (byte)1 : (byte)0);
        return this;
    }

    /**
     * Copies a byte string into the row. Put each string column at most once per row.
     *
     * @param column of this writer's schema.
     * @param source holding the bytes.
     * @param index  of the first byte in {@code source}.
     * @param length in bytes, at most the column's maximum length.
     * @return this.
     * @throws IllegalArgumentException naming the column when the value is too long.
     */
    public RowWriter putString(final StringColumn column, final DirectBuffer source, final int index, final int length)
    {
        final int at = beginString(column, length);
        buffer.putBytes(at, source, index, length);
        return endString(column, length);
    }

    /**
     * Puts a string of single-byte characters (each char's low 8 bits); for ASCII text.
     *
     * @param column of this writer's schema.
     * @param value  ASCII characters.
     * @return this.
     * @throws IllegalArgumentException naming the column when the value is too long.
     */
    public RowWriter putString(final StringColumn column, final CharSequence value)
    {
        final int length = value.length();
        final int at = beginString(column, length);
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(at + i, (byte)value.charAt(i));
        }
        return endString(column, length);
    }

    /**
     * Reserves room for a string value of up to {@code maxLength} bytes and returns where to write its bytes
     * in {@link #buffer()}; finish with {@link #endString(StringColumn, int)}. Lets a caller build a value in
     * place (lower-casing, formatting digits) without a copy.
     *
     * @param column    of this writer's schema.
     * @param maxLength most bytes that will be written.
     * @return index in {@link #buffer()} to write the first byte at.
     * @throws IllegalArgumentException naming the column when {@code maxLength} exceeds its maximum length.
     */
    public int beginString(final StringColumn column, final int maxLength)
    {
        if (maxLength > column.maxLength())
        {
            throw new IllegalArgumentException("value of " + maxLength + " bytes exceeds column '" +
                column.name() + "' maximum of " + column.maxLength());
        }
        if (limit + maxLength > capacity)
        {
            buffer.checkLimit(limit + maxLength);
            capacity = buffer.capacity();
        }
        return limit;
    }

    /**
     * Completes a value begun with {@link #beginString(StringColumn, int)}.
     *
     * @param column of this writer's schema, the one begun.
     * @param length of the value written, in bytes.
     * @return this.
     */
    public RowWriter endString(final StringColumn column, final int length)
    {
        final int slot = column.fixedOffset();
        buffer.putInt(slot + RowDescriptor.STRING_OFFSET_OFFSET, limit, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(slot + RowDescriptor.STRING_LENGTH_OFFSET, length, ByteOrder.LITTLE_ENDIAN);
        limit += length;
        return this;
    }

    /**
     * @return the buffer the row is written in; the row starts at index 0.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return length of the row written so far, in bytes.
     */
    public int length()
    {
        return limit;
    }

    /**
     * Points {@code view} at the row written so far.
     *
     * @param view to re-point.
     * @return {@code view}.
     */
    public RowView view(final RowView view)
    {
        return view.wrap(buffer, 0, limit);
    }
}
