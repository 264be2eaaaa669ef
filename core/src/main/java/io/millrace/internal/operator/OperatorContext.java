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
    /** What every operator of a task shares, whichever context it was given. */
    private static final class TaskState
    {
        long position;
        WatermarkOperator[] watermarks = new WatermarkOperator[0];
        boolean watermarksPending;
        long processingTime = Long.MIN_VALUE;
        AtomicLongArray processingTimers = new AtomicLongArray(0);
    }

    private final QueryCounters counters;
    private final DeadLetterHandler deadLetters;
    private final SinkOperator lateRecords;
    private final TaskState task;

    /**
     * @param counters    of the query.
     * @param deadLetters where failing rows go.
     * @param lateRecords stage writing late records to their sink, or null to only count them.
     */
    public OperatorContext(
        final QueryCounters counters, final DeadLetterHandler deadLetters, final SinkOperator lateRecords)
    {
        this(counters, deadLetters, lateRecords, new TaskState());
    }

    private OperatorContext(
        final QueryCounters counters,
        final DeadLetterHandler deadLetters,
        final SinkOperator lateRecords,
        final TaskState task)
    {
        this.counters = counters;
        this.deadLetters = deadLetters;
        this.lateRecords = lateRecords;
        this.task = task;
    }

    /**
     * A context for the operations that every task of a query of several runs on the same rows, in a task after the
     * first: it shares this context's position, watermarks and timers, but counts into counters nobody reads and
     * drops dead letters and late records, which task 0 reports.
     *
     * @return the replica's context.
     */
    public OperatorContext replica()
    {
        return new OperatorContext(new QueryCounters(counters.inputs()), (position, reason, buffer, index, length) ->
        {
        }, null, task);
    }

    /**
     * @param watermark a stage declaring a watermark, to pass it on before each record.
     */
    void addWatermark(final WatermarkOperator watermark)
    {
        final WatermarkOperator[] watermarks = Arrays.copyOf(task.watermarks, task.watermarks.length + 1);
        watermarks[watermarks.length - 1] = watermark;
        task.watermarks = watermarks;
    }

    /**
     * Gives a stage with processing-time timers a place to tell its earliest one; called while the query is built.
     *
     * @return the place, for {@link #nextProcessingTimer}.
     */
    int addProcessingTimers()
    {
        final AtomicLongArray timers = task.processingTimers;
        final int slot = timers.length();
        final AtomicLongArray grown = new AtomicLongArray(slot + 1);
        for (int i = 0; i < slot; i++)
        {
            grown.set(i, timers.get(i));
        }
        grown.set(slot, Long.MAX_VALUE);
        task.processingTimers = grown;
        return slot;
    }

    /**
     * @param slot of the stage, from {@link #addProcessingTimers}.
     * @param time of the stage's earliest processing-time timer, {@link Long#MAX_VALUE} for none.
     */
    void nextProcessingTimer(final int slot, final long time)
    {
        task.processingTimers.setRelease(slot, time);
    }

    /**
     * Asked from the producer's thread.
     *
     * @param wallClockMillis the current wall-clock time, epoch ms.
     * @return whether a processing-time timer is due by then, so that an epoch should end although no record came.
     */
    public boolean processingTimerDue(final long wallClockMillis)
    {
        final AtomicLongArray timers = task.processingTimers;
        for (int i = 0, n = timers.length(); i < n; i++)
        {
            if (timers.getAcquire(i) <= wallClockMillis)
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
        task.processingTime = Math.max(task.processingTime, cutTime);
    }

    /**
     * @return the processing time: the time of the latest epoch cut, {@link Long#MIN_VALUE} before the first.
     */
    public long processingTime()
    {
        return task.processingTime;
    }

    /**
     * A watermark stage has a watermark to pass on before the next record.
     */
    void watermarkPending()
    {
        task.watermarksPending = true;
    }

    /**
     * Called before each record enters the operators: the watermark stages pass on what their rows so far advanced
     * the watermark to, in plan order.
     */
    public void beforeRecord()
    {
        final TaskState task = this.task;
        if (task.watermarksPending)
        {
            task.watermarksPending = false;
            for (final WatermarkOperator watermark : task.watermarks)
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
        return task.position;
    }

    /**
     * @param position source position of the record about to be processed.
     */
    public void position(final long position)
    {
        task.position = position;
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
            task.position, stage + " failed: " + error, error, row.buffer(), row.offset(), row.length());
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
        deadLetters.onDeadRow(task.position, reason, row);
    }
}
