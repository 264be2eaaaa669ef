package io.millrace.internal.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Cache-line padding before the value (Disruptor's {@code Sequence} layout: the JVM keeps superclass fields
 * first), so that counters written by different threads never share a line.
 */
abstract class CounterLeftPadding
{
    protected long p01, p02, p03, p04, p05, p06, p07;
}

/**
 * The counter's value, between its paddings.
 */
abstract class CounterValue extends CounterLeftPadding
{
    protected long value;
}

/**
 * Cache-line padding after the value.
 */
abstract class CounterRightPadding extends CounterValue
{
    protected long p11, p12, p13, p14, p15, p16, p17;
}

/**
 * A long written by one thread and read by any: the writer uses plain reads and release stores, readers
 * acquire. Padded to a cache line of its own, since the source and operator threads each bump theirs per record.
 */
public final class Counter extends CounterRightPadding
{
    private static final VarHandle VALUE;

    static
    {
        try
        {
            VALUE = MethodHandles.lookup().findVarHandle(CounterValue.class, "value", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

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
