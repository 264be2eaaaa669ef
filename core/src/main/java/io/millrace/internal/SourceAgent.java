package io.millrace.internal;

import io.millrace.DeadLetterHandler;
import io.millrace.row.RowWriter;
import io.millrace.source.Source;
import io.millrace.source.SourceOutput;
import io.millrace.source.SourceStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

/**
 * Polls a {@link Source} into the ingress ring, at most {@link #BATCH_LIMIT} records per duty cycle, optionally
 * throttled to a rate, and cuts epochs. Ends itself once the end of input is published.
 */
final class SourceAgent implements Agent, SourceOutput
{
    static final int BATCH_LIMIT = 1024;

    private final Source source;
    private final IngressProducer producer;
    private final QueryCounters counters;
    private final DeadLetterHandler deadLetters;
    private final QueryControl control;
    private final long recordsPerSecond;
    private final RowWriter writer;
    private final boolean endsItself;
    private long throttleStartNanos;
    private long emitted;
    private boolean pending;
    private long pendingPosition;
    private boolean exhausted;

    SourceAgent(
        final Source source,
        final IngressProducer producer,
        final QueryCounters counters,
        final DeadLetterHandler deadLetters,
        final QueryControl control,
        final long recordsPerSecond,
        final boolean endsItself)
    {
        this.endsItself = endsItself;
        this.source = source;
        this.producer = producer;
        this.counters = counters;
        this.deadLetters = deadLetters;
        this.control = control;
        this.recordsPerSecond = recordsPerSecond;
        this.writer = new RowWriter(source.schema());
    }

    @Override
    public void onStart()
    {
        source.open();
        throttleStartNanos = System.nanoTime();
    }

    @Override
    public int doWork()
    {
        if (control.isStopping())
        {
            throw new AgentTerminationException("query stopping");
        }
        final long now = System.nanoTime();
        int work = producer.cutIfDue(now, source.position());
        if (pending)
        {
            if (!publish(pendingPosition))
            {
                return work;
            }
            work++;
        }
        if (exhausted)
        {
            // On a thread of its own the agent ends here; sharing a thread it must idle until the operator
            // agent, which ends the shared thread, has processed the end of input.
            if (producer.finish(source.position()) && endsItself)
            {
                throw new AgentTerminationException("end of input published");
            }
            return work;
        }

        int limit = Math.min(BATCH_LIMIT, producer.remainingCapacity());
        if (recordsPerSecond > 0)
        {
            final long allowed = (long)((now - throttleStartNanos) * (recordsPerSecond / 1e9)) - emitted;
            limit = (int)Math.min(limit, Math.max(0, allowed));
        }
        if (limit <= 0)
        {
            return work;
        }
        final long before = emitted;
        final SourceStatus status = source.poll(this, limit);
        if (status == SourceStatus.END_OF_INPUT)
        {
            exhausted = true;
            work++;
        }
        return work + (int)(emitted - before);
    }

    @Override
    public void onClose()
    {
        source.close();
    }

    @Override
    public String roleName()
    {
        return "millrace-source-" + control.name();
    }

    @Override
    public RowWriter row()
    {
        return writer.reset();
    }

    @Override
    public boolean emit(final long position)
    {
        return publish(position);
    }

    @Override
    public void deadLetter(
        final long position, final CharSequence reason, final DirectBuffer buffer, final int index, final int length)
    {
        counters.sourceDeadLetters.increment();
        deadLetters.onDeadLetter(position, reason, buffer, index, length);
    }

    private boolean publish(final long position)
    {
        pending = !producer.publish(writer, position);
        pendingPosition = position;
        if (!pending)
        {
            emitted++;
        }
        return !pending;
    }
}
