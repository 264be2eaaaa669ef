package io.millrace.internal.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;

/**
 * Reads back what a {@link StateWriter} wrote, in the same order. Single-threaded.
 */
public final class StateReader
{
    private final DirectBuffer buffer;
    private final int limit;
    private int position;

    /**
     * @param buffer holding a snapshot.
     * @param offset of its first byte.
     * @param length of the snapshot.
     */
    public StateReader(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
    }

    /**
     * @return a reader over the next section, which this reader then skips.
     * @throws IllegalStateException when the snapshot has no more sections.
     */
    public StateReader nextSection()
    {
        final int length = getInt();
        check(length);
        final StateReader section = new StateReader(buffer, position, length);
        position += length;
        return section;
    }

    /**
     * @return the next long.
     */
    public long getLong()
    {
        check(Long.BYTES);
        final long value = buffer.getLong(position);
        position += Long.BYTES;
        return value;
    }

    /**
     * @return the next int.
     */
    public int getInt()
    {
        check(Integer.BYTES);
        final int value = buffer.getInt(position);
        position += Integer.BYTES;
        return value;
    }

    /**
     * Replaces the contents of a list with the next ints written by {@link StateWriter#putInts}.
     *
     * @param list to fill.
     */
    public void getInts(final IntArrayList list)
    {
        list.clear();
        for (int i = getInt(); i > 0; i--)
        {
            list.addInt(getInt());
        }
    }

    /**
     * @return length of the next byte block, which {@link #getBytes(MutableDirectBuffer, int)} then copies.
     */
    public int peekBytesLength()
    {
        check(Integer.BYTES);
        return buffer.getInt(position);
    }

    /**
     * Copies the next byte block.
     *
     * @param target to copy into.
     * @param index  in {@code target} of the first byte.
     * @return bytes copied.
     */
    public int getBytes(final MutableDirectBuffer target, final int index)
    {
        final int length = getInt();
        check(length);
        target.putBytes(index, buffer, position, length);
        position += length;
        return length;
    }

    /**
     * @return whether everything was read.
     */
    public boolean isEmpty()
    {
        return position == limit;
    }

    private void check(final int length)
    {
        if (length < 0 || position + length > limit)
        {
            throw new IllegalStateException("snapshot truncated or of another query: needs " + length +
                " bytes at " + position + ", has " + (limit - position));
        }
    }
}
