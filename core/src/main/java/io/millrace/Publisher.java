package io.millrace;

import io.millrace.function.RowTranslator;
import io.millrace.internal.IngressProducer;
import io.millrace.internal.QueryControl;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Objects;

/**
 * An in-process source: the application offers rows straight into the query's ingress ring. Use one
 * publisher per query, from one thread at a time (offers are not synchronised). A record's position is its
 * index, from 1. In continuous and processing-time triggers, epochs are cut by the offering thread when an
 * offer finds the interval passed, so an idle publisher leaves its epoch open until the next offer or
 * {@link #close()}.
 */
public final class Publisher
{

    private final Schema schema;
    private final RowWriter writer;
    private final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 100_000);
    private volatile IngressProducer producer;
    private volatile QueryControl control;
    private volatile boolean drivenByCaller;
    private long position;

    /**
     * @param schema of the rows offered.
     */
    public Publisher(final Schema schema)
    {
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
     * @return true when published; false on back-pressure (the ring is full) or when the query has ended.
     * @throws IllegalStateException when the publisher's query has not been started.
     */
    public <A> boolean offer(final RowTranslator<A> translator, final A arg)
    {
        final IngressProducer ingress = started();
        if (control.isTerminated() || ingress.isEnded())
        {
            return false;
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
        final IngressProducer ingress = started();
        idle.reset();
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

    void bind(final IngressProducer ingress, final QueryControl queryControl, final boolean invokerMode)
    {
        drivenByCaller = invokerMode;
        if (null != producer)
        {
            throw new IllegalStateException("publisher already feeds a query");
        }
        control = queryControl;
        producer = ingress;
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
