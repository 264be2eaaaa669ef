package io.millrace.row;

import org.agrona.DirectBuffer;

/**
 * Flyweight over one row's bytes (layout in {@link RowDescriptor}), re-pointed with
 * {@link #wrap(DirectBuffer, int, int)} for each row; values are read with the {@link Column} accessors
 * of the row's {@link Schema}. A view is valid only until the callback that handed it out returns.
 * Not thread-safe.
 */
public final class RowView
{
    private DirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * @param buffer holding the row.
     * @param offset of the row's first byte.
     * @param length of the row in bytes.
     * @return this.
     */
    public RowView wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * @return the buffer holding the row.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return index of the row's first byte in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return length of the row in bytes.
     */
    public int length()
    {
        return length;
    }
}
