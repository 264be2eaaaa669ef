package io.millrace.internal.metrics;

/**
 * What one operation of a query's graph shows outside: the rows it passed downstream and the state it holds, written
 * by the operator thread and read from any thread.
 */
public interface OperatorFigures
{
    /**
     * @return rows the operation passed downstream so far; any thread.
     */
    long rowsOut();

    /**
     * @return whether it counts the state it holds (an aggregation, a join, a keyed process function).
     */
    boolean countsState();

    /**
     * @return rows (groups, windows, keys, held join rows) it holds in state now, 0 for a stateless one; any thread.
     */
    long stateRows();

    /**
     * @return off-heap bytes of that state; any thread.
     */
    long stateBytes();

    /**
     * @param tasks the figures of one operation in each task that runs it on rows of its own.
     * @return their sums.
     */
    static OperatorFigures sum(final java.util.List<OperatorFigures> tasks)
    {
        return new OperatorFigures()
        {
            @Override
            public long rowsOut()
            {
                return tasks.stream().mapToLong(OperatorFigures::rowsOut).sum();
            }

            @Override
            public boolean countsState()
            {
                return tasks.get(0).countsState();
            }

            @Override
            public long stateRows()
            {
                return tasks.stream().mapToLong(OperatorFigures::stateRows).sum();
            }

            @Override
            public long stateBytes()
            {
                return tasks.stream().mapToLong(OperatorFigures::stateBytes).sum();
            }
        };
    }
}
