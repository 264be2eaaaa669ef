package io.millrace.bench;

import io.millrace.row.Schema;
import io.millrace.source.Source;
import io.millrace.source.SourceOutput;
import io.millrace.source.SourceStatus;

/**
 * The latency harness's input as a polled source, for runs with the journal on: the query's source thread emits
 * each event at its due time on a fixed-rate schedule, carrying that time, so latency is measured from the
 * schedule as with the publisher (corrected for coordinated omission), and the source path journals each record
 * before it is processed ({@code journalInput}). Allocates nothing per record.
 */
final class ScheduledEventSource implements Source
{
    private final LatencyEvents events;
    private final FixedRateSchedule schedule;
    private final long count;
    private long next;

    /**
     * @param events   the events, with their send times.
     * @param schedule giving each record's due time.
     * @param count    records to emit.
     */
    ScheduledEventSource(final LatencyEvents events, final FixedRateSchedule schedule, final long count)
    {
        this.events = events;
        this.schedule = schedule;
        this.count = count;
    }

    @Override
    public Schema schema()
    {
        return events.schema();
    }

    @Override
    public SourceStatus poll(final SourceOutput output, final int limit)
    {
        final long now = System.nanoTime();
        int emitted = 0;
        while (next < count && emitted < limit && schedule.intendedNanos(next) - now <= 0)
        {
            LatencyEvents.TRANSLATOR.translate(output.row(), events.next(schedule.intendedNanos(next)));
            emitted++;
            if (!output.emit(next++))
            {
                break;
            }
        }
        return next >= count ? SourceStatus.END_OF_INPUT :
            emitted > 0 ? SourceStatus.MORE_AVAILABLE : SourceStatus.NOTHING_AVAILABLE;
    }

    @Override
    public long position()
    {
        return next;
    }

    /**
     * @return records emitted so far.
     */
    long emitted()
    {
        return next;
    }
}
