package io.millrace.internal.operator;

import io.millrace.sink.DeadLetterHandler;
import io.millrace.internal.metrics.QueryCounters;
import io.millrace.row.RowView;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the stages of one chain share on the operator thread: the source position of the record being
 * processed, the processing time, the counters, the late-data output, and the dead-letter handler for rows a
 * user function fails on. The earliest processing-time timer of each stage that has them is also readable from the
 * producer's thread, which ends an idle epoch once one is due.
 */
public final class OperatorContext
{
    private final QueryCounters counters;
    private final DeadLetterHandler deadLetters;
    private final SinkOperator lateRecords;
    private long position;
    private WatermarkOperator[] watermarks = new WatermarkOperator[0];
    private boolean watermarksPending;
    private long processingTime = Long.MIN_VALUE;
    private AtomicLongArray processingTimers = new AtomicLongArray(0);

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
     * Gives a stage with processing-time timers a place to tell its earliest one; called while the query is built.
     *
     * @return the place, for {@link #nextProcessingTimer}.
     */
    int addProcessingTimers()
    {
        final int slot = processingTimers.length();
        final AtomicLongArray grown = new AtomicLongArray(slot + 1);
        for (int i = 0; i < slot; i++)
        {
            grown.set(i, processingTimers.get(i));
        }
        grown.set(slot, Long.MAX_VALUE);
        processingTimers = grown;
        return slot;
    }

    /**
     * @param slot of the stage, from {@link #addProcessingTimers}.
     * @param time of the stage's earliest processing-time timer, {@link Long#MAX_VALUE} for none.
     */
    void nextProcessingTimer(final int slot, final long time)
    {
        processingTimers.setRelease(slot, time);
    }

    /**
     * Asked from the producer's thread.
     *
     * @param wallClockMillis the current wall-clock time, epoch ms.
     * @return whether a processing-time timer is due by then, so that an epoch should end although no record came.
     */
    public boolean processingTimerDue(final long wallClockMillis)
    {
        for (int i = 0, n = processingTimers.length(); i < n; i++)
        {
            if (processingTimers.getAcquire(i) <= wallClockMillis)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * An epoch's marker arrived: processing time becomes the time of its cut, unless that would move it back (a
     * wall clock set back, or a cut journaled without its time).
     *
     * @param cutTime wall-clock time of the epoch's cut, epoch ms.
     */
    public void advanceProcessingTime(final long cutTime)
    {
        processingTime = Math.max(processingTime, cutTime);
    }

    /**
     * @return the processing time: the time of the latest epoch cut, {@link Long#MIN_VALUE} before the first.
     */
    public long processingTime()
    {
        return processingTime;
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
