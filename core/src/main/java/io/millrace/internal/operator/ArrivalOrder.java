package io.millrace.internal.operator;

/**
 * Numbers the rows reaching a windowed aggregation whose rows cross an {@link Exchange}, so that the tasks' rows can
 * be merged into the order a query of one task writes them (docs/parallelism.md, "Exchanges").
 * <p>
 * Every task runs the operations before the aggregation on every record, and the aggregation's
 * {@link PartitionOperator} counts every row it sees, its task's or not: so a row's number is the same in every task.
 * A window's table hands out entry ids in the order its keys arrive, and a query of one task writes a closing
 * window's rows in that order; each task keeps, with each row of a window, the number of the row that opened it
 * there, and writes its rows in the same order. Merging the tasks' rows of a window by that number gives back the
 * order of one task.
 * <p>
 * Used by one task's thread only.
 */
public final class ArrivalOrder
{
    private long counted;
    private long arriving;
    private long writtenStart;
    private long writtenArrival;

    /**
     * A row reached the aggregation's partition, in this task or not.
     */
    void count()
    {
        arriving = counted++;
    }

    /**
     * @return the number of the row being aggregated.
     */
    long arriving()
    {
        return arriving;
    }

    /**
     * @param start   of the window of the row being written.
     * @param arrival the number of the row that opened the key's entry in that window.
     */
    void writing(final long start, final long arrival)
    {
        writtenStart = start;
        writtenArrival = arrival;
    }

    /**
     * @return the window start of the row being written: the first order of the merge.
     */
    long writtenStart()
    {
        return writtenStart;
    }

    /**
     * @return the number of the row that opened the written row's entry: the second order of the merge.
     */
    long writtenArrival()
    {
        return writtenArrival;
    }

    /**
     * @return rows counted so far, for a snapshot.
     */
    long counted()
    {
        return counted;
    }

    /**
     * @param rows counted before the snapshot restored.
     */
    void restore(final long rows)
    {
        counted = rows;
    }
}
