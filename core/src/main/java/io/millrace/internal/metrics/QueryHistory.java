package io.millrace.internal.metrics;

/**
 * What the status page charts of one query: a sample of its figures every second, the last {@link #SAMPLES} kept.
 * Taken on the endpoint's sampling thread from the counters the query's threads publish, so it costs the query
 * nothing; read by the HTTP thread, so both sides hold the lock.
 */
final class QueryHistory
{
    /** Samples kept: five minutes at one a second. */
    static final int SAMPLES = 300;

    /** Wall-clock time of the sample, epoch ms. */
    static final int TIME = 0;
    /** Records in, so far. */
    static final int RECORDS_IN = 1;
    /** Rows out, so far. */
    static final int RECORDS_OUT = 2;
    /** Late records, so far. */
    static final int LATE = 3;
    /** Dead letters, so far. */
    static final int DEAD_LETTERS = 4;
    /** Off-heap bytes of state. */
    static final int STATE_BYTES = 5;
    /** The watermark, epoch ms; {@link Long#MIN_VALUE} while there is none. */
    static final int WATERMARK = 6;
    /** The last committed epoch. */
    static final int COMMITTED_EPOCH = 7;
    /** Median sampled service time of the last complete epoch, nanoseconds; 0 when none was timed. */
    static final int SERVICE_P50 = 8;
    /** 99th percentile of the same, nanoseconds. */
    static final int SERVICE_P99 = 9;
    /** Fields of a sample. */
    static final int FIELDS = 10;

    /** The names of the fields in the status API, in field order. */
    static final String[] NAMES = {"time", "recordsIn", "recordsOut", "lateRecords", "deadLetters", "stateBytes",
        "watermark", "committedEpoch", "serviceP50Nanos", "serviceP99Nanos"};

    private final QueryCounters counters;
    private final long[][] samples = new long[SAMPLES][FIELDS];
    private final long[] epoch = new long[EpochFigures.FIELDS];
    private long taken;

    QueryHistory(final QueryCounters counters)
    {
        this.counters = counters;
    }

    /**
     * Takes a sample now.
     *
     * @param nowMs wall-clock time, epoch ms.
     */
    synchronized void sample(final long nowMs)
    {
        final long[] sample = samples[(int)(taken % SAMPLES)];
        sample[TIME] = nowMs;
        sample[RECORDS_IN] = QueryFigure.RECORDS_IN.of(counters);
        sample[RECORDS_OUT] = QueryFigure.RECORDS_OUT.of(counters);
        sample[LATE] = QueryFigure.LATE_RECORDS.of(counters);
        sample[DEAD_LETTERS] = QueryFigure.DEAD_LETTERS.of(counters);
        sample[STATE_BYTES] = QueryFigure.STATE_BYTES.of(counters);
        sample[WATERMARK] = QueryFigure.WATERMARK.of(counters);
        sample[COMMITTED_EPOCH] = QueryFigure.COMMITTED_EPOCH.of(counters);
        final long durable = counters.epochs.durableEpoch();
        final boolean read = durable > 0 && counters.epochs.read(durable, epoch);
        sample[SERVICE_P50] = read ? epoch[EpochFigures.SERVICE_P50] : 0;
        sample[SERVICE_P99] = read ? epoch[EpochFigures.SERVICE_P99] : 0;
        taken++;
    }

    /**
     * Writes the samples kept, oldest first, as a JSON array of objects named by {@link #NAMES}; the watermark is
     * null while there is none.
     *
     * @param json to append to.
     */
    synchronized void appendJson(final StringBuilder json)
    {
        json.append('[');
        final long first = Math.max(0, taken - SAMPLES);
        for (long i = first; i < taken; i++)
        {
            final long[] sample = samples[(int)(i % SAMPLES)];
            json.append(i == first ? "{" : ",{");
            for (int field = 0; field < FIELDS; field++)
            {
                json.append(field == 0 ? "\"" : ",\"").append(NAMES[field]).append("\":");
                if (field == WATERMARK && !QueryFigure.WATERMARK.isSet(sample[field]))
                {
                    json.append("null");
                }
                else
                {
                    json.append(sample[field]);
                }
            }
            json.append('}');
        }
        json.append(']');
    }
}
