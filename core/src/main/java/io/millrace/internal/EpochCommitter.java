package io.millrace.internal;

import io.millrace.checkpoint.Journal;
import io.millrace.internal.durable.CrashPoints;
import io.millrace.internal.state.StateWriter;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import io.millrace.internal.metrics.QueryCounters;

/**
 * Commits epochs behind the operator thread. At an epoch's marker, once the sink has made the epoch's output
 * durable, the operator thread writes its state into a free snapshot buffer ({@link #claim}) and hands it over
 * ({@link #submit}); this agent, on a thread of its own, stores the snapshot durably and journals
 * {@code EPOCH_COMMIT}, strictly in epoch order, then returns the buffer. So an epoch is committed only once its
 * output and snapshot are durable, as recovery needs, and the record path never waits for the snapshot's disk.
 * <p>
 * At most {@link #IN_FLIGHT} epochs are handed over and not yet committed; beyond that the operator thread waits
 * for a buffer (back-pressure), so the memory held for snapshots is bounded. The buffers are reused, so nothing
 * is allocated per epoch once they have grown to the state's size; this agent grows a returned buffer to half
 * again its last snapshot, so that a growing state rarely makes the operator thread grow one.
 */
public final class EpochCommitter implements Agent
{
    /** Most epochs handed over and not yet committed. */
    public static final int IN_FLIGHT = 2;
    /** Most bytes a snapshot buffer is grown to ahead of its next snapshot. */
    private static final int MAX_RESERVED = Integer.MAX_VALUE - 64;

    /** One epoch's snapshot on its way to the journal. */
    private static final class Pending
    {
        final StateWriter snapshot = new StateWriter();
        long epoch;
    }

    private final Journal journal;
    private final QueryControl control;
    private final QueryCounters counters;
    private final OneToOneConcurrentArrayQueue<Pending> free = new OneToOneConcurrentArrayQueue<>(IN_FLIGHT);
    private final OneToOneConcurrentArrayQueue<Pending> submitted = new OneToOneConcurrentArrayQueue<>(IN_FLIGHT);
    private Pending claimed;
    private volatile boolean finishing;
    private volatile boolean closed;

    /**
     * @param journal to commit to.
     * @param control  of the query: a failed commit fails the query; the operator thread stops waiting once the
     *                 query has ended.
     * @param counters of the query: the commit's stages are timed there.
     */
    public EpochCommitter(final Journal journal, final QueryControl control, final QueryCounters counters)
    {
        this.journal = journal;
        this.control = control;
        this.counters = counters;
        for (int i = 0; i < IN_FLIGHT; i++)
        {
            free.offer(new Pending());
        }
    }

    /**
     * Takes a free snapshot buffer, waiting while {@link #IN_FLIGHT} epochs are being committed. Operator thread.
     *
     * @param epoch whose state is to be written.
     * @param idle  to wait with.
     * @return the buffer, reset, to write the state into; null when the query ended while waiting.
     */
    public StateWriter claim(final long epoch, final IdleStrategy idle)
    {
        Pending pending = free.poll();
        if (null == pending)
        {
            CrashPoints.passed("snapshot-buffer-awaited");
        }
        idle.reset();
        while (null == pending && null == (pending = free.poll()))
        {
            if (control.isTerminated())
            {
                return null;
            }
            idle.idle();
        }
        pending.epoch = epoch;
        pending.snapshot.reset();
        claimed = pending;
        return pending.snapshot;
    }

    /**
     * Hands the claimed buffer, with the state written, to the committer. Operator thread.
     */
    public void submit()
    {
        final Pending pending = claimed;
        claimed = null;
        if (!submitted.offer(pending))
        {
            throw new IllegalStateException("more snapshots handed over than there are buffers");
        }
    }

    /**
     * Waits until every epoch handed over is committed, the query has failed, or the committer has ended.
     * Operator thread.
     *
     * @param idle to wait with.
     */
    public void awaitCommitted(final IdleStrategy idle)
    {
        idle.reset();
        while (free.size() < IN_FLIGHT && null == control.error() && !closed)
        {
            idle.idle();
        }
    }

    /**
     * Ends the committer once what was handed over is committed: the operator thread hands over nothing more.
     */
    public void finish()
    {
        finishing = true;
    }

    @Override
    public int doWork()
    {
        final Pending pending = submitted.peek();
        if (null == pending)
        {
            if (finishing)
            {
                throw new AgentTerminationException("every epoch handed over is committed");
            }
            return 0;
        }
        try
        {
            final long start = System.nanoTime();
            final long forcing = journal.commit(pending.epoch, pending.snapshot.buffer(), 0, pending.snapshot.length());
            final long writing = System.nanoTime() - start - forcing;
            counters.commitWrite.record(writing);
            counters.commitForce.record(forcing);
            counters.lastCommitMillis.set(System.currentTimeMillis());
            counters.epochs.committed(pending.epoch, writing, forcing);
        }
        catch (final RuntimeException ex)
        {
            // The epoch stays uncommitted; a restart computes it again. Nothing after it may commit.
            control.failed(ex);
            throw new AgentTerminationException(ex);
        }
        submitted.poll();
        // Grown here, where there is time, rather than on the operator thread at the next marker: room for the
        // state to grow by half before then.
        final int length = pending.snapshot.length();
        pending.snapshot.reserve((int)Math.min(MAX_RESERVED, length + (long)length / 2));
        free.offer(pending);
        return 1;
    }

    @Override
    public void onClose()
    {
        closed = true;
    }

    @Override
    public String roleName()
    {
        return "millrace-committer-" + control.name();
    }
}
