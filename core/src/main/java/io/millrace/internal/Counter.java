package io.millrace.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A long written by one thread and read by any: the writer uses plain reads and release stores, readers
 * acquire. Cheap enough to bump per record.
 */
public final class Counter
{
    private static final VarHandle VALUE;

    static
    {
        try
        {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private long value;

    /**
     * @param initial starting value.
     */
    public Counter(final long initial)
    {
        value = initial;
    }

    /**
     * Adds one; writer thread only.
     */
    public void increment()
    {
        VALUE.setRelease(this, value + 1);
    }

    /**
     * @param delta to add; writer thread only.
     */
    public void add(final long delta)
    {
        VALUE.setRelease(this, value + delta);
    }

    /**
     * @param newValue to store; writer thread only.
     */
    public void set(final long newValue)
    {
        VALUE.setRelease(this, newValue);
    }

    /**
     * @return the value; any thread.
     */
    public long get()
    {
        return (long)VALUE.getAcquire(this);
    }
}
