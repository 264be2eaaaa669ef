package io.millrace.source;

import io.millrace.Millrace;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.ReferenceEvents;
import io.millrace.testing.ReferenceEvents.Event;
import io.millrace.testing.SplitMix64;
import io.millrace.testing.TestQueries;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EventGenerator} and {@link GeneratorSource} against the generator's definition computed independently in the
 * test.
 */
class EventGeneratorTest
{
    @Test
    void shouldMatchThePublishedSplitMix64Outputs()
    {
        // Reference outputs of splitmix64.c (Vigna), as published e.g. on Rosetta Code, anchor the test's own
        // implementation before it judges the engine's.
        final SplitMix64 seeded = new SplitMix64(1234567);
        final long[] expected = {
            Long.parseUnsignedLong("6457827717110365317"),
            Long.parseUnsignedLong("3203168211198807973"),
            Long.parseUnsignedLong("9817491932198370423"),
            Long.parseUnsignedLong("4593380528125082431"),
            Long.parseUnsignedLong("16408922859458223821")};
        for (final long value : expected)
        {
            assertEquals(value, seeded.nextLong());
        }
        assertEquals(0xE220A8397B1DCDAFL, new SplitMix64(0).nextLong());
    }

    @Test
    @Timeout(60)
    void shouldEmitTheFirstTwentyEventsOfSeed42WithDefaults()
    {
        final List<Event> expected = ReferenceEvents.events(42, 10_000, 1_000_000, 1, 2_000, 1_700_000_000_000L, 20);
        assertEquals(new Event(1_700_000_000_000L, expected.get(0).key()), expected.get(0), "the generator's defaults");

        final CollectingSink sink = new CollectingSink();
        TestQueries.runToEnd(Millrace.readStream(new GeneratorSource(EventGenerator.withDefaults(), 20))
            .writeStream().trigger(Trigger.availableNow()).sink(sink), ThreadingMode.DEDICATED);
        assertEquals(asRows(expected), sink.values());

        final EventGenerator generator = EventGenerator.withDefaults();
        assertEquals(-1, generator.index());
        final UnsafeBuffer key = new UnsafeBuffer(new byte[32]);
        for (int i = 0; i < expected.size(); i++)
        {
            generator.next();
            assertEquals(i, generator.index());
            assertEquals(expected.get(i).time(), generator.time(), "time of event " + i);
            assertEquals(expected.get(i).key(), "k" + generator.keyNumber(), "key of event " + i);
            final int length = generator.writeKey(key, 5);
            assertEquals(expected.get(i).key(), key.getStringWithoutLengthAscii(5, length));
        }
    }

    @ParameterizedTest
    @CsvSource({
        // seed, keys, rate, disorder, maxDelay, start, count
        "7, 3, 1000, 50, 100, 0, 5000",
        "-1, 9223372036854775807, 7, 100, 0, -5000, 2000",
        "123456789, 3000000000000, 1000000, 100, 2000, 1700000000000, 3000",
        "0, 1, 1, 0, 5, 10, 100",
        "42, 10000, 1000000, 1, 2000, 1700000000000, 20000"})
    @Timeout(60)
    void shouldMatchTheReferenceForOtherSettings(
        final long seed, final long keys, final long rate, final long disorder, final long maxDelay, final long start,
        final int count)
    {
        final List<Event> expected = ReferenceEvents.events(seed, keys, rate, disorder, maxDelay, start, count);
        final CollectingSink sink = new CollectingSink();
        TestQueries.runToEnd(Millrace.readStream(
            new GeneratorSource(new EventGenerator(seed, keys, rate, disorder, maxDelay, start), count))
            .writeStream().trigger(Trigger.availableNow()).sink(sink), ThreadingMode.INVOKER);
        final List<List<Object>> rows = sink.values();
        assertEquals(count, rows.size());
        for (int i = 0; i < count; i++)
        {
            assertEquals(asRow(expected.get(i)), rows.get(i), "event " + i);
        }
        if (disorder > 0 && maxDelay > 0 && count > 1000)
        {
            // The settings do move events back, so the disorder branch was compared too.
            boolean movedBack = false;
            for (int i = 0; i < count; i++)
            {
                movedBack |= expected.get(i).time() < start + (i * 1000L) / rate;
            }
            assertTrue(movedBack, "some event is moved back");
        }
    }

    @Test
    void shouldRejectSettingsOutOfRange()
    {
        assertThrows(IllegalArgumentException.class, () -> new EventGenerator(1, 0, 1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new EventGenerator(1, 1, 0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new EventGenerator(1, 1, 1, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new EventGenerator(1, 1, 1, 101, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new EventGenerator(1, 1, 1, 1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new GeneratorSource(EventGenerator.withDefaults(), -1));
    }

    @ParameterizedTest(name = "start {0}, {1} events at {2}/s, disorder {3}, max delay {4}")
    @CsvSource({
        "9223372036854775807, 1, 1000, 0, 0",
        "9223372036854775708, 100, 1000, 0, 0",
        "9223372036854775709, 100, 1000, 0, 0",
        "9223372036854775806, 5, 1000, 1, 2000",
        "-9223372036854775808, 100, 1000, 0, 2000",
        "-9223372036854773808, 100, 1000, 1, 2000",
        "-9223372036854773809, 100, 1000, 1, 2000",
        "0, 9223372036854775807, 1, 0, 0",
        "0, 9223372036854776, 1000, 0, 0",
        "0, 9223372036854777, 1000, 0, 0"})
    void shouldRefuseEventTimesBeyondALong(
        final long start, final long count, final long rate, final long disorder, final long maxDelay)
    {
        // The generator's definition in unbounded integers: event i is at start + (i * 1000) / rate, less up to
        // maxDelay when disorder may move it back; i * 1000 itself must be a long too.
        final BigInteger lastMillis = BigInteger.valueOf(count - 1).multiply(BigInteger.valueOf(1000));
        final BigInteger last = BigInteger.valueOf(start).add(lastMillis.divide(BigInteger.valueOf(rate)));
        final BigInteger first = BigInteger.valueOf(start).subtract(BigInteger.valueOf(disorder > 0 ? maxDelay : 0));
        final BigInteger longMax = BigInteger.valueOf(Long.MAX_VALUE);
        final boolean fits = lastMillis.compareTo(longMax) <= 0 && last.compareTo(longMax) <= 0 &&
            first.compareTo(BigInteger.valueOf(Long.MIN_VALUE)) >= 0;

        final EventGenerator generator = new EventGenerator(7, 3, rate, disorder, maxDelay, start);
        if (!fits)
        {
            final IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> new GeneratorSource(generator, count));
            assertTrue(refused.getMessage().contains("range of a long"), refused.getMessage());
        }
        else if (count <= 100)
        {
            final CollectingSink sink = new CollectingSink();
            TestQueries.runToEnd(Millrace.readStream(new GeneratorSource(generator, count))
                .writeStream().trigger(Trigger.availableNow()).sink(sink), ThreadingMode.INVOKER);
            assertEquals(asRows(ReferenceEvents.events(7, 3, rate, disorder, maxDelay, start, (int)count)),
                sink.values());
        }
        else
        {
            assertDoesNotThrow(() -> new GeneratorSource(generator, count));
        }
    }

    @Test
    void shouldEmitNothingForZeroEvents()
    {
        final CollectingSink sink = new CollectingSink();
        TestQueries.runToEnd(Millrace.readStream(new GeneratorSource(EventGenerator.withDefaults(), 0))
            .writeStream().trigger(Trigger.availableNow()).sink(sink), ThreadingMode.INVOKER);
        assertEquals(List.of(), sink.values());
        assertEquals(List.of(1L), sink.commits());
    }

    private static List<List<Object>> asRows(final List<Event> events)
    {
        final List<List<Object>> rows = new ArrayList<>();
        for (final Event event : events)
        {
            rows.add(asRow(event));
        }
        return rows;
    }

    private static List<Object> asRow(final Event event)
    {
        return List.of(event.time(), event.key());
    }
}
