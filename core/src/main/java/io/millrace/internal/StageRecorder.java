package io.millrace.internal;

import io.millrace.StageTimes;
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
     * @return what was recorded since the last call; one reader at a time.
     */
    public synchronized StageTimes take()
    {
        interval = recorder.getIntervalHistogram(interval);
        final long count = interval.getTotalCount();
        if (count == 0)
        {
            return StageTimes.NONE;
        }
        return new StageTimes(count, interval.getValueAtPercentile(50), interval.getValueAtPercentile(99),
            interval.getValueAtPercentile(99.9), interval.getMaxValue(), (long)(interval.getMean() * count));
    }
}
