package io.millrace.internal.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The state one operator holds, added into the query's totals: each stateful operator of a graph publishes its
 * own rows and bytes, and the query's counters show their sum. Set on the operator thread only; its own figures are
 * read from any thread.
 */
public final class StateGauge
{
    private static final VarHandle ROWS;
    private static final VarHandle BYTES;

    static
    {
        try
        {
            ROWS = MethodHandles.lookup().findVarHandle(StateGauge.class, "rows", long.class);
            BYTES = MethodHandles.lookup().findVarHandle(StateGauge.class, "bytes", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final QueryCounters counters;
    private long rows;
    private long bytes;

    /**
     * @param counters of the query, holding the totals.
     */
    public StateGauge(final QueryCounters counters)
    {
        this.counters = counters;
    }

    /**
     * @param heldRows  rows the operator holds now.
     * @param heldBytes off-heap bytes the operator holds now.
     */
    public void set(final long heldRows, final long heldBytes)
    {
        if (heldRows != rows)
        {
            counters.stateRows.add(heldRows - rows);
            ROWS.setOpaque(this, heldRows);
        }
        if (heldBytes != bytes)
        {
            counters.stateBytes.add(heldBytes - bytes);
            BYTES.setOpaque(this, heldBytes);
        }
    }

    /**
     * @return rows the operator holds; any thread.
     */
    public long rows()
    {
        return (long)ROWS.getOpaque(this);
    }

    /**
     * @return off-heap bytes the operator holds; any thread.
     */
    public long bytes()
    {
        return (long)BYTES.getOpaque(this);
    }
}
