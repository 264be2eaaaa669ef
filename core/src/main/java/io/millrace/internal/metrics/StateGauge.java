package io.millrace.internal.metrics;

/**
 * The state one operator holds, added into the query's totals: each stateful operator of a graph publishes its
 * own rows and bytes, and the query's counters show their sum. Operator thread only.
 */
public final class StateGauge
{
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
            rows = heldRows;
        }
        if (heldBytes != bytes)
        {
            counters.stateBytes.add(heldBytes - bytes);
            bytes = heldBytes;
        }
    }
}
