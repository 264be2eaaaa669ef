package io.millrace.internal.metrics;

import org.HdrHistogram.Histogram;

/**
 * The sampled service times of the open epoch, recorded and read by the operator thread alone: at each marker their
 * percentiles go into the epoch's figures ({@link EpochFigures}) and the histogram starts again. A plain
 * {@link Histogram}, preallocated: recording is an array increment, and the percentiles at a marker scan its
 * counts without allocating.
 */
public final class EpochServiceTime
{
    private final Histogram histogram = new Histogram(1, StageRecorder.HIGHEST_NANOS, 2);

    /**
     * @param nanos one record's service time; operator thread.
     */
    public void record(final long nanos)
    {
        histogram.recordValue(Math.max(1, Math.min(nanos, StageRecorder.HIGHEST_NANOS)));
    }

    /**
     * Writes the epoch's count, percentiles, maximum and sum into its figures, all 0 when nothing was sampled, and starts
     * the next epoch's histogram; operator thread, at the marker.
     *
     * @param figures of the epoch, indexed by the {@link EpochFigures} field constants.
     */
    public void endEpoch(final long[] figures)
    {
        final long count = histogram.getTotalCount();
        figures[EpochFigures.SERVICE_COUNT] = count;
        figures[EpochFigures.SERVICE_P50] = count == 0 ? 0 : histogram.getValueAtPercentile(50);
        figures[EpochFigures.SERVICE_P99] = count == 0 ? 0 : histogram.getValueAtPercentile(99);
        figures[EpochFigures.SERVICE_P999] = count == 0 ? 0 : histogram.getValueAtPercentile(99.9);
        figures[EpochFigures.SERVICE_MAX] = count == 0 ? 0 : histogram.getMaxValue();
        figures[EpochFigures.SERVICE_TOTAL] = count == 0 ? 0 : (long)(histogram.getMean() * count);
        if (count > 0)
        {
            histogram.reset();
        }
    }
}
