package io.millrace.bench;

import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.sink.Sink;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latency harness's sink, on the operator thread: every output row carries, as {@code max(sent_ns)}, the
 * intended send time of the record that produced it; the recorder takes {@link System#nanoTime()} on arrival and
 * records the difference in a pre-allocated {@link Histogram}. Because the send time is the fixed-rate
 * schedule's, not the moment the offer actually happened, time a record spent waiting behind a stalled publisher
 * or a full ring is counted: the figures are corrected for coordinated omission. Rows sent before
 * {@code measureFromNanos} (the warm-up) are counted but not recorded. Allocates nothing per row.
 * <p>
 * Read the histogram and figures from another thread only after {@link #rowsSeen()} has reached the rows
 * expected (release/acquire) or after the query has terminated.
 */
public final class LatencyRecorder implements Sink
{
    /** Largest latency the histogram tracks; larger values are recorded as this. */
    public static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String sentColumn;
    private final long measureFromNanos;
    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    private final AtomicLong rowsSeen = new AtomicLong();
    private LongColumn sent;
    private long rows;
    private boolean measuring;
    private long allocatedAtMeasureStart;
    private long threadId;

    /**
     * @param sentColumn       LONG column of the output rows holding the send time, e.g. {@code max_sent_ns}.
     * @param measureFromNanos send times from this {@link System#nanoTime()} on are recorded.
     */
    public LatencyRecorder(final String sentColumn, final long measureFromNanos)
    {
        this.sentColumn = sentColumn;
        this.measureFromNanos = measureFromNanos;
    }

    @Override
    public void open(final Schema schema)
    {
        sent = schema.longColumn(sentColumn);
    }

    @Override
    public void onRow(final RowView row, final long epoch, final long sequence)
    {
        final long now = System.nanoTime();
        final long sentNanos = sent.get(row);
        if (sentNanos - measureFromNanos >= 0)
        {
            if (!measuring)
            {
                measuring = true;
                threadId = Thread.currentThread().getId();
                allocatedAtMeasureStart = JvmStats.currentThreadAllocatedBytes();
            }
            histogram.recordValue(Math.min(Math.max(0, now - sentNanos), HIGHEST_TRACKABLE_NANOS));
        }
        rowsSeen.lazySet(++rows);
    }

    /**
     * @return rows received so far, warm-up included; any thread.
     */
    public long rowsSeen()
    {
        return rowsSeen.get();
    }

    /**
     * @return the latencies recorded, in nanoseconds.
     */
    public Histogram histogram()
    {
        return histogram;
    }

    /**
     * @return id of the operator thread, 0 before the first measured row.
     */
    public long threadId()
    {
        return threadId;
    }

    /**
     * @return bytes the operator thread had allocated when the first measured row arrived.
     */
    public long allocatedAtMeasureStart()
    {
        return allocatedAtMeasureStart;
    }
}
