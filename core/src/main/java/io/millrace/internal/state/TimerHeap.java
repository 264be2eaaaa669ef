package io.millrace.internal.state;

import java.util.Arrays;

/**
 * Binary min-heap of {@code (time, id)} timers on primitive arrays, for closing state in event-time order
 * without scanning it. Entries are never updated in place: push a new timer when a time changes and have the
 * owner skip stale ones when they come out. Grows by doubling; single-threaded.
 */
public final class TimerHeap
{
    private long[] times;
    private int[] ids;
    private int size;

    /**
     * @param initialCapacity timers before the first growth.
     */
    public TimerHeap(final int initialCapacity)
    {
        times = new long[Math.max(16, initialCapacity)];
        ids = new int[times.length];
    }

    /**
     * @param time when the timer is due.
     * @param id   what it is for.
     */
    public void push(final long time, final int id)
    {
        if (size == times.length)
        {
            times = Arrays.copyOf(times, size * 2);
            ids = Arrays.copyOf(ids, size * 2);
        }
        int at = size++;
        while (at > 0)
        {
            final int parent = (at - 1) >>> 1;
            if (times[parent] <= time)
            {
                break;
            }
            times[at] = times[parent];
            ids[at] = ids[parent];
            at = parent;
        }
        times[at] = time;
        ids[at] = id;
    }

    /**
     * @return whether there are no timers.
     */
    public boolean isEmpty()
    {
        return size == 0;
    }

    /**
     * @return timers held.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return time of the earliest timer; only when not empty.
     */
    public long peekTime()
    {
        return times[0];
    }

    /**
     * @return id of the earliest timer; only when not empty.
     */
    public int peekId()
    {
        return ids[0];
    }

    /**
     * Removes the earliest timer.
     */
    public void pop()
    {
        final int last = --size;
        final long time = times[last];
        final int id = ids[last];
        int at = 0;
        while (true)
        {
            int child = 2 * at + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && times[child + 1] < times[child])
            {
                child++;
            }
            if (times[child] >= time)
            {
                break;
            }
            times[at] = times[child];
            ids[at] = ids[child];
            at = child;
        }
        times[at] = time;
        ids[at] = id;
    }

    /**
     * Removes every timer.
     */
    public void clear()
    {
        size = 0;
    }

    /**
     * Appends the timers, in heap order, to a snapshot.
     *
     * @param out to append to.
     */
    public void writeTo(final StateWriter out)
    {
        out.putInt(size);
        for (int i = 0; i < size; i++)
        {
            out.putLong(times[i]);
            out.putInt(ids[i]);
        }
    }

    /**
     * Replaces the timers with a snapshot written by {@link #writeTo(StateWriter)}.
     *
     * @param in positioned at the heap.
     */
    public void readFrom(final StateReader in)
    {
        size = in.getInt();
        times = new long[Math.max(16, size)];
        ids = new int[times.length];
        for (int i = 0; i < size; i++)
        {
            times[i] = in.getLong();
            ids[i] = in.getInt();
        }
    }
}
