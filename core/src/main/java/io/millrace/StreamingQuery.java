package io.millrace;

import io.millrace.internal.IngressProducer;
import io.millrace.internal.IngressRing;
import io.millrace.internal.QueryControl;
import io.millrace.internal.QueryCounters;
import io.millrace.internal.QueryRuntime;
import io.millrace.internal.operator.Operator;
import io.millrace.internal.operator.OperatorContext;
import io.millrace.internal.operator.SinkOperator;
import io.millrace.sink.Sink;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A running query, returned by {@link StreamWriter#start()}. All methods are thread-safe.
 */
public final class StreamingQuery implements AutoCloseable
{
    private static final long FIRST_EPOCH = 1;

    private final String name;
    private final QueryControl control;
    private final QueryCounters counters;
    private final QueryRuntime runtime;
    private long lastProgressNanos;
    private long lastProgressRecords;

    private StreamingQuery(
        final String name, final QueryControl control, final QueryCounters counters, final QueryRuntime runtime)
    {
        this.name = name;
        this.control = control;
        this.counters = counters;
        this.runtime = runtime;
        this.lastProgressNanos = System.nanoTime();
    }

    static StreamingQuery start(final StreamWriter settings)
    {
        final Stream stream = settings.stream();
        final QueryControl control = new QueryControl(settings.queryName());
        final QueryCounters counters = new QueryCounters();
        final DeadLetterHandler deadLetters = null != settings.deadLetters() ?
            settings.deadLetters() : StreamingQuery::logDeadLetter;
        final Sink lateSink = settings.lateRecords();
        final SinkOperator lateRecords = null == lateSink ? null : new SinkOperator(lateSink, null, FIRST_EPOCH);
        if (null != lateSink)
        {
            lateSink.open(stream.aggregation().parent().schema());
        }
        final OperatorContext context = new OperatorContext(counters, deadLetters, lateRecords);
        final Stage.QuerySettings query = new Stage.QuerySettings(settings.outputMode(), settings.trigger());

        Operator head = null;
        Operator tail = null;
        for (final Stream node : stream.path())
        {
            final Operator operator = node.stage().create(query, context);
            if (null == head)
            {
                head = operator;
            }
            else
            {
                tail.then(operator);
            }
            tail = operator;
        }
        final Sink sink = settings.sink();
        final SinkOperator sinkOperator = new SinkOperator(sink, counters, FIRST_EPOCH);
        if (null == head)
        {
            head = sinkOperator;
        }
        else
        {
            tail.then(sinkOperator);
        }
        sink.open(stream.schema());

        final IngressRing ring = new IngressRing(
            settings.ringSize(), settings.slotCapacity(), StreamWriter.OVERSIZE_BUDGET_DEFAULT);
        final long intervalNanos = settings.trigger().interval().toNanos();
        final IngressProducer producer =
            new IngressProducer(ring, counters, intervalNanos, FIRST_EPOCH, System.nanoTime());
        final Ingress ingress = stream.ingress();
        if (null != ingress.publisher())
        {
            ingress.publisher().bind(producer, control);
        }
        final QueryRuntime runtime = new QueryRuntime(
            ingress.source(), producer, ring, head, context, deadLetters, control, settings.throttle(),
            () -> closeAll(sink, lateSink), settings.threadingMode(), settings.idleStrategy());
        return new StreamingQuery(settings.queryName(), control, counters, runtime);
    }

    /**
     * @return the query's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Waits until the query ends: its input is exhausted and processed, it fails, or it is stopped.
     *
     * @throws StreamingQueryException when the query failed.
     * @throws InterruptedException    when interrupted while waiting.
     */
    public void awaitTermination() throws InterruptedException
    {
        while (!awaitTermination(Duration.ofDays(1)))
        {
            Thread.onSpinWait();
        }
    }

    /**
     * Waits up to {@code timeout} for the query to end.
     *
     * @param timeout to wait.
     * @return whether the query ended.
     * @throws StreamingQueryException when the query failed.
     * @throws InterruptedException    when interrupted while waiting.
     */
    public boolean awaitTermination(final Duration timeout) throws InterruptedException
    {
        if (!control.await(timeout.toNanos(), TimeUnit.NANOSECONDS))
        {
            return false;
        }
        runtime.close();
        final Throwable error = control.error();
        if (null != error)
        {
            throw new StreamingQueryException(name, error);
        }
        return true;
    }

    /**
     * Stops the query where it is and waits for its threads; output of the open epoch is not committed.
     */
    public void stop()
    {
        runtime.close();
    }

    /**
     * Same as {@link #stop()}.
     */
    @Override
    public void close()
    {
        stop();
    }

    /**
     * @return whether the query is still running.
     */
    public boolean isActive()
    {
        return !control.isTerminated();
    }

    /**
     * @return whether the query ended by processing all of its input.
     */
    public boolean isFinished()
    {
        return control.isFinished();
    }

    /**
     * @return the error the query failed with, or null.
     */
    public Throwable lastError()
    {
        return control.error();
    }

    /**
     * Runs one duty cycle of the query's agents on the calling thread; for {@link ThreadingMode#INVOKER}.
     *
     * @return work done; 0 when idle or ended.
     * @throws IllegalStateException in other threading modes.
     */
    public int invoke()
    {
        return runtime.invoke();
    }

    /**
     * @return the query's figures now; the rate is measured since the previous call.
     */
    public synchronized QueryProgress progress()
    {
        final long now = System.nanoTime();
        final long recordsIn = counters.recordsIn.get();
        final double seconds = (now - lastProgressNanos) / 1e9;
        final double rate = seconds > 0 ? (recordsIn - lastProgressRecords) / seconds : 0;
        lastProgressNanos = now;
        lastProgressRecords = recordsIn;
        return new QueryProgress(
            recordsIn,
            rate,
            counters.recordsOut.get(),
            counters.stateRows.get(),
            counters.stateBytes.get(),
            counters.lateRecords.get(),
            counters.droppedContributions.get(),
            counters.sourceDeadLetters.get() + counters.operatorDeadLetters.get(),
            counters.watermark.get(),
            counters.committedEpoch.get());
    }

    private static void closeAll(final Sink sink, final Sink lateSink)
    {
        try
        {
            sink.close();
        }
        finally
        {
            if (null != lateSink)
            {
                lateSink.close();
            }
        }
    }

    private static void logDeadLetter(
        final long position, final CharSequence reason, final DirectBuffer buffer, final int index,
        final int length)
    {
        final byte[] bytes = new byte[Math.min(length, 200)];
        buffer.getBytes(index, bytes);
        System.err.println("millrace: dead letter at " + position + ": " + reason + ": " +
            new String(bytes, StandardCharsets.UTF_8));
    }
}
