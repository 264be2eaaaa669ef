package io.millrace.internal;

import io.millrace.internal.operator.Operator;
import io.millrace.internal.operator.OperatorContext;
import io.millrace.internal.state.StateWriter;
import io.millrace.row.RowView;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.List;
import io.millrace.internal.metrics.EpochFigures;
import io.millrace.internal.metrics.QueryCounters;

/**
 * Runs one task of a query: drains the ingress ring into the task's fused operator graph, at most
 * {@link #BATCH_LIMIT} slots per duty cycle: each row to the head of its input, each marker and the end of input to
 * every head.
 * With a checkpoint, after a marker has gone through the operators (the sinks of a query of one task have committed
 * the epoch), it writes every operator's state into a snapshot buffer and hands it to the {@link EpochCommitter},
 * which makes it durable and commits the epoch behind this thread; in a query of several tasks it hands over the
 * task's rows of the epoch too, for the committer to write. Ends itself once the end of input and the last
 * epoch's marker, which follows it, have gone through the operators. When the ring is empty it gives the producer's
 * idle cut a chance, so that an idle input's epochs still end on time.
 */
final class OperatorAgent implements Agent, IngressRing.SlotHandler
{
    static final int BATCH_LIMIT = 4096;

    private final IngressRing ring;
    private final int task;
    private final Operator[] heads;
    private final Operator everyHead;
    private final List<Operator> operators;
    private final OperatorContext context;
    private final QueryControl control;
    private final EpochCommitter committer;
    private final IdleStrategy commitWait = new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
    private final Runnable onClose;
    private final IdleCut idleCut;
    private final RowView view = new RowView();
    private final QueryCounters counters;
    private long rows;
    private long lastHandedOver = -1;
    private boolean inputEnded;
    private boolean ended;

    /**
     * @param task      of the query, from 0: the ring reader it drains; task 0 reports the epochs' figures.
     * @param idleCut   the publisher's cut of an epoch its idleness leaves open, or null: task 0's only.
     */
    OperatorAgent(
        final IngressRing ring,
        final int task,
        final List<Operator> heads,
        final Operator everyHead,
        final List<Operator> operators,
        final OperatorContext context,
        final QueryControl control,
        final EpochCommitter committer,
        final Runnable onClose,
        final IdleCut idleCut)
    {
        this.ring = ring;
        this.task = task;
        this.heads = heads.toArray(new Operator[0]);
        this.everyHead = everyHead;
        this.operators = operators;
        this.context = context;
        this.control = control;
        this.committer = committer;
        this.onClose = onClose;
        this.idleCut = idleCut;
        this.counters = context.counters();
    }

    @Override
    public int doWork()
    {
        if (ended)
        {
            throw new AgentTerminationException("end of input processed");
        }
        if (control.isStopping())
        {
            throw new AgentTerminationException("query stopping");
        }
        final int drained = ring.drain(task, this, BATCH_LIMIT);
        return drained > 0 || null == idleCut ? drained : idleCut.cutWhenIdle(System.nanoTime(), this);
    }

    @Override
    public void onRow(
        final DirectBuffer buffer, final int offset, final int length, final long position, final int input)
    {
        context.position(position);
        context.beforeRecord();
        counters.inputRow(input);
        final Operator head = heads[input];
        if ((++rows & (QueryCounters.SERVICE_TIME_SAMPLE - 1)) != 0)
        {
            head.onRow(view.wrap(buffer, offset, length));
            return;
        }
        // Timing every record would cost two clock reads per record: one in SERVICE_TIME_SAMPLE is timed.
        final long start = System.nanoTime();
        head.onRow(view.wrap(buffer, offset, length));
        final long serviceTime = System.nanoTime() - start;
        counters.serviceTime.record(serviceTime);
        counters.epochServiceTime.record(serviceTime);
        counters.serviceTimeCount.increment();
        counters.serviceTimeSumNanos.add(serviceTime);
    }

    @Override
    public void onMarker(final long epoch, final long position, final long time)
    {
        context.position(position);
        context.advanceProcessingTime(time);
        final long start = System.nanoTime();
        everyHead.onMarker(epoch);
        context.commitLate(epoch);
        final long marked = System.nanoTime();
        final long[] figures = task == 0 ? epochFigures(time, start, marked) : null;
        if (null == committer)
        {
            counters.epochs.markerPassed(epoch);
            counters.lastCommitMillis.set(System.currentTimeMillis());
            counters.epochs.durable(epoch);
        }
        else
        {
            final StateWriter snapshot = committer.claim(task, epoch, commitWait);
            if (null == snapshot)
            {
                throw new AgentTerminationException("query ended while epoch " + epoch + " waited to commit");
            }
            final long claimed = System.nanoTime();
            if (committer.snapshots())
            {
                for (final Operator operator : operators)
                {
                    snapshot.beginSection();
                    operator.writeState(snapshot);
                    snapshot.endSection();
                }
            }
            final long copied = System.nanoTime();
            if (null != figures)
            {
                counters.commitWait.record(claimed - marked);
                counters.snapshotCopy.record(copied - claimed);
                figures[EpochFigures.COMMIT_WAIT] = claimed - marked;
                figures[EpochFigures.SNAPSHOT_COPY] = copied - claimed;
                // Stored before the hand-over, so that the committer finds the epoch's figures to complete.
                counters.epochs.markerPassed(epoch);
            }
            committer.submit(task, epoch);
            lastHandedOver = epoch;
        }
        ended = inputEnded;
    }

    /**
     * @return the figures of the epoch, to complete and store; those summed over tasks are read as this task passes
     *         the marker.
     */
    private long[] epochFigures(final long time, final long start, final long marked)
    {
        counters.marker.record(marked - start);
        final long[] figures = counters.epochs.toWrite();
        figures[EpochFigures.CUT_TIME] = time;
        figures[EpochFigures.MARKER_NANOS] = start;
        figures[EpochFigures.RECORDS] = rows;
        figures[EpochFigures.ROWS_OUT] = counters.recordsOut.get();
        figures[EpochFigures.LATE] = counters.sum(c -> c.lateRecords.get());
        figures[EpochFigures.DROPPED] = counters.sum(c -> c.droppedContributions.get());
        figures[EpochFigures.DEAD_LETTERS] =
            counters.sourceDeadLetters.get() + counters.sum(c -> c.operatorDeadLetters.get());
        figures[EpochFigures.STATE_ROWS] = counters.sum(c -> c.stateRows.get());
        figures[EpochFigures.STATE_BYTES] = counters.sum(c -> c.stateBytes.get());
        figures[EpochFigures.WATERMARK] = counters.watermark.get();
        figures[EpochFigures.MARKER_TIME] = marked - start;
        counters.epochServiceTime.endEpoch(figures);
        return figures;
    }

    @Override
    public void onEnd()
    {
        everyHead.onEnd();
        inputEnded = true;
    }

    @Override
    public void onClose()
    {
        if (null != committer)
        {
            // The query's end is its last epoch committed: wait for the committer (at most IN_FLIGHT epochs). A task
            // of several that stops early does not: the others may never hand over the epochs it did.
            if (ended || committer.tasks() == 1)
            {
                committer.awaitCommitted(lastHandedOver, commitWait);
            }
            committer.finish(ended);
        }
        if (null != onClose)
        {
            // A query of one task: its sinks are its own to close.
            onClose.run();
            if (ended && null == control.error())
            {
                control.finished();
            }
        }
    }

    @Override
    public String roleName()
    {
        return "millrace-operators-" + control.name();
    }
}
