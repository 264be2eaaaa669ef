package io.millrace.internal;

import io.millrace.row.RowWriter;
import org.agrona.DirectBuffer;

/**
 * The producer side of a query's ingress, shared by the polled-source agent and the in-process publisher:
 * publishes rows, cuts an epoch every interval with a marker carrying the source position, and at the end of
 * input publishes the last marker and the end. One producer thread; {@link #isCutDue} may be asked from any
 * thread, and the consumer may end an epoch itself ({@link #cutDrained}) while the producer side is held.
 */
public final class IngressProducer
{
    private final IngressRing ring;
    private final QueryCounters counters;
    private final long epochIntervalNanos;
    private volatile long nextCutNanos;
    private long epoch;
    private boolean endPublished;
    private boolean ended;

    /**
     * @param ring               to publish into.
     * @param counters           of the query; records in are counted here.
     * @param epochIntervalNanos between cuts; 0 cuts only at the end of input.
     * @param firstEpoch         id of the first epoch.
     * @param nowNanos           current {@link System#nanoTime()}.
     */
    public IngressProducer(
        final IngressRing ring,
        final QueryCounters counters,
        final long epochIntervalNanos,
        final long firstEpoch,
        final long nowNanos)
    {
        this.ring = ring;
        this.counters = counters;
        this.epochIntervalNanos = epochIntervalNanos;
        this.epoch = firstEpoch;
        this.nextCutNanos = nowNanos + epochIntervalNanos;
    }

    /**
     * @return slots free in the ring.
     */
    public int remainingCapacity()
    {
        return ring.remainingCapacity();
    }

    /**
     * @param row      to publish a copy of.
     * @param position source position after it.
     * @return false on back-pressure.
     */
    public boolean publish(final RowWriter row, final long position)
    {
        return publish(row.buffer(), 0, row.length(), position);
    }

    /**
     * @param buffer   holding a row.
     * @param offset   of the row.
     * @param length   of the row.
     * @param position source offset of the row.
     * @return false on back-pressure.
     */
    public boolean publish(final DirectBuffer buffer, final int offset, final int length, final long position)
    {
        if (ring.tryPublishRow(buffer, offset, length, position))
        {
            counters.recordsIn.increment();
            return true;
        }
        return false;
    }

    /**
     * @param length of a row.
     * @return whether {@link #publish} would take it now.
     */
    public boolean canPublish(final int length)
    {
        return ring.canPublish(length);
    }

    /**
     * @param nowNanos current {@link System#nanoTime()}.
     * @return whether an epoch's interval has passed since the last cut.
     */
    public boolean isCutDue(final long nowNanos)
    {
        return epochIntervalNanos > 0 && nowNanos - nextCutNanos >= 0;
    }

    /**
     * @return id of the epoch the next cut ends.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * Ends the current epoch now with a marker.
     *
     * @param nowNanos current {@link System#nanoTime()}, from which the next interval runs.
     * @param position source position of the cut.
     * @return false when the ring is full.
     */
    public boolean cut(final long nowNanos, final long position)
    {
        if (ring.tryPublishMarker(epoch, position))
        {
            epoch++;
            nextCutNanos = nowNanos + epochIntervalNanos;
            return true;
        }
        return false;
    }

    /**
     * Ends the current epoch without a marker in the ring, for a consumer that has drained the ring and handles the
     * marker itself, while the producer side is held so that nothing enters the ring meanwhile.
     *
     * @param nowNanos current {@link System#nanoTime()}, from which the next interval runs.
     * @return id of the epoch ended.
     */
    public long cutDrained(final long nowNanos)
    {
        if (!ring.isDrained())
        {
            throw new IllegalStateException("the ring holds slots the cut would pass");
        }
        nextCutNanos = nowNanos + epochIntervalNanos;
        return epoch++;
    }

    /**
     * @return whether every slot published has been handled by the consumer; for the consumer thread.
     */
    public boolean isDrained()
    {
        return ring.isDrained();
    }

    /**
     * @return whether the end of input has been published (the last marker may still be pending).
     */
    public boolean isEndPublished()
    {
        return endPublished;
    }

    /**
     * Publishes the end of input, then the last epoch's marker (so that what the end of input flushes, such as
     * windows closed by the final watermark, belongs to the last epoch); call again while it returns false.
     *
     * @param position source position at the end.
     * @return true once both are published.
     */
    public boolean finish(final long position)
    {
        if (!endPublished && ring.tryPublishEnd())
        {
            endPublished = true;
        }
        if (endPublished && !ended && ring.tryPublishMarker(epoch, position))
        {
            ended = true;
        }
        return ended;
    }

    /**
     * @return whether the end of input is published.
     */
    public boolean isEnded()
    {
        return ended;
    }
}
