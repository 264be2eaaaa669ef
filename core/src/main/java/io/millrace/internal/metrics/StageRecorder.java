package io.millrace.internal.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The durations of one stage of a query, recorded by the one thread that runs the stage, wait-free and without
 * allocating, and read from any thread as the interval since the last read.
 */
public final class StageRecorder
{
    /** Longest duration told apart; longer ones count as this long. */
    public static final long HIGHEST_NANOS = 600_000_000_000L;

    private final SingleWriterRecorder recorder = new SingleWriterRecorder(1, HIGHEST_NANOS, 2);
    private Histogram interval;

    /**
     * @param nanos the stage took once; owner thread.
     */
    public void record(final long nanos)
    {
        recorder.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
    }

    /**
     * @param summary turning the figures into the caller's type.
     * @param <T>     of the summary.
     * @return what was recorded since the last call, all zero when nothing was; one reader at a time.
     */
    public synchronized <T> T take(final Summary<T> summary)
    {
        interval = recorder.getIntervalHistogram(interval);
        final long count = interval.getTotalCount();
        if (count == 0)
        {
            return summary.of(0, 0, 0, 0, 0, 0);
        }
        return summary.of(count, interval.getValueAtPercentile(50), interval.getValueAtPercentile(99),
            interval.getValueAtPercentile(99.9), interval.getMaxValue(), (long)(interval.getMean() * count));
    }

    /**
     * Receives the figures of an interval, in nanoseconds.
     *
     * @param <T> of the summary.
     */
    @FunctionalInterface
    public interface Summary<T>
    {
        /**
         * @param count      durations recorded.
         * @param p50Nanos   median.
         * @param p99Nanos   99th percentile.
         * @param p999Nanos  99.9th percentile.
         * @param maxNanos   longest.
         * @param totalNanos sum.
         * @return the summary.
         */
        T of(long count, long p50Nanos, long p99Nanos, long p999Nanos, long maxNanos, long totalNanos);
    }
}
