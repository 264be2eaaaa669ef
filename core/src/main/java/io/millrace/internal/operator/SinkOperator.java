package io.millrace.internal.operator;

import io.millrace.internal.metrics.QueryCounters;
import io.millrace.row.RowView;
import io.millrace.sink.Sink;

/**
 * The last stage: numbers each row with its {@code (epoch, sequence)} id and hands it to the sink; commits
 * each epoch on its marker.
 */
public final class SinkOperator extends Operator
{
    private final Sink sink;
    private final QueryCounters counters;
    private long epoch;
    private long sequence;

    /**
     * @param sink       receiving the output.
     * @param counters   of the query, counting rows out; null not to count.
     * @param firstEpoch id of the first epoch.
     */
    public SinkOperator(final Sink sink, final QueryCounters counters, final long firstEpoch)
    {
        this.sink = sink;
        this.counters = counters;
        this.epoch = firstEpoch;
    }

    @Override
    public void onRow(final RowView row)
    {
        sink.onRow(row, epoch, sequence++);
        if (null != counters)
        {
            counters.recordsOut.increment();
        }
    }

    @Override
    public void onWatermark(final long watermark)
    {
    }

    @Override
    public void onMarker(final long markerEpoch)
    {
        if (markerEpoch != epoch)
        {
            throw new IllegalStateException("marker of epoch " + markerEpoch + " while in epoch " + epoch);
        }
        sink.commitEpoch(markerEpoch);
        if (null != counters)
        {
            counters.committedEpoch.set(markerEpoch);
        }
        epoch = markerEpoch + 1;
        sequence = 0;
    }

    @Override
    public void onEnd()
    {
    }
}
