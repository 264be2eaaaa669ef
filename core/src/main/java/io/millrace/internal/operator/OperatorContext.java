package io.millrace.internal.operator;

import io.millrace.DeadLetterHandler;
import io.millrace.internal.QueryCounters;
import io.millrace.row.RowView;

/**
 * What the stages of one chain share on the operator thread: the source position of the record being
 * processed, the event-time watermark, the counters, the late-data output, and the dead-letter handler for rows a
 * user function fails on.
 */
public final class OperatorContext
{
    private final QueryCounters counters;
    private final DeadLetterHandler deadLetters;
    private final SinkOperator lateRecords;
    private long position;
    private long watermark = Long.MIN_VALUE;

    /**
     * @param counters    of the query.
     * @param deadLetters where failing rows go.
     * @param lateRecords stage writing late records to their sink, or null to only count them.
     */
    public OperatorContext(
        final QueryCounters counters, final DeadLetterHandler deadLetters, final SinkOperator lateRecords)
    {
        this.counters = counters;
        this.deadLetters = deadLetters;
        this.lateRecords = lateRecords;
    }

    /**
     * @return the event-time watermark before the record being processed: the largest event time seen before
     * it minus the delay; {@link Long#MIN_VALUE} before the first record or without a watermark.
     */
    public long watermark()
    {
        return watermark;
    }

    /**
     * @param watermark before the record about to be processed.
     */
    public void watermark(final long watermark)
    {
        if (watermark != this.watermark)
        {
            this.watermark = watermark;
            counters.watermark.set(watermark);
        }
    }

    /**
     * Counts a late record (all of its windows closed) and writes it to the late-data output if there is one.
     *
     * @param row the record as it reached the window.
     */
    public void late(final RowView row)
    {
        counters.lateRecords.increment();
        if (null != lateRecords)
        {
            lateRecords.onRow(row);
        }
    }

    /**
     * Commits the late-data output's epoch.
     *
     * @param epoch that ends.
     */
    public void commitLate(final long epoch)
    {
        if (null != lateRecords)
        {
            lateRecords.onMarker(epoch);
        }
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
        deadLetters.onDeadLetter(
            position, stage + " failed: " + error, error, row.buffer(), row.offset(), row.length());
    }

    /**
     * Sends a row a stage cannot process to the dead-letter handler and counts it.
     *
     * @param reason why the row cannot be processed.
     * @param row    the input row of the stage.
     */
    public void deadLetter(final CharSequence reason, final RowView row)
    {
        counters.operatorDeadLetters.increment();
        deadLetters.onDeadRow(position, reason, row);
    }
}
