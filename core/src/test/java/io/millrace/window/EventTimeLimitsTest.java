package io.millrace.window;

import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.function.RowTranslator;
import io.millrace.reference.WindowModel;
import io.millrace.reference.WindowModel.Event;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.TestQueries;
import io.millrace.window.WindowHarness.EngineRun;
import io.millrace.window.WindowHarness.Spec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.millrace.window.WindowHarness.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event times, window sizes, gaps and watermark delays at the ends of the long range: the engine computes window
 * bounds and watermark sums without wrapping around, so it agrees with the reference {@link WindowModel}, which
 * works them out in unbounded integers. A record whose windows cannot be represented (one would start before
 * {@code Long.MIN_VALUE} or end after {@code Long.MAX_VALUE}) goes to the dead-letter output instead of giving a
 * wrong row.
 */
class EventTimeLimitsTest
{
    private static final long MIN = Long.MIN_VALUE;
    private static final long MAX = Long.MAX_VALUE;
    private static final int STREAMS_PER_SPEC = 12;

    static Stream<Spec> specs()
    {
        return Stream.of(
            Spec.tumbling(MAX, 0),
            Spec.tumbling(MAX - 1, 5),
            Spec.tumbling(10, 0),
            Spec.tumbling(7, MAX),
            Spec.tumbling(4_611_686_018_427_387_904L, 1_000),
            Spec.sliding(9_000_000_000_000_000_000L, 1_000_000_000_000_000_000L, 0),
            Spec.sliding(9_200_000_000_000_000_000L, 1_000_000_000_000_000_000L, 1_000_000_000_000_000_000L),
            Spec.sliding(MAX, MAX / 10, 3),
            Spec.sliding(10, 3, 2),
            Spec.sliding(10, 3, MAX - 1),
            Spec.sessions(MAX, 0),
            Spec.sessions(MAX - 100, 3),
            Spec.sessions(10, 0),
            Spec.sessions(1_000_000_000_000_000_000L, MAX));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMatchTheModelAtTheEndsOfTheLongRange(final Spec spec)
    {
        final WindowModel model = spec.model();
        for (int i = 0; i < STREAMS_PER_SPEC; i++)
        {
            final long seed = 31L * spec.hashCode() + i;
            final List<Event> events = events(model, seed);
            final WindowModel.Result expected = model.run(events);
            final String context = spec + " seed " + seed + " events: " + WindowHarness.describe(events);

            final EngineRun append = WindowHarness.runStepwise(spec, events, OutputMode.APPEND, WindowHarness.CONTINUOUS);
            WindowHarness.assertAppendMatches(context + " append", events, expected, append);
            for (int step = 0; step <= events.size(); step++)
            {
                assertEquals(sorted(expected.rowsClosedBefore(step)), sorted(append.steps().get(step)),
                    context + ": rows written while processing " +
                    (step == events.size() ? "the end of input" : "record " + step));
            }

            final EngineRun update = WindowHarness.run(
                spec, events, OutputMode.UPDATE, WindowHarness.CONTINUOUS, ThreadingMode.INVOKER);
            assertEquals(WindowHarness.sortedUpdateRows(expected), sorted(update.rows()), context + ": update rows");
            WindowHarness.assertLateMatches(context + " update", events, expected, update);

            final EngineRun complete = WindowHarness.run(
                spec, events, OutputMode.COMPLETE, TestQueries.ONE_EPOCH, ThreadingMode.INVOKER);
            assertEquals(expected.completeTable(), complete.lastEpochRows(), context + ": complete table");
            WindowHarness.assertLateMatches(context + " complete", events, expected, complete);
        }
    }

    @ParameterizedTest(name = "delay {0} ms")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    @ValueSource(longs = {1, 10, 1_000, MAX - 1, MAX})
    void shouldRememberADuplicateKeyUntilTheWatermarkPassesItsTimePlusTheDelay(final long delay)
    {
        final Schema schema = Schema.builder().timestampColumn("time").stringColumn("key", 8).build();
        final LongColumn time = schema.longColumn("time");
        final StringColumn key = schema.stringColumn("key");
        final RowTranslator<Event> write = (row, event) -> row.putLong(time, event.time()).putString(key, event.key());
        final SplittableRandom random = new SplittableRandom(delay);
        final List<Event> events = new ArrayList<>();
        for (int i = 0; i < 400; i++)
        {
            final long r = random.nextLong(2_000);
            events.add(new Event(i % 5 == 0 ? MIN + r : MAX - r, "k" + random.nextInt(5)));
        }

        // The model: a key is remembered from its first row at t until the watermark reaches t + delay, worked
        // out in unbounded integers.
        final List<Event> expected = new ArrayList<>();
        final Map<String, BigInteger> forgottenAt = new HashMap<>();
        BigInteger maxTime = null;
        for (final Event event : events)
        {
            final BigInteger watermark = null == maxTime ? null : maxTime.subtract(BigInteger.valueOf(delay));
            final BigInteger expiry = forgottenAt.get(event.key());
            if (null == expiry || (null != watermark && watermark.compareTo(expiry) >= 0))
            {
                expected.add(event);
                forgottenAt.put(event.key(), BigInteger.valueOf(event.time()).add(BigInteger.valueOf(delay)));
            }
            final BigInteger t = BigInteger.valueOf(event.time());
            maxTime = null == maxTime ? t : maxTime.max(t);
        }

        final Publisher publisher = new Publisher(schema);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher)
            .withWatermark("time", Duration.ofMillis(delay))
            .dropDuplicates("key")
            .writeStream().trigger(TestQueries.ONE_EPOCH).sink(sink).threadingMode(ThreadingMode.INVOKER).start();
        TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, events, write);

        final List<Event> passed = new ArrayList<>();
        for (final List<Object> row : sink.values())
        {
            passed.add(new Event((Long)row.get(0), (String)row.get(1)));
        }
        assertTrue(expected.size() < events.size(), "no duplicate to drop");
        assertEquals(expected, passed);
    }

    /**
     * A random stream whose times lie near the ends of the long range, near 0, and near the first and last times
     * whose windows fit (found by bisection on the model), so that both sides of every limit are hit.
     */
    private static List<Event> events(final WindowModel model, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long lowest = firstFitting(model);
        final long highest = lastFitting(model);
        final long[] centres = {MIN, MAX, 0, lowest, highest};
        final long span = random.nextBoolean() ? 30 : 3_000;
        final int n = 1 + random.nextInt(60);
        final int keys = 1 + random.nextInt(3);
        final List<Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final long centre = centres[random.nextInt(centres.length)];
            final long offset = random.nextLong(span) - span / 2;
            // Clamp to the long range rather than wrap: MIN and MAX themselves are wanted times.
            final BigInteger t = BigInteger.valueOf(centre).add(BigInteger.valueOf(offset))
                .max(BigInteger.valueOf(MIN)).min(BigInteger.valueOf(MAX));
            events.add(new Event(t.longValueExact(), "k" + random.nextInt(keys)));
        }
        return events;
    }

    /**
     * @return the earliest time whose windows fit: they fit at 0 and, going down, stop fitting once and for all.
     */
    private static long firstFitting(final WindowModel model)
    {
        if (model.windowsFit(MIN))
        {
            return MIN;
        }
        long fits = 0;
        long fails = MIN;
        // fits - fails may be 2^63: read as unsigned.
        while (Long.compareUnsigned(fits - fails, 1) > 0)
        {
            final long middle = fails + ((fits - fails) >>> 1);
            if (model.windowsFit(middle))
            {
                fits = middle;
            }
            else
            {
                fails = middle;
            }
        }
        return fits;
    }

    /**
     * @return the latest time whose windows fit: they fit at 0 and, going up, stop fitting once and for all.
     */
    private static long lastFitting(final WindowModel model)
    {
        if (model.windowsFit(MAX))
        {
            return MAX;
        }
        long fits = 0;
        long fails = MAX;
        while (fails - fits > 1)
        {
            final long middle = fits + (fails - fits) / 2;
            if (model.windowsFit(middle))
            {
                fits = middle;
            }
            else
            {
                fails = middle;
            }
        }
        return fits;
    }
}
