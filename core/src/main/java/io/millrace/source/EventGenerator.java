package io.millrace.source;

import org.agrona.MutableDirectBuffer;

/**
 * The deterministic event generator (defined in docs/command-line.md), shared by {@link GeneratorSource} and the
 * benchmarks: event
 * {@code i} is drawn from the i-th output of SplitMix64 seeded with {@code seed}. Not thread-safe.
 */
public final class EventGenerator
{
    /** Default seed. */
    public static final long SEED_DEFAULT = 42;
    /** Default number of distinct keys. */
    public static final long KEYS_DEFAULT = 10_000;
    /** Default events per event-time second. */
    public static final long RATE_DEFAULT = 1_000_000;
    /** Default percentage of events moved back in time. */
    public static final long DISORDER_DEFAULT = 1;
    /** Default largest move back, in ms. */
    public static final long MAX_DELAY_DEFAULT = 2000;
    /** Default event time of the first event, epoch ms. */
    public static final long START_DEFAULT = 1_700_000_000_000L;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final long keys;
    private final long rate;
    private final long disorder;
    private final long maxDelay;
    private final long start;
    private final long seed;
    private long state;
    private long index = -1;
    private long time;
    private long key;

    /**
     * @param seed     of SplitMix64.
     * @param keys     distinct keys, positive.
     * @param rate     events per event-time second, positive.
     * @param disorder percentage of events moved back, 0..100.
     * @param maxDelay largest move back in ms, non-negative.
     * @param start    event time of event 0.
     */
    public EventGenerator(
        final long seed, final long keys, final long rate, final long disorder, final long maxDelay, final long start)
    {
        if (keys <= 0 || rate <= 0 || disorder < 0 || disorder > 100 || maxDelay < 0)
        {
            throw new IllegalArgumentException("generator needs keys > 0, rate > 0, disorder 0..100, max delay >= 0:" +
                " keys=" + keys + " rate=" + rate + " disorder=" + disorder + " maxDelay=" + maxDelay);
        }
        this.seed = seed;
        this.state = seed;
        this.keys = keys;
        this.rate = rate;
        this.disorder = disorder;
        this.maxDelay = maxDelay;
        this.start = start;
    }

    /**
     * @return a generator with every default.
     */
    public static EventGenerator withDefaults()
    {
        return new EventGenerator(SEED_DEFAULT, KEYS_DEFAULT, RATE_DEFAULT, DISORDER_DEFAULT, MAX_DELAY_DEFAULT,
            START_DEFAULT);
    }

    /**
     * Checks that events 0 to {@code count - 1} have times that are longs: {@code index * 1000} and
     * {@code start + (index * 1000) / rate} for the last index, and {@code start - maxDelay} when events may be
     * moved back. Beyond that the times would wrap around.
     *
     * @param count events to be generated.
     * @throws IllegalArgumentException naming the settings when they are not.
     */
    public void checkTimes(final long count)
    {
        final long lastIndex = count - 1;
        final boolean fits = count <= 0 || (lastIndex <= Long.MAX_VALUE / 1000 &&
            start <= Long.MAX_VALUE - (lastIndex * 1000) / rate &&
            (disorder == 0 || start >= Long.MIN_VALUE + maxDelay));
        if (!fits)
        {
            throw new IllegalArgumentException("generated event times would leave the range of a long: " + count +
                " events from start " + start + " at rate " + rate + ", moved back up to " +
                (disorder == 0 ? 0 : maxDelay) + " ms");
        }
    }

    /**
     * Advances to the next event.
     */
    public void next()
    {
        state += GOLDEN_GAMMA;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);

        index++;
        key = Long.remainderUnsigned(z, keys);
        long t = start + (index * 1000) / rate;
        if ((z >>> 40) % 100 < disorder)
        {
            t -= (z >>> 20) % (maxDelay + 1);
        }
        time = t;
    }

    /**
     * Positions the generator so that the next {@link #next()} produces event {@code index}; SplitMix64's state
     * after {@code i} outputs is {@code seed + i * gamma}, so this takes constant time.
     *
     * @param index of the next event, from 0.
     */
    public void skipTo(final long index)
    {
        state = seed + index * GOLDEN_GAMMA;
        this.index = index - 1;
    }

    /**
     * @return index of the current event, from 0; -1 before the first {@link #next()}.
     */
    public long index()
    {
        return index;
    }

    /**
     * @return event time of the current event, epoch ms.
     */
    public long time()
    {
        return time;
    }

    /**
     * @return key number of the current event, 0 to keys - 1; the key is {@code "k" + keyNumber()}.
     */
    public long keyNumber()
    {
        return key;
    }

    /**
     * Writes the current key ({@code k} and its decimal number) as ASCII.
     *
     * @param buffer to write into; at least 21 bytes from {@code index}.
     * @param at     index of the first byte.
     * @return bytes written.
     */
    public int writeKey(final MutableDirectBuffer buffer, final int at)
    {
        buffer.putByte(at, (byte)'k');
        return 1 + buffer.putLongAscii(at + 1, key);
    }

    /**
     * @return the generator's parameters, all of which decide its events.
     */
    @Override
    public String toString()
    {
        return "EventGenerator(seed=" + seed + ", keys=" + keys + ", rate=" + rate + ", disorder=" + disorder +
            ", maxDelay=" + maxDelay + ", start=" + start + ")";
    }
}
