package io.millrace.internal.state;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.IntArrayList;

/**
 * Appends operator state to one growing off-heap buffer for an epoch snapshot: numbers and bulk copies of
 * off-heap regions, read back in the same order by {@link StateReader}. Each operator writes one section
 * ({@link #beginSection()}/{@link #endSection()}), so that a chain restores positionally. Reused epoch after
 * epoch; single-threaded.
 */
public final class StateWriter
{
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(64 * 1024);
    private int limit;
    private int sectionStart = -1;

    /**
     * Empties the buffer for the next snapshot.
     */
    public void reset()
    {
        limit = 0;
        sectionStart = -1;
    }

    /**
     * Makes room for a snapshot of {@code bytes} bytes ahead of writing it, so that writing it does not grow the
     * buffer: growing allocates a new buffer, which the operating system zeroes page by page, and copies the old
     * one. Called by a thread with time to spare, while no one writes the snapshot.
     *
     * @param bytes the snapshot is expected to take.
     */
    public void reserve(final int bytes)
    {
        buffer.checkLimit(bytes);
    }

    /**
     * Starts an operator's section.
     */
    public void beginSection()
    {
        sectionStart = limit;
        putInt(0);
    }

    /**
     * Ends the section begun last, recording its length.
     */
    public void endSection()
    {
        buffer.putInt(sectionStart, limit - sectionStart - Integer.BYTES);
        sectionStart = -1;
    }

    /**
     * @param value to append.
     */
    public void putLong(final long value)
    {
        buffer.putLong(limit, value);
        limit += Long.BYTES;
    }

    /**
     * @param value to append.
     */
    public void putInt(final int value)
    {
        buffer.putInt(limit, value);
        limit += Integer.BYTES;
    }

    /**
     * Appends a count then the ints of a list.
     *
     * @param list to append.
     */
    public void putInts(final IntArrayList list)
    {
        putInt(list.size());
        for (int i = 0; i < list.size(); i++)
        {
            putInt(list.getInt(i));
        }
    }

    /**
     * Appends a length then the bytes.
     *
     * @param source holding the bytes.
     * @param index  of the first byte.
     * @param length of the bytes.
     */
    public void putBytes(final DirectBuffer source, final int index, final int length)
    {
        putInt(length);
        buffer.putBytes(limit, source, index, length);
        limit += length;
    }

    /**
     * Appends the sections of another snapshot as they are: one snapshot of several tasks' states.
     *
     * @param sections a snapshot of whole sections.
     */
    public void append(final StateWriter sections)
    {
        buffer.putBytes(limit, sections.buffer, 0, sections.limit);
        limit += sections.limit;
    }

    /**
     * @return the buffer holding the snapshot, from index 0.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return length of the snapshot so far.
     */
    public int length()
    {
        return limit;
    }
}
