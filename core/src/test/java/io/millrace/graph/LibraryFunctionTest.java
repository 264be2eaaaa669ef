package io.millrace.graph;

import io.millrace.Millrace;
import io.millrace.Publisher;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's functions on the keyed process function, {@code latest} and {@code top}, against plain-Java models
 * on seeded random streams with disorder, ties and repeated rows; their rows must come in the models' order.
 */
class LibraryFunctionTest
{
    private static final Schema EVENTS = Schema.builder().timestampColumn("t").stringColumn("key", 8)
        .longColumn("price").build();
    private static final LongColumn TIME = EVENTS.longColumn("t");
    private static final StringColumn KEY = EVENTS.stringColumn("key");
    private static final LongColumn PRICE = EVENTS.longColumn("price");
    private static final RowTranslator<long[]> WRITE = (row, event) -> row.putLong(TIME, event[0])
        .putString(KEY, "k" + event[1]).putLong(PRICE, event[2]);

    @Test
    void shouldWriteEachKeysLatestRowWhenItChanges()
    {
        long written = 0;
        for (int run = 0; run < 150; run++)
        {
            final SplittableRandom random = new SplittableRandom(run);
            final List<long[]> events = events(random);
            final CollectingSink sink = run(events, random, true, 0);

            // The model: a row at or after the key's latest time replaces it, and is written if it differs.
            final Map<Long, List<Object>> latest = new HashMap<>();
            final List<List<Object>> expected = new ArrayList<>();
            for (final long[] event : events)
            {
                final List<Object> row = List.of(event[0], "k" + event[1], event[2]);
                final List<Object> held = latest.get(event[1]);
                if (null == held || event[0] >= (Long)held.get(0))
                {
                    if (!row.equals(held))
                    {
                        expected.add(row);
                    }
                    latest.put(event[1], row);
                }
            }
            assertEquals(expected, sink.values(), "run " + run);
            written += expected.size();
        }
        assertTrue(written > 3000, "rows written: " + written);
    }

    @Test
    void shouldWriteTheRanksOfEachKeysTopRowsThatChange()
    {
        for (int run = 0; run < 150; run++)
        {
            final SplittableRandom random = new SplittableRandom(1000 + run);
            final List<long[]> events = events(random);
            final int n = 1 + random.nextInt(4);
            final CollectingSink sink = run(events, random, false, n);

            // The model: each key's list, largest price first, ties in arrival order, cut to n; a row entering it
            // rewrites its rank and every rank below.
            final Map<Long, List<long[]>> tops = new HashMap<>();
            final List<List<Object>> expected = new ArrayList<>();
            for (final long[] event : events)
            {
                final List<long[]> top = tops.computeIfAbsent(event[1], k -> new ArrayList<>());
                int position = top.size();
                while (position > 0 && top.get(position - 1)[2] < event[2])
                {
                    position--;
                }
                if (position >= n)
                {
                    continue;
                }
                top.add(position, event);
                if (top.size() > n)
                {
                    top.remove(n);
                }
                for (int i = position; i < top.size(); i++)
                {
                    final long[] ranked = top.get(i);
                    expected.add(List.of(ranked[0], "k" + ranked[1], ranked[2], i + 1));
                }
            }
            assertEquals(expected, sink.values(), "run " + run + ", top " + n);
        }
        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
            () -> Millrace.readStream(new Publisher(EVENTS)).keyBy("key").top(0, "price"));
        assertTrue(none.getMessage().contains("n must be at least 1"), none.getMessage());
        final IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
            () -> Millrace.readStream(new Publisher(EVENTS)).keyBy("t").top(2, "key"));
        assertTrue(text.getMessage().contains("column 'key' is STRING"), text.getMessage());
    }

    private static CollectingSink run(
        final List<long[]> events, final SplittableRandom random, final boolean latest, final int n)
    {
        final Publisher publisher = new Publisher(EVENTS);
        final CollectingSink sink = new CollectingSink();
        final io.millrace.KeyedStream keyed = Millrace.readStream(publisher).withWatermark("t", Duration.ZERO)
            .keyBy("key");
        final StreamingQuery query = (latest ? keyed.latest("t") : keyed.top(n, "price"))
            .writeStream().trigger(random.nextBoolean() ? TestQueries.ONE_EPOCH :
                Trigger.continuous(Duration.ofNanos(1)))
            .sink(sink).threadingMode(ThreadingMode.INVOKER).start();
        TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, events, WRITE);
        return sink;
    }

    /**
     * @return up to 300 events {time, key, price}: times with disorder and ties, prices from a small range so that
     * rows repeat and ranks tie.
     */
    private static List<long[]> events(final SplittableRandom random)
    {
        final int count = random.nextInt(301);
        final List<long[]> events = new ArrayList<>(count);
        long time = random.nextLong(50);
        for (int i = 0; i < count; i++)
        {
            time += random.nextLong(3);
            events.add(new long[] {time - random.nextLong(4), random.nextInt(1 + random.nextInt(5)),
                random.nextLong(12)});
        }
        return events;
    }
}
