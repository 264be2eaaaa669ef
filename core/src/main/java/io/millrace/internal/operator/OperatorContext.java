package io.millrace.internal.operator;

import io.millrace.DeadLetterHandler;
import io.millrace.internal.QueryCounters;
import io.millrace.row.RowView;

/**
 * What the stages of one chain share on the operator thread: the source position of the record being
 * processed, the counters, and the dead-letter handler for rows a user function fails on.
 */
public final class OperatorContext
{
    private final QueryCounters counters;
    private final DeadLetterHandler deadLetters;
    private long position;

    /**
     * @param counters    of the query.
     * @param deadLetters where failing rows go.
     */
    public OperatorContext(final QueryCounters counters, final DeadLetterHandler deadLetters)
    {
        this.counters = counters;
        this.deadLetters = deadLetters;
    }

    /**
     * @return the query's counters.
     */
    public QueryCounters counters()
    {
        return counters;
    }

    /**
     * @return source position of the record being processed.
     */
    public long position()
    {
        return position;
    }

    /**
     * @param position source position of the record about to be processed.
     */
    public void position(final long position)
    {
        this.position = position;
    }

    /**
     * Sends the row a stage failed on to the dead-letter handler and counts it.
     *
     * @param stage describing the stage.
     * @param row   the input row of the stage.
     * @param error thrown by the user function.
     */
    public void deadLetter(final String stage, final RowView row, final Throwable error)
    {
        counters.operatorDeadLetters.increment();
        deadLetters.onDeadLetter(position, stage + " failed: " + error, row.buffer(), row.offset(), row.length());
    }
}
