package io.millrace;

/**
 * How long one stage of a query took, over the occurrences since the previous {@link StreamingQuery#progress()}:
 * a count and percentiles, in nanoseconds, from a histogram with two significant digits (so a percentile is within
 * 1% of the true value).
 *
 * @param count      occurrences measured.
 * @param p50Nanos   median.
 * @param p99Nanos   99th percentile.
 * @param p999Nanos  99.9th percentile.
 * @param maxNanos   longest.
 * @param totalNanos sum of all occurrences.
 */
public record StageTimes(long count, long p50Nanos, long p99Nanos, long p999Nanos, long maxNanos, long totalNanos)
{
    /** No occurrence measured. */
    public static final StageTimes NONE = new StageTimes(0, 0, 0, 0, 0, 0);

    @Override
    public String toString()
    {
        return count == 0 ? "none" : String.format("n=%d p50=%s p99=%s p99.9=%s max=%s", count, format(p50Nanos),
            format(p99Nanos), format(p999Nanos), format(maxNanos));
    }

    private static String format(final long nanos)
    {
        if (nanos < 10_000)
        {
            return nanos + "ns";
        }
        if (nanos < 10_000_000)
        {
            return String.format("%.1fus", nanos / 1e3);
        }
        return String.format("%.1fms", nanos / 1e6);
    }
}
