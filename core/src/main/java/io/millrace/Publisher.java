package io.millrace;

import io.millrace.function.RowTranslator;
import io.millrace.checkpoint.Recovery;
import io.millrace.internal.durable.CrashPoints;
import io.millrace.internal.IngressProducer;
import io.millrace.internal.IngressRing;
import io.millrace.internal.JvmAccess;
import io.millrace.internal.QueryControl;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
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
    /** Whether the query runs as several tasks, each of which must read an idle cut's marker from the ring. */
    private volatile boolean severalTasks;
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
        return offer(translator, arg, true);
    }

    /**
     * @param firstTry whether a full ring counts as back-pressure: once per offer, not at each retry of a
     *                 blocking one.
     */
    private <A> boolean offer(final RowTranslator<A> translator, final A arg, final boolean firstTry)
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
            return publish(ingress, firstTry);
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

    /**
     * Publishes the row written, journaled first when the query journals its input, only if the ring takes it now:
     * an offer that returns false has taken nothing, so a row is never journaled twice. Holding the turn.
     */
    private boolean publish(final IngressProducer ingress, final boolean firstTry)
    {
        if (!ingress.canPublish(writer.length()))
        {
            if (firstTry)
            {
                ingress.backPressured();
            }
            return false;
        }
        final boolean published = ingress.journalsRecords() ?
            ingress.add(writer.buffer(), 0, writer.length(), 0) && ingress.flush(position + 1, position + 1) :
            ingress.publish(writer.buffer(), 0, writer.length(), position + 1, 0);
        if (!published)
        {
            throw new IllegalStateException("the ring refused a row it had room for");
        }
        position++;
        return true;
    }

    /**
     * Cuts the open epoch when its interval has passed: logs the cut, then publishes its marker. Holding the turn.
     *
     * @return false while a cut's marker could not enter the full ring.
     */
    private boolean cutIfDue(final IngressProducer ingress, final long nowNanos)
    {
        if (ingress.isWaiting())
        {
            return ingress.publishWaiting();
        }
        if (!ingress.isCutDue(nowNanos))
        {
            return true;
        }
        ingress.inputAt(0, position, position);
        return ingress.cut(nowNanos);
    }

    /**
     * Cuts the open epoch on the query's operator thread when its interval has passed, it holds records, the ring
     * is drained and no offer is in progress; the replay of journaled input and the end of input leave it alone. The
     * cut is logged holding the turn; the marker goes to the operator chain after, straight from this thread. A query
     * of several tasks, whose every task must see the marker, gets it through the ring instead, published holding the
     * turn: the ring is drained, so it has room.
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
        final long cutTime;
        try
        {
            if (closing || control.isTerminated() || !ingress.isDrained())
            {
                return 0;
            }
            // A cut an offer logged, whose marker found the ring full, ends here: the ring has room now. Otherwise
            // an epoch without records is not ended while idle unless a processing-time timer is due: an idle query
            // writes nothing, to the sink or the journal, until input comes again.
            final boolean logged = ingress.isMarkerWaiting();
            if (!logged && !ingress.isCutWanted(nowNanos))
            {
                return 0;
            }
            cutPosition = position;
            ingress.inputAt(0, position, position);
            if (severalTasks)
            {
                final boolean published = logged ? ingress.publishWaiting() : ingress.cut(nowNanos);
                if (!logged)
                {
                    CrashPoints.passed("idle-cut-appended");
                }
                return published ? 1 : 0;
            }
            epoch = ingress.cutDrained(nowNanos);
            cutTime = ingress.markerTime();
            if (!logged)
            {
                CrashPoints.passed("idle-cut-appended");
            }
        }
        finally
        {
            releaseTurn();
        }
        consumer.onMarker(epoch, cutPosition, cutTime);
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
        boolean firstTry = true;
        while (!offer(translator, arg, firstTry))
        {
            firstTry = false;
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
        ingress.inputAt(0, position, position);
        while (!ingress.finish() && !control.isTerminated() &&
            !Thread.currentThread().isInterrupted())
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
        final IngressProducer ingress, final QueryControl queryControl, final boolean invokerMode, final int tasks)
    {
        drivenByCaller = invokerMode;
        severalTasks = tasks > 1;
        control = queryControl;
        producer = ingress;
        live = !ingress.journalsRecords();
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
        ingress.resumeAt(recovery.committedCut());
        idle.reset();
        int replayed;
        while ((replayed = ingress.replayJournal(1024)) >= 0)
        {
            if (control.isTerminated())
            {
                return;
            }
            if (replayed == 0)
            {
                awaitRoom();
            }
            else
            {
                idle.reset();
            }
        }
        position = ingress.inputOffset(0);
        if (ingress.journalEndedInput())
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
