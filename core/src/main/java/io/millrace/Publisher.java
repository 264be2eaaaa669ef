package io.millrace;

import io.millrace.function.RowTranslator;
import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.IngressHandler;
import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.Recovery;
import io.millrace.internal.CrashPoints;
import io.millrace.internal.EpochLog;
import io.millrace.internal.IngressProducer;
import io.millrace.internal.IngressRing;
import io.millrace.internal.JvmAccess;
import io.millrace.internal.QueryControl;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * An in-process source: the application offers rows straight into the query's ingress ring, from one thread at
 * a time (offers are not synchronised). A publisher feeds one query in its life: starting a second query on it,
 * while the first runs or after it has ended, throws {@link IllegalStateException}; build a new publisher for each
 * query (a restart from a checkpoint too). With continuous and processing-time triggers an epoch ends every
 * interval once it holds rows: an offer that finds the interval passed cuts it, and while the publisher is idle
 * the query's operator thread does (in {@link ThreadingMode#INVOKER} mode, the thread calling {@code invoke()}),
 * so that the epoch's output is written and committed on time. An idle publisher's next epoch, holding nothing,
 * stays open until rows come: an idle query writes nothing.
 * <p>
 * With a checkpoint, every offer that returns true has journaled its row before it entered the ring, so it is
 * not lost if the process dies; every cut is journaled before its marker enters the ring, wherever it was taken.
 * When the query starts again on the same checkpoint, the rows and cuts of the epochs not committed are replayed
 * from the journal before {@code start()} returns, and {@link #position()} says how many rows the checkpoint
 * holds: the application resumes offering from there.
 */
public final class Publisher
{
    private static final VarHandle PRODUCING;

    static
    {
        try
        {
            PRODUCING = MethodHandles.lookup().findVarHandle(Publisher.class, "producing", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Schema schema;
    private final RowWriter writer;
    private final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 100_000);
    private volatile IngressProducer producer;
    private volatile QueryControl control;
    private volatile boolean drivenByCaller;
    private Journal journal;
    private EpochLog epochLog;
    private boolean markerPending;
    private boolean finalCutLogged;
    private boolean checkpointFinished;
    private boolean closing;
    private long position;
    /**
     * 1 while a thread produces into the ring: the offering thread, or the operator thread cutting the epoch an
     * idle publisher leaves open. The fields above are only touched holding it, which orders them between the two.
     */
    private volatile int producing;
    /** Whether epochs may be cut on the operator thread: once the journaled input has been replayed. */
    private volatile boolean live;

    /**
     * @param schema of the rows offered.
     */
    public Publisher(final Schema schema)
    {
        JvmAccess.check(false);
        this.schema = Objects.requireNonNull(schema, "schema");
        this.writer = new RowWriter(schema);
    }

    /**
     * @return the schema of the rows offered.
     */
    public Schema schema()
    {
        return schema;
    }

    /**
     * Offers one row, written by {@code translator}.
     *
     * @param translator writes the row from {@code arg}; called only when there is room, and must not itself
     *                   offer to or close this publisher.
     * @param arg        passed to the translator.
     * @param <A>        type of the argument.
     * @return true when published; false on back-pressure (the ring is full) or when the query has ended (also
     *         when it started from a checkpoint of a run that had finished).
     * @throws IllegalStateException when the publisher's query has not been started.
     */
    public <A> boolean offer(final RowTranslator<A> translator, final A arg)
    {
        if (checkpointFinished)
        {
            return false;
        }
        final IngressProducer ingress = started();
        acquireTurn();
        try
        {
            if (control.isTerminated() || ingress.isEnded() || !cutIfDue(ingress, System.nanoTime()))
            {
                return false;
            }
            translator.translate(writer.reset(), arg);
            return null == journal ? publish(ingress) : publishJournaled(ingress);
        }
        finally
        {
            releaseTurn();
        }
    }

    /**
     * @return rows accepted so far: offered and, after a restart from a checkpoint, held by the checkpoint.
     */
    public long position()
    {
        return position;
    }

    private boolean publish(final IngressProducer ingress)
    {
        if (!ingress.publish(writer, position + 1))
        {
            return false;
        }
        position++;
        epochLog.recorded(position);
        return true;
    }

    private boolean publishJournaled(final IngressProducer ingress)
    {
        // Only journal a row the ring is sure to take: a journaled row must not be offered twice.
        if (!ingress.canPublish(writer.length()))
        {
            return false;
        }
        final long index = journal.appendRecord(position + 1, position + 1, writer.buffer(), 0, writer.length());
        if (!ingress.publish(writer, index))
        {
            throw new IllegalStateException("the ring refused a journaled row it had room for");
        }
        position++;
        epochLog.recorded(index);
        return true;
    }

    /**
     * Cuts the open epoch when its interval has passed: logs the cut (once), then publishes its marker. Holding
     * the turn.
     *
     * @return false while a due marker could not enter the full ring.
     */
    private boolean cutIfDue(final IngressProducer ingress, final long nowNanos)
    {
        if (!markerPending && ingress.isCutDue(nowNanos))
        {
            epochLog.cut(ingress.epoch(), position, position, false);
            markerPending = true;
        }
        if (markerPending)
        {
            if (!ingress.cut(nowNanos, position))
            {
                return false;
            }
            markerPending = false;
        }
        return true;
    }

    /**
     * Cuts the open epoch on the query's operator thread when its interval has passed, it holds records, the ring
     * is drained and no offer is in progress; the replay of journaled input and the end of input leave it alone. The
     * cut is logged holding the turn; the marker goes to the operator chain after, straight from this thread.
     */
    int cutWhenIdle(final long nowNanos, final IngressRing.SlotHandler consumer)
    {
        final IngressProducer ingress = producer;
        if (!live || !ingress.isCutDue(nowNanos) || !PRODUCING.compareAndSet(this, 0, 1))
        {
            return 0;
        }
        final long epoch;
        final long cutPosition;
        try
        {
            if (closing || control.isTerminated() || !ingress.isDrained())
            {
                return 0;
            }
            if (markerPending)
            {
                // An offer logged this cut but found the ring full for its marker: the ring has room now.
                markerPending = false;
            }
            else
            {
                // An epoch without records is not ended while idle: an idle query writes nothing, to the sink or
                // the journal, until input comes again.
                if (epochLog.records() == 0 || !ingress.isCutDue(nowNanos))
                {
                    return 0;
                }
                epochLog.cut(ingress.epoch(), position, position, false);
                CrashPoints.passed("idle-cut-appended");
            }
            cutPosition = position;
            epoch = ingress.cutDrained(nowNanos);
        }
        finally
        {
            releaseTurn();
        }
        consumer.onMarker(epoch, cutPosition);
        return 1;
    }

    /**
     * Waits for an offer in progress on another thread to end; the query has ended, so none starts after it.
     */
    void awaitOffer()
    {
        acquireTurn();
        releaseTurn();
    }

    private void acquireTurn()
    {
        while (!PRODUCING.compareAndSet(this, 0, 1))
        {
            // The operator thread holds it only to log one cut: a journal append at most.
            Thread.onSpinWait();
        }
    }

    private void releaseTurn()
    {
        PRODUCING.setRelease(this, 0);
    }

    /**
     * Offers one row, waiting (with a backing-off idle strategy) while the ring is full.
     *
     * @param translator writes the row from {@code arg}.
     * @param arg        passed to the translator.
     * @param <A>        type of the argument.
     * @return true when published; false when the query ended first or the thread was interrupted.
     * @throws IllegalStateException when the query runs in {@link ThreadingMode#INVOKER} mode and the ring is
     *                               full: nothing would drain it while this thread waits.
     */
    public <A> boolean offerBlocking(final RowTranslator<A> translator, final A arg)
    {
        if (checkpointFinished)
        {
            return false;
        }
        idle.reset();
        while (!offer(translator, arg))
        {
            if (control.isTerminated() || producer.isEnded() || Thread.currentThread().isInterrupted())
            {
                return false;
            }
            checkSomeoneDrains();
            idle.idle();
        }
        return true;
    }

    /**
     * Ends the input: the last epoch is cut and the query finishes once it has processed everything offered.
     * Waits while the ring is full; returns early if the query ended or the thread is interrupted.
     *
     * @throws IllegalStateException when the query runs in {@link ThreadingMode#INVOKER} mode and the ring is
     *                               full: nothing would drain it while this thread waits.
     */
    public void close()
    {
        if (checkpointFinished)
        {
            return;
        }
        final IngressProducer ingress = started();
        acquireTurn();
        try
        {
            end(ingress);
        }
        finally
        {
            releaseTurn();
        }
    }

    /**
     * Publishes the last cut and the end of input. Holding the turn.
     */
    private void end(final IngressProducer ingress)
    {
        closing = true;
        idle.reset();
        while (markerPending && !ingress.cut(System.nanoTime(), position) && !control.isTerminated())
        {
            checkSomeoneDrains();
            idle.idle();
        }
        markerPending = false;
        if (null != journal && !finalCutLogged && !ingress.isEndPublished())
        {
            epochLog.cut(ingress.epoch(), position, position, true);
            finalCutLogged = true;
        }
        while (!ingress.finish(position) && !control.isTerminated() && !Thread.currentThread().isInterrupted())
        {
            checkSomeoneDrains();
            idle.idle();
        }
    }

    private void checkSomeoneDrains()
    {
        if (drivenByCaller)
        {
            throw new IllegalStateException("the ring is full and the query runs in INVOKER mode, so nothing " +
                "drains it while this thread waits: call query.invoke() and try again");
        }
    }

    void bind(
        final IngressProducer ingress, final QueryControl queryControl, final boolean invokerMode, final Journal log)
    {
        drivenByCaller = invokerMode;
        journal = log;
        epochLog = new EpochLog(log);
        control = queryControl;
        producer = ingress;
        live = null == log;
    }

    /**
     * Binds the publisher to a query whose checkpoint holds a run that finished: nothing more is taken, and
     * {@link #position()} says how many rows the checkpoint holds.
     */
    void bindFinished(final long rowsHeld)
    {
        position = rowsHeld;
        checkpointFinished = true;
    }

    /**
     * Replays the journaled rows and cuts of the epochs not committed into the ring, on the thread starting the
     * query, so that they are processed again before any new offer, and cut on time after.
     */
    void recover(final Recovery recovery)
    {
        acquireTurn();
        try
        {
            replay(recovery);
        }
        finally
        {
            releaseTurn();
        }
        live = true;
    }

    private void replay(final Recovery recovery)
    {
        if (recovery.isFresh())
        {
            return;
        }
        final IngressProducer ingress = producer;
        position = null == recovery.committedCut() ? 0 : recovery.committedCut().sourceOffset();
        final IngressHandler replay = new IngressHandler()
        {
            public boolean onRecord(
                final long index, final long sourceOffset, final long lineNumber, final DirectBuffer row,
                final int offset, final int length)
            {
                idle.reset();
                while (!ingress.publish(row, offset, length, index))
                {
                    awaitRoom();
                }
                position = sourceOffset;
                epochLog.recorded(index);
                return true;
            }

            public boolean onEpochCut(final long index, final EpochCut cut)
            {
                epochLog.reset();
                position = cut.sourceOffset();
                if (cut.endOfInput())
                {
                    finalCutLogged = true;
                    return false;
                }
                idle.reset();
                while (!ingress.cut(System.nanoTime(), index))
                {
                    awaitRoom();
                }
                return true;
            }
        };
        while (!finalCutLogged && journal.readIngress(replay, 1024) >= 0)
        {
            if (control.isTerminated())
            {
                return;
            }
        }
        if (finalCutLogged)
        {
            // The input had ended before the crash: end it again, as the first attempt did.
            end(ingress);
        }
    }

    private void awaitRoom()
    {
        if (control.isTerminated())
        {
            throw new IllegalStateException("query ended while its journaled input was replayed");
        }
        idle.idle();
    }

    private IngressProducer started()
    {
        final IngressProducer ingress = producer;
        if (null == ingress)
        {
            throw new IllegalStateException("publisher not started: start its query first");
        }
        return ingress;
    }

    @Override
    public String toString()
    {
        return "Publisher" + schema;
    }
}
