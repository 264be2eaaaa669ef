package io.millrace.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The event generator, computed from its text with the tests' own {@link SplitMix64} and
 * {@link BigInteger} arithmetic for the unsigned remainder.
 */
public final class ReferenceEvents
{
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private ReferenceEvents()
    {
    }

    /**
     * An event.
     *
     * @param time event time, epoch ms.
     * @param key  {@code "k"} and the key number.
     */
    public record Event(long time, String key)
    {
    }

    /**
     * For {@code i = 0..count-1}: {@code z} is the i-th SplitMix64 output, {@code key = "k" +
     * unsignedRemainder(z, keys)}, {@code t = start + (i*1000)/rate}, moved back by {@code (z>>>20) % (maxDelay+1)}
     * when {@code (z>>>40) % 100 < disorder}.
     *
     * @param seed     of SplitMix64.
     * @param keys     distinct keys.
     * @param rate     events per event-time second.
     * @param disorder percent of events moved back.
     * @param maxDelay largest move back, ms.
     * @param start    event time of event 0.
     * @param count    events.
     * @return the events.
     */
    public static List<Event> events(
        final long seed, final long keys, final long rate, final long disorder, final long maxDelay, final long start,
        final int count)
    {
        final List<Event> events = new ArrayList<>(count);
        forEach(seed, keys, rate, disorder, maxDelay, start, count, events::add);
        return events;
    }

    /**
     * The same events as {@link #events}, handed over one at a time rather than kept.
     *
     * @param seed     of SplitMix64.
     * @param keys     distinct keys.
     * @param rate     events per event-time second.
     * @param disorder percent of events moved back.
     * @param maxDelay largest move back, ms.
     * @param start    event time of event 0.
     * @param count    events.
     * @param consumer of each event, in order.
     */
    public static void forEach(
        final long seed, final long keys, final long rate, final long disorder, final long maxDelay, final long start,
        final long count, final Consumer<Event> consumer)
    {
        final SplitMix64 random = new SplitMix64(seed);
        final BigInteger keyCount = BigInteger.valueOf(keys);
        for (long i = 0; i < count; i++)
        {
            final long z = random.nextLong();
            final BigInteger unsigned = BigInteger.valueOf(z).mod(TWO_TO_64);
            final String key = "k" + unsigned.mod(keyCount);
            long t = start + (i * 1000L) / rate;
            if ((z >>> 40) % 100 < disorder)
            {
                t -= (z >>> 20) % (maxDelay + 1);
            }
            consumer.accept(new Event(t, key));
        }
    }
}
