package io.millrace.graph;

import io.millrace.Join;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.Stream;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import io.millrace.testing.ReferenceEvents;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Queries of two inputs: streams of two sources joined on a key within an interval, and unioned. The two sources'
 * records meet in an order the threads decide, so the model is one whose answer does not depend on it: the
 * watermarks trail by at least the generators' largest disorder, so no row is late whatever the order, and the
 * interval join writes every pair within its bounds (compared as a bag). A publisher among several inputs is
 * refused.
 */
class TwoInputTest
{
    private static final long DELAY = 300;
    private static final long BOUND = 20;
    private static final long[] LEFT = {3, 40, 5_000, 5, DELAY, 0};
    private static final long[] RIGHT = {8, 40, 4_000, 5, DELAY, 0};

    @Test
    void shouldJoinTwoSourcesIntoEveryPairWithinTheBounds()
    {
        for (final ThreadingMode mode : new ThreadingMode[] {ThreadingMode.DEDICATED, ThreadingMode.SHARED})
        {
            for (final int events : new int[] {1, 3_000, 12_000})
            {
                final CollectingSink sink = new CollectingSink();
                run(writer(events, sink).threadingMode(mode));
                final List<String> actual = new ArrayList<>();
                for (final List<Object> row : sink.values())
                {
                    actual.add(row.get(0) + "," + row.get(1) + "," + row.get(2));
                }
                Collections.sort(actual);
                final List<String> expected = pairs(events);
                assertEquals(expected.size(), actual.size(), mode + ", " + events + " events: pairs");
                assertEquals(expected, actual, mode + ", " + events + " events");
                if (events > 1)
                {
                    assertTrue(expected.size() > events, "pairs of " + events + " events: " + expected.size());
                }
            }
        }
    }

    @Test
    void shouldJoinTwoSourcesAsSeveralTasks()
    {
        for (final int tasks : new int[] {2, 3, 5})
        {
            final CollectingSink sink = new CollectingSink();
            run(writer(6_000, sink).parallelism(tasks));
            final List<String> actual = new ArrayList<>();
            for (final List<Object> row : sink.values())
            {
                actual.add(row.get(0) + "," + row.get(1) + "," + row.get(2));
            }
            Collections.sort(actual);
            assertEquals(pairs(6_000), actual, tasks + " tasks");
            TestQueries.assertRowIdsConsistent(sink);
        }
    }

    @Test
    void shouldUnionTwoSources()
    {
        final CollectingSink sink = new CollectingSink();
        final Stream left = Millrace.readStream(source(LEFT, 5_000)).select(CsvSource.KEY_COLUMN,
            CsvSource.EVENT_TIME_COLUMN);
        final Stream right = Millrace.readStream(source(RIGHT, 4_000)).select(CsvSource.KEY_COLUMN,
            CsvSource.EVENT_TIME_COLUMN);
        run(left.union(right).writeStream().trigger(Trigger.continuous(Duration.ofMillis(5))).sink(sink));
        final List<String> expected = new ArrayList<>();
        for (final ReferenceEvents.Event event : events(LEFT, 5_000))
        {
            expected.add(event.key() + "," + event.time());
        }
        for (final ReferenceEvents.Event event : events(RIGHT, 4_000))
        {
            expected.add(event.key() + "," + event.time());
        }
        final List<String> actual = new ArrayList<>();
        for (final List<Object> row : sink.values())
        {
            actual.add(row.get(0) + "," + row.get(1));
        }
        Collections.sort(expected);
        Collections.sort(actual);
        assertEquals(expected, actual, "every row of both inputs once");
    }

    @Test
    void shouldRefuseAPublisherAmongSeveralInputs()
    {
        final Stream published = Millrace.readStream(new Publisher(CsvSource.eventSchema()));
        final Stream polled = Millrace.readStream(source(LEFT, 10));
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> published.union(polled).writeStream().sink(new CollectingSink()).start());
        assertTrue(error.getMessage().contains("several inputs reads polled sources only"), error.getMessage());
    }

    private static StreamWriter writer(final int events, final CollectingSink sink)
    {
        final Stream left = Millrace.readStream(source(LEFT, events))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(DELAY));
        final Stream right = Millrace.readStream(source(RIGHT, events))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(DELAY));
        return left.join(right, Join.on(CsvSource.KEY_COLUMN, CsvSource.KEY_COLUMN)
                .between(CsvSource.EVENT_TIME_COLUMN, CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(BOUND),
                    Duration.ofMillis(BOUND)))
            .select(CsvSource.KEY_COLUMN, CsvSource.EVENT_TIME_COLUMN, "right_" + CsvSource.EVENT_TIME_COLUMN)
            .writeStream().outputMode(OutputMode.APPEND).trigger(Trigger.continuous(Duration.ofMillis(5)))
            .sink(sink);
    }

    /**
     * @return every pair of a left and a right event of one key whose times are at most {@link #BOUND} apart, as
     *         {@code key,left_time,right_time}, sorted.
     */
    static List<String> pairs(final int events)
    {
        final Map<String, List<Long>> rightTimes = new HashMap<>();
        for (final ReferenceEvents.Event event : events(RIGHT, events))
        {
            rightTimes.computeIfAbsent(event.key(), k -> new ArrayList<>()).add(event.time());
        }
        final List<String> pairs = new ArrayList<>();
        for (final ReferenceEvents.Event event : events(LEFT, events))
        {
            for (final long time : rightTimes.getOrDefault(event.key(), List.of()))
            {
                if (Math.abs(event.time() - time) <= BOUND)
                {
                    pairs.add(event.key() + "," + event.time() + "," + time);
                }
            }
        }
        Collections.sort(pairs);
        return pairs;
    }

    private static List<ReferenceEvents.Event> events(final long[] generator, final int count)
    {
        return ReferenceEvents.events(generator[0], generator[1], generator[2], generator[3], generator[4],
            generator[5], count);
    }

    private static GeneratorSource source(final long[] generator, final int count)
    {
        return new GeneratorSource(new EventGenerator(generator[0], generator[1], generator[2], generator[3],
            generator[4], generator[5]), count);
    }

    private static void run(final StreamWriter writer)
    {
        try
        {
            final StreamingQuery query = writer.start();
            query.awaitTermination();
            assertTrue(query.isFinished());
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
