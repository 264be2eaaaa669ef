package io.millrace.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The event generator of DESIGN §8, computed from its text with the tests' own {@link SplitMix64} and
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
        final SplitMix64 random = new SplitMix64(seed);
        final List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final long z = random.nextLong();
            final BigInteger unsigned = BigInteger.valueOf(z).mod(TWO_TO_64);
            final String key = "k" + unsigned.mod(BigInteger.valueOf(keys));
            long t = start + (i * 1000L) / rate;
            if ((z >>> 40) % 100 < disorder)
            {
                t -= (z >>> 20) % (maxDelay + 1);
            }
            events.add(new Event(t, key));
        }
        return events;
    }
}
