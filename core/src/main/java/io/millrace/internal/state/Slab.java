package io.millrace.internal.state;

import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Off-heap fixed-width records addressed by stable ids: an id stays valid until its record is freed, and freed
 * ids are reused (last freed, first reused). The region doubles when full. Single-threaded.
 */
public final class Slab
{
    private final int recordWidth;
    private UnsafeBuffer records;
    private final IntArrayList freeIds = new IntArrayList();
    private int limit;

    /**
     * @param recordWidth     bytes per record.
     * @param initialCapacity records before the first growth.
     */
    public Slab(final int recordWidth, final int initialCapacity)
    {
        this.recordWidth = recordWidth;
        this.records = allocate((long)Math.max(8, initialCapacity) * recordWidth);
    }

    /**
     * @return the id of a new record, zeroed.
     */
    public int allocate()
    {
        final int id = allocateUnzeroed();
        records.setMemory(offset(id), recordWidth, (byte)0);
        return id;
    }

    /**
     * @return the id of a new record holding what a freed one held (zeros when new): for callers that write every
     * byte they later read.
     */
    public int allocateUnzeroed()
    {
        final int id;
        if (freeIds.isEmpty())
        {
            id = limit++;
            if ((long)limit * recordWidth > records.capacity())
            {
                final UnsafeBuffer grown = allocate(Math.max((long)limit * recordWidth, records.capacity() * 2L));
                grown.putBytes(0, records, 0, records.capacity());
                records = grown;
            }
        }
        else
        {
            id = freeIds.popInt();
        }
        return id;
    }

    /**
     * @param id of a record to free; the caller marks it free in its own bytes if it iterates.
     */
    public void free(final int id)
    {
        freeIds.addInt(id);
    }

    /**
     * Frees every record.
     */
    public void clear()
    {
        freeIds.clear();
        limit = 0;
    }

    /**
     * @return the buffer holding the records; valid until the next {@link #allocate()}.
     */
    public MutableDirectBuffer buffer()
    {
        return records;
    }

    /**
     * @param id of a record.
     * @return index of its first byte in {@link #buffer()}.
     */
    public int offset(final int id)
    {
        return id * recordWidth;
    }

    /**
     * @return one past the highest id ever allocated since the last clear.
     */
    public int limit()
    {
        return limit;
    }

    /**
     * @return records in use.
     */
    public int size()
    {
        return limit - freeIds.size();
    }

    /**
     * @return off-heap bytes held.
     */
    public long bytes()
    {
        return records.capacity();
    }

    static UnsafeBuffer allocate(final long bytes)
    {
        if (bytes > Integer.MAX_VALUE - 8)
        {
            throw new IllegalStateException("state region of " + bytes + " bytes exceeds 2 GiB");
        }
        return new UnsafeBuffer(ByteBuffer.allocateDirect((int)bytes).order(ByteOrder.nativeOrder()));
    }

    /**
     * Appends the records in use and the free ids to a snapshot.
     *
     * @param out to append to.
     */
    public void writeTo(final StateWriter out)
    {
        out.putInt(recordWidth);
        out.putInt(limit);
        out.putBytes(records, 0, limit * recordWidth);
        out.putInts(freeIds);
    }

    /**
     * Replaces the contents with a snapshot written by {@link #writeTo(StateWriter)}.
     *
     * @param in positioned at the slab.
     */
    public void readFrom(final StateReader in)
    {
        final int width = in.getInt();
        if (width != recordWidth)
        {
            throw new IllegalStateException("snapshot of " + width + "-byte records, expected " + recordWidth);
        }
        limit = in.getInt();
        records = allocate(Math.max((long)in.peekBytesLength(), 8L * recordWidth));
        in.getBytes(records, 0);
        in.getInts(freeIds);
    }
}
