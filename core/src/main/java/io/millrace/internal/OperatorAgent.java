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
 * Drains the ingress ring into the fused operator graph, at most {@link #BATCH_LIMIT} slots per duty cycle: each
 * row to the head of its input, each marker and the end of input to every head.
 * With a checkpoint, after a marker has gone through the operators (the sinks have committed the epoch), it writes
 * every operator's state into a snapshot buffer and hands it to the {@link EpochCommitter}, which makes it durable
 * and commits the epoch behind this thread. Ends itself once the end of input and the last
 * epoch's marker, which follows it, have gone through the operators. When the ring is empty it gives the producer's
 * idle cut a chance, so that an idle input's epochs still end on time.
 */
final class OperatorAgent implements Agent, IngressRing.SlotHandler
{
    static final int BATCH_LIMIT = 4096;

    private final IngressRing ring;
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
    private boolean inputEnded;
    private boolean ended;

    OperatorAgent(
        final IngressRing ring,
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
        final int drained = ring.drain(this, BATCH_LIMIT);
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
        counters.marker.record(marked - start);
        final long[] figures = counters.epochs.toWrite();
        figures[EpochFigures.CUT_TIME] = time;
        figures[EpochFigures.MARKER_NANOS] = start;
        figures[EpochFigures.RECORDS] = rows;
        figures[EpochFigures.ROWS_OUT] = counters.recordsOut.get();
        figures[EpochFigures.LATE] = counters.lateRecords.get();
        figures[EpochFigures.DROPPED] = counters.droppedContributions.get();
        figures[EpochFigures.DEAD_LETTERS] = counters.sourceDeadLetters.get() + counters.operatorDeadLetters.get();
        figures[EpochFigures.STATE_ROWS] = counters.stateRows.get();
        figures[EpochFigures.STATE_BYTES] = counters.stateBytes.get();
        figures[EpochFigures.WATERMARK] = counters.watermark.get();
        figures[EpochFigures.MARKER_TIME] = marked - start;
        counters.epochServiceTime.endEpoch(figures);
        if (null == committer)
        {
            counters.epochs.markerPassed(epoch);
            counters.lastCommitMillis.set(System.currentTimeMillis());
            counters.epochs.durable(epoch);
        }
        else
        {
            final StateWriter snapshot = committer.claim(epoch, commitWait);
            if (null == snapshot)
            {
                throw new AgentTerminationException("query ended while epoch " + epoch + " waited to commit");
            }
            final long claimed = System.nanoTime();
            counters.commitWait.record(claimed - marked);
            for (final Operator operator : operators)
            {
                snapshot.beginSection();
                operator.writeState(snapshot);
                snapshot.endSection();
            }
            final long copied = System.nanoTime();
            counters.snapshotCopy.record(copied - claimed);
            figures[EpochFigures.COMMIT_WAIT] = claimed - marked;
            figures[EpochFigures.SNAPSHOT_COPY] = copied - claimed;
            // Stored before the hand-over, so that the committer finds the epoch's figures to complete.
            counters.epochs.markerPassed(epoch);
            committer.submit();
        }
        ended = inputEnded;
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
            // The query's end is its last epoch committed: wait for the committer (at most IN_FLIGHT epochs).
            committer.awaitCommitted(commitWait);
            committer.finish();
        }
        onClose.run();
        if (ended && null == control.error())
        {
            control.finished();
        }
    }

    @Override
    public String roleName()
    {
        return "millrace-operators-" + control.name();
    }
}
