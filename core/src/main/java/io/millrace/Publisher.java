package io.millrace;

import io.millrace.function.RowTranslator;
import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.IngressHandler;
import io.millrace.checkpoint.Journal;
import io.millrace.checkpoint.Recovery;
import io.millrace.internal.EpochLog;
import io.millrace.internal.IngressProducer;
import io.millrace.internal.JvmAccess;
import io.millrace.internal.QueryControl;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Objects;

/**
 * An in-process source: the application offers rows straight into the query's ingress ring, from one thread at
 * a time (offers are not synchronised). A publisher feeds one query in its life: starting a second query on it,
 * while the first runs or after it has ended, throws {@link IllegalStateException}; build a new publisher for each
 * query (a restart from a checkpoint too). In continuous and processing-time
 * triggers, epochs are cut by the offering thread when an offer finds the interval passed, so an idle publisher
 * leaves its epoch open until the next offer or {@link #close()}.
 * <p>
 * With a checkpoint, every offer that returns true has journaled its row before it entered the ring, so it is
 * not lost if the process dies (DESIGN §5). When the query starts again on the same checkpoint, the rows of the
 * epochs not committed are replayed from the journal before {@code start()} returns, and {@link #position()}
 * says how many rows the checkpoint holds: the application resumes offering from there.
 */
public final class Publisher
{

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
    private long position;

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
     * @param translator writes the row from {@code arg}; called only when there is room.
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
        if (control.isTerminated() || ingress.isEnded())
        {
            return false;
        }
        if (null != journal)
        {
            return offerJournaled(ingress, translator, arg);
        }
        ingress.cutIfDue(System.nanoTime(), position);
        translator.translate(writer.reset(), arg);
        if (ingress.publish(writer, position + 1))
        {
            position++;
            return true;
        }
        return false;
    }

    /**
     * @return rows accepted so far: offered and, after a restart from a checkpoint, held by the checkpoint.
     */
    public long position()
    {
        return position;
    }

    private <A> boolean offerJournaled(final IngressProducer ingress, final RowTranslator<A> translator, final A arg)
    {
        final long now = System.nanoTime();
        if (!markerPending && ingress.isCutDue(now))
        {
            epochLog.cut(ingress.epoch(), position, position, false);
            markerPending = true;
        }
        if (markerPending)
        {
            if (!ingress.cut(now, position))
            {
                return false;
            }
            markerPending = false;
        }
        translator.translate(writer.reset(), arg);
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
     * query, so that they are processed again before any new offer (DESIGN §5).
     */
    void recover(final Recovery recovery)
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
            close();
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
