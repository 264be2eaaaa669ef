package io.millrace.internal.operator;

import io.millrace.sink.DeadLetterHandler;
import io.millrace.internal.metrics.QueryCounters;
import io.millrace.row.RowView;

import java.util.Arrays;

/**
 * What the stages of one chain share on the operator thread: the source position of the record being
 * processed, the counters, the late-data output, and the dead-letter handler for rows a
 * user function fails on.
 */
public final class OperatorContext
{
    private final QueryCounters counters;
    private final DeadLetterHandler deadLetters;
    private final SinkOperator lateRecords;
    private long position;
    private WatermarkOperator[] watermarks = new WatermarkOperator[0];
    private boolean watermarksPending;

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
     * @param watermark a stage declaring a watermark, to pass it on before each record.
     */
    void addWatermark(final WatermarkOperator watermark)
    {
        watermarks = Arrays.copyOf(watermarks, watermarks.length + 1);
        watermarks[watermarks.length - 1] = watermark;
    }

    /**
     * A watermark stage has a watermark to pass on before the next record.
     */
    void watermarkPending()
    {
        watermarksPending = true;
    }

    /**
     * Called before each record enters the operators: the watermark stages pass on what their rows so far advanced
     * the watermark to, in plan order.
     */
    public void beforeRecord()
    {
        if (watermarksPending)
        {
            watermarksPending = false;
            for (final WatermarkOperator watermark : watermarks)
            {
                watermark.flush();
            }
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
