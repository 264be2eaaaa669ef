package io.millrace.row;

import org.agrona.AsciiSequenceView;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Accessor for a STRING column. Values are byte strings read in place: {@link #bytesOffset(RowView)} and
 * {@link #length(RowView)} locate them in {@link RowView#buffer()}, {@link #wrap(RowView, AsciiSequenceView)}
 * views them as a {@link CharSequence}; only {@link #getString(RowView)} allocates.
 */
public final class StringColumn extends Column
{
    private final int maxLength;

    StringColumn(final String name, final int index, final int fixedOffset, final int maxLength)
    {
        super(name, ColumnType.STRING, index, fixedOffset);
        this.maxLength = maxLength;
    }

    @Override
    public int maxLength()
    {
        return maxLength;
    }

    /**
     * @param row to read.
     * @return length of the value in bytes.
     */
    public int length(final RowView row)
    {
        return row.buffer().getInt(
            row.offset() + fixedOffset() + RowDescriptor.STRING_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * @param row to read.
     * @return index in {@link RowView#buffer()} of the value's first byte.
     */
    public int bytesOffset(final RowView row)
    {
        return row.offset() + row.buffer().getInt(
            row.offset() + fixedOffset() + RowDescriptor.STRING_OFFSET_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Points {@code view} at the value without copying it.
     *
     * @param row  to read.
     * @param view to re-point.
     * @return {@code view}.
     */
    public AsciiSequenceView wrap(final RowView row, final AsciiSequenceView view)
    {
        return view.wrap(row.buffer(), bytesOffset(row), length(row));
    }

    /**
     * Compares the value with {@code bytes} without copying.
     *
     * @param row   to read.
     * @param other buffer holding the bytes to compare with.
     * @param index of the first byte in {@code other}.
     * @param length of the bytes in {@code other}.
     * @return whether the bytes are equal.
     */
    public boolean equals(final RowView row, final DirectBuffer other, final int index, final int length)
    {
        return length(row) == length &&
            bytesEqual(row.buffer(), bytesOffset(row), other, index, length);
    }

    /**
     * Decodes the value as UTF-8 into a new {@link String}; allocates, so keep it off hot paths.
     *
     * @param row to read.
     * @return the value.
     */
    public String getString(final RowView row)
    {
        final int length = length(row);
        final byte[] bytes = new byte[length];
        row.buffer().getBytes(bytesOffset(row), bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void copy(final RowView row, final RowWriter writer, final Column target)
    {
        writer.putString((StringColumn)target, row.buffer(), bytesOffset(row), length(row));
    }

    static boolean bytesEqual(
        final DirectBuffer a, final int aIndex, final DirectBuffer b, final int bIndex, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (a.getByte(aIndex + i) != b.getByte(bIndex + i))
            {
                return false;
            }
        }
        return true;
    }
}
