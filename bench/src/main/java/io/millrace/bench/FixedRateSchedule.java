package io.millrace.bench;

import io.millrace.Publisher;
import io.millrace.StreamingQuery;

/**
 * The latency harness's fixed-rate schedule: record {@code i} is due at {@code start + i / rate}. The publisher
 * spins until a record is due, then offers it, retrying while the ring is full. A record offered late keeps its
 * due time as its send time, so its wait shows up as latency (no coordinated omission). Publisher thread only.
 */
public final class FixedRateSchedule
{
    private final long startNanos;
    private final long rate;
    private long backPressured;
    private long maxLagNanos;
    private final StallMeter stalls = new StallMeter();

    /**
     * @param startNanos {@link System#nanoTime()} at which record 0 is due.
     * @param rate       records per second.
     */
    public FixedRateSchedule(final long startNanos, final long rate)
    {
        this.startNanos = startNanos;
        this.rate = rate;
    }

    /**
     * @param index of a record, from 0.
     * @param rate  records per second.
     * @return nanoseconds from the schedule's start to the record's due time, exact for any index and rate.
     */
    public static long offsetNanos(final long index, final long rate)
    {
        return index / rate * 1_000_000_000L + index % rate * 1_000_000_000L / rate;
    }

    /**
     * @param index of a record, from 0.
     * @return its due time, {@link System#nanoTime()}.
     */
    public long intendedNanos(final long index)
    {
        return startNanos + offsetNanos(index, rate);
    }

    /**
     * Offers records {@code from} to {@code to - 1}, each at its due time; allocates nothing.
     *
     * @param publisher to offer to.
     * @param events    moved to the next event for each record.
     * @param from      first record's index.
     * @param to        one past the last record's index.
     * @param query     fed by the publisher.
     * @param invoke    whether to run {@code query} (in {@link io.millrace.ThreadingMode#INVOKER}) after each offer
     *                  and while the ring is full, rather than leave it to the query's own thread.
     * @throws IllegalStateException when the query ends while records are still to be offered.
     */
    public void offer(
        final Publisher publisher, final LatencyEvents events, final long from, final long to,
        final StreamingQuery query, final boolean invoke)
    {
        for (long i = from; i < to; i++)
        {
            final long intended = intendedNanos(i);
            final long now = stalls.spinUntil(intended);
            maxLagNanos = Math.max(maxLagNanos, now - intended);
            events.next(intended);
            while (!publisher.offer(LatencyEvents.TRANSLATOR, events))
            {
                backPressured++;
                if (!query.isActive())
                {
                    throw new IllegalStateException("query ended at record " + i, query.lastError());
                }
                if (invoke)
                {
                    query.invoke();
                }
                Thread.onSpinWait();
            }
            if (invoke)
            {
                query.invoke();
            }
        }
    }

    /**
     * @return offers refused because the ring was full (each retry counts).
     */
    public long backPressured()
    {
        return backPressured;
    }

    /**
     * @return the stops of the offering thread while it spun until records were due: the machine's noise, not the
     *         engine's cost.
     */
    public StallMeter stalls()
    {
        return stalls;
    }

    /**
     * @return the furthest a record's offer started behind its due time, ns.
     */
    public long maxLagNanos()
    {
        return maxLagNanos;
    }
}
