package io.millrace.internal;

import io.millrace.checkpoint.Journal;
import io.millrace.internal.durable.CrashPoints;
import io.millrace.internal.state.StateWriter;
import io.millrace.sink.Sink;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import io.millrace.internal.metrics.QueryCounters;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Completes epochs behind the operator threads, strictly in epoch order. At an epoch's marker each task writes its
 * state into a free snapshot buffer ({@link #claim}) and hands it over ({@link #submit}); once every task has, this
 * agent, on a thread of its own:
 * <ol>
 *     <li>for a query of several tasks, hands each output's sink the epoch's rows, task 0's first
 *     ({@link TaskOutput}), and has it commit the epoch; so too for a query of one task whose journal commits the
 *     output ({@link Journal#commitsOutput()}) or that has a sink whose commit waits on another system
 *     ({@link Sink#commitsRemotely()}). Any other query of one task writes to its sinks itself, at the marker,
 *     before handing over;</li>
 *     <li>with a checkpoint, stores the tasks' snapshots durably as one (task 0's sections, then task 1's, ...) and
 *     journals {@code EPOCH_COMMIT};</li>
 * </ol>
 * then frees the buffers. So an epoch is committed only once its output and snapshot are durable, as recovery needs,
 * and the record path never waits for a disk.
 * <p>
 * At most {@link #IN_FLIGHT} epochs are handed over and not yet complete; beyond that a task waits for a buffer
 * (back-pressure), so the memory held for snapshots and rows is bounded. The buffers are reused, so nothing is
 * allocated per epoch once they have grown; this agent grows a returned snapshot buffer to half again its last
 * snapshot, so that a growing state rarely makes an operator thread grow one.
 */
public final class EpochCommitter implements Agent
{
    /** Most epochs handed over and not yet committed. */
    public static final int IN_FLIGHT = 2;
    /** Most bytes a snapshot buffer is grown to ahead of its next snapshot. */
    private static final int MAX_RESERVED = Integer.MAX_VALUE - 64;

    /** The buffers of one epoch on its way to the journal: epoch {@code e} takes those of {@code e % IN_FLIGHT}. */
    private static final class Pending
    {
        final StateWriter[] snapshots;
        final TaskOutput.Rows[][] rows;
        final AtomicInteger arrived = new AtomicInteger();

        Pending(final int tasks, final int outputs)
        {
            snapshots = new StateWriter[tasks];
            rows = new TaskOutput.Rows[tasks][outputs];
            for (int task = 0; task < tasks; task++)
            {
                snapshots[task] = new StateWriter();
                for (int output = 0; output < outputs; output++)
                {
                    rows[task][output] = new TaskOutput.Rows();
                }
            }
        }
    }

    private final Journal journal;
    private final QueryControl control;
    private final QueryCounters counters;
    private final int tasks;
    private final TaskOutput[][] outputs;
    private final List<Sink> sinks;
    private final int countedSinks;
    private final Runnable onClose;
    private final Pending[] pending = new Pending[IN_FLIGHT];
    private final StateWriter combined;
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    /** The oldest epoch not yet complete; a task may claim the buffers of this one and the next IN_FLIGHT - 1. */
    private volatile long next;
    private volatile boolean closed;

    /**
     * A committer for a query of one task, with a checkpoint: the task writes to the sinks itself.
     *
     * @param journal    to commit to.
     * @param control    of the query: a failed commit fails the query; the operator thread stops waiting once the
     *                   query has ended.
     * @param counters   of the query: the commit's stages are timed there.
     * @param firstEpoch the query starts in.
     */
    public EpochCommitter(
        final Journal journal, final QueryControl control, final QueryCounters counters, final long firstEpoch)
    {
        this(journal, control, counters, firstEpoch, new TaskOutput[1][0], List.of(), 0, null);
    }

    /**
     * A committer for a query of several tasks, which writes their rows to the sinks.
     *
     * @param journal      to commit to, or null without a checkpoint.
     * @param control      of the query.
     * @param counters     of the query.
     * @param firstEpoch   the query starts in.
     * @param outputs      per task, its output for each sink.
     * @param sinks        the outputs' sinks, in the order of each task's outputs.
     * @param countedSinks how many of the first sinks count as rows out (the late-record sink does not).
     * @param onClose      run on this agent's thread when it ends: closes the sinks.
     */
    EpochCommitter(
        final Journal journal,
        final QueryControl control,
        final QueryCounters counters,
        final long firstEpoch,
        final TaskOutput[][] outputs,
        final List<Sink> sinks,
        final int countedSinks,
        final Runnable onClose)
    {
        this.journal = journal;
        this.control = control;
        this.counters = counters;
        this.tasks = outputs.length;
        this.outputs = outputs;
        this.sinks = sinks;
        this.countedSinks = countedSinks;
        this.onClose = onClose;
        this.combined = tasks > 1 && null != journal ? new StateWriter() : null;
        for (int i = 0; i < IN_FLIGHT; i++)
        {
            pending[i] = new Pending(tasks, sinks.size());
        }
        this.next = firstEpoch;
    }

    /**
     * @return the tasks that hand epochs over.
     */
    public int tasks()
    {
        return tasks;
    }

    /**
     * @return whether tasks write their state for the epochs: the query has a checkpoint.
     */
    public boolean snapshots()
    {
        return null != journal;
    }

    /**
     * Takes a task's free snapshot buffer for an epoch, waiting while {@link #IN_FLIGHT} epochs are being
     * completed. Operator thread of the task.
     *
     * @param task  from 0.
     * @param epoch whose state is to be written.
     * @param idle  to wait with.
     * @return the buffer, reset, to write the state into; null when the query ended while waiting.
     */
    public StateWriter claim(final int task, final long epoch, final IdleStrategy idle)
    {
        if (epoch >= next + IN_FLIGHT)
        {
            CrashPoints.passed("snapshot-buffer-awaited");
            idle.reset();
            while (epoch >= next + IN_FLIGHT)
            {
                if (control.isTerminated())
                {
                    return null;
                }
                idle.idle();
            }
        }
        final StateWriter snapshot = pending[slot(epoch)].snapshots[task];
        snapshot.reset();
        return snapshot;
    }

    /**
     * Hands the task's claimed buffer, with the state written, and its rows of the epoch to the committer. Operator
     * thread of the task.
     *
     * @param task  from 0.
     * @param epoch claimed.
     */
    public void submit(final int task, final long epoch)
    {
        final Pending handed = pending[slot(epoch)];
        final TaskOutput[] taskOutputs = outputs[task];
        for (int output = 0; output < taskOutputs.length; output++)
        {
            handed.rows[task][output] = taskOutputs[output].handOver(handed.rows[task][output]);
        }
        handed.arrived.incrementAndGet();
    }

    /**
     * Waits until an epoch the task handed over is complete, the query has failed, or the committer has ended.
     * Operator thread.
     *
     * @param epoch handed over.
     * @param idle  to wait with.
     */
    public void awaitCommitted(final long epoch, final IdleStrategy idle)
    {
        idle.reset();
        while (next <= epoch && null == control.error() && !closed)
        {
            idle.idle();
        }
    }

    /**
     * A task hands over nothing more; the committer ends once every task has said so and every epoch all of them
     * handed over is complete.
     *
     * @param inputEnded whether the task processed the end of input.
     */
    public void finish(final boolean inputEnded)
    {
        if (inputEnded)
        {
            ended.incrementAndGet();
        }
        finished.incrementAndGet();
    }

    @Override
    public int doWork()
    {
        final long epoch = next;
        final Pending handed = pending[slot(epoch)];
        if (handed.arrived.get() < tasks)
        {
            if (finished.get() == tasks && handed.arrived.get() < tasks)
            {
                throw new AgentTerminationException("every epoch handed over is committed");
            }
            return 0;
        }
        try
        {
            deliver(handed, epoch);
            if (null != journal)
            {
                commit(handed, epoch);
            }
            else
            {
                counters.lastCommitMillis.set(System.currentTimeMillis());
                counters.epochs.durable(epoch);
            }
        }
        catch (final RuntimeException ex)
        {
            // The epoch stays uncommitted; a restart computes it again. Nothing after it may commit.
            control.failed(ex);
            throw new AgentTerminationException(ex);
        }
        handed.arrived.set(0);
        next = epoch + 1;
        return 1;
    }

    private void deliver(final Pending handed, final long epoch)
    {
        for (int output = 0; output < sinks.size(); output++)
        {
            final Sink sink = sinks.get(output);
            long sequence = 0;
            for (int task = 0; task < tasks; task++)
            {
                sequence = handed.rows[task][output].deliver(sink, epoch, sequence);
            }
            sink.commitEpoch(epoch);
            if (output < countedSinks)
            {
                counters.recordsOut.add(sequence);
            }
        }
        if (!sinks.isEmpty())
        {
            counters.committedEpoch.set(epoch);
        }
    }

    private void commit(final Pending handed, final long epoch)
    {
        final long start = System.nanoTime();
        final StateWriter snapshot;
        if (null == combined)
        {
            snapshot = handed.snapshots[0];
        }
        else
        {
            combined.reset();
            for (final StateWriter taskSnapshot : handed.snapshots)
            {
                combined.append(taskSnapshot);
            }
            snapshot = combined;
        }
        final long forcing = journal.commit(epoch, snapshot.buffer(), 0, snapshot.length());
        final long writing = System.nanoTime() - start - forcing;
        counters.commitWrite.record(writing);
        counters.commitForce.record(forcing);
        counters.lastCommitMillis.set(System.currentTimeMillis());
        counters.epochs.committed(epoch, writing, forcing);
        // Grown here, where there is time, rather than on an operator thread at the next marker: room for the
        // state to grow by half before then.
        for (final StateWriter taskSnapshot : handed.snapshots)
        {
            final int length = taskSnapshot.length();
            taskSnapshot.reserve((int)Math.min(MAX_RESERVED, length + (long)length / 2));
        }
    }

    private static int slot(final long epoch)
    {
        return (int)(epoch % IN_FLIGHT);
    }

    @Override
    public void onClose()
    {
        closed = true;
        if (null != onClose)
        {
            onClose.run();
            if (ended.get() == tasks && null == control.error())
            {
                control.finished();
            }
        }
    }

    @Override
    public String roleName()
    {
        return "millrace-committer-" + control.name();
    }
}
