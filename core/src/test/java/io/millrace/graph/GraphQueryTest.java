package io.millrace.graph;

import io.millrace.Aggregate;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.Stream;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.function.RowTranslator;
import io.millrace.reference.WindowModel;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Queries that are graphs rather than chains (a stream read by several operations and written to several sinks,
 * unions, aggregations over aggregations) against plain-Java models of their meaning, on seeded random streams
 * with disorder, duplicates and late rows, some with an epoch cut before every record.
 */
class GraphQueryTest
{
    private static final Schema EVENTS = Schema.builder().timestampColumn("t").stringColumn("key", 8).build();
    private static final LongColumn TIME = EVENTS.longColumn("t");
    private static final StringColumn KEY = EVENTS.stringColumn("key");
    private static final RowTranslator<WindowModel.Event> WRITE =
        (row, event) -> row.putLong(TIME, event.time()).putString(KEY, event.key());
    private static final int RUNS = 120;

    @Test
    void shouldWriteASplitStreamToTwoSinksAsTwoSeparateQueriesWould()
    {
        for (int run = 0; run < RUNS; run++)
        {
            final SplittableRandom random = new SplittableRandom(run);
            final List<WindowModel.Event> events = events(random);
            final long size = 1 + random.nextLong(50);
            final long delay = random.nextLong(40);
            final String context = "run " + run + ", tumbling " + size + " ms, delay " + delay;

            final Publisher publisher = new Publisher(EVENTS);
            final Stream watermarked = Millrace.readStream(publisher).withWatermark("t", Duration.ofMillis(delay));
            final CollectingSink counts = new CollectingSink();
            final CollectingSink evens = new CollectingSink();
            final StreamingQuery query = watermarked
                .groupBy(Window.window("t", Duration.ofMillis(size)), "key").count()
                .writeStream().trigger(trigger(random)).sink(counts).threadingMode(ThreadingMode.INVOKER)
                .alsoWrite(watermarked.filter(row -> KEY.getString(row).compareTo("k3") < 0).select("key", "t"),
                    OutputMode.APPEND, evens)
                .start();
            TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, events, WRITE);

            final WindowModel.Result model = WindowModel.tumbling(size, delay).run(events);
            assertEquals(model.sortedAppendRows(), sorted(windowRows(counts)), context + ": counts");
            final List<List<Object>> expectedEvens = new ArrayList<>();
            for (final WindowModel.Event event : events)
            {
                if (event.key().compareTo("k3") < 0)
                {
                    expectedEvens.add(List.of(event.key(), event.time()));
                }
            }
            assertEquals(expectedEvens, evens.values(), context + ": filtered rows, in input order");
            assertEquals(model.lateRecordCount(), query.progress().lateRecords(), context + ": late records");
            TestQueries.assertRowIdsConsistent(counts);
            TestQueries.assertRowIdsConsistent(evens);
            assertEquals(counts.commits(), evens.commits(), context + ": both sinks commit every epoch");
        }
    }

    @Test
    void shouldCarryTheWatermarkAcrossARenamedTimeColumn()
    {
        for (int run = 0; run < RUNS / 4; run++)
        {
            final SplittableRandom random = new SplittableRandom(500 + run);
            final List<WindowModel.Event> events = events(random);
            final long size = 1 + random.nextLong(50);
            final long delay = random.nextLong(40);
            final String context = "run " + run + ", tumbling " + size + " ms, delay " + delay;

            final Publisher publisher = new Publisher(EVENTS);
            final Stream renamed = Millrace.readStream(publisher).withWatermark("t", Duration.ofMillis(delay))
                .withColumnRenamed("t", "time").withColumnRenamed("key", "name");
            assertEquals(List.of("time", "name"), renamed.schema().columns().stream().map(c -> c.name()).toList());
            final CollectingSink counts = new CollectingSink();
            final StreamingQuery query = renamed.groupBy(Window.window("time", Duration.ofMillis(size)), "name")
                .count().withColumnRenamed("name", "key")
                .writeStream().trigger(trigger(random)).sink(counts).threadingMode(ThreadingMode.INVOKER).start();
            TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, events, WRITE);

            final WindowModel.Result model = WindowModel.tumbling(size, delay).run(events);
            assertEquals(model.sortedAppendRows(), sorted(windowRows(counts)), context);
            assertEquals(model.lateRecordCount(), query.progress().lateRecords(), context + ": late records");
        }
        final Stream events = Millrace.readStream(new Publisher(EVENTS));
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> events.withColumnRenamed("nope", "x"));
        assertTrue(missing.getMessage().startsWith("withColumnRenamed[nope -> x]: no column 'nope'"),
            missing.getMessage());
        final IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
            () -> events.withColumnRenamed("t", "key"));
        assertTrue(taken.getMessage().startsWith("withColumnRenamed[t -> key]: ") &&
            taken.getMessage().contains("key"), taken.getMessage());
    }

    @Test
    void shouldUnionBranchesWithTheSmallestOfTheirWatermarks()
    {
        for (int run = 0; run < RUNS; run++)
        {
            final SplittableRandom random = new SplittableRandom(1000 + run);
            final List<WindowModel.Event> events = events(random);
            final long size = 1 + random.nextLong(50);
            final long lowDelay = random.nextLong(30);
            final long highDelay = lowDelay + random.nextLong(30);
            final String context = "run " + run + ", tumbling " + size + " ms, delays " + lowDelay + "/" + highDelay;

            final Publisher publisher = new Publisher(EVENTS);
            final Stream input = Millrace.readStream(publisher);
            final Stream low = input.filter(row -> KEY.getString(row).compareTo("k3") < 0)
                .withWatermark("t", Duration.ofMillis(lowDelay));
            final Stream high = input.filter(row -> KEY.getString(row).compareTo("k3") >= 0)
                .withWatermark("t", Duration.ofMillis(highDelay));
            final CollectingSink counts = new CollectingSink();
            final StreamingQuery query = low.union(high)
                .groupBy(Window.window("t", Duration.ofMillis(size)), "key").count()
                .writeStream().trigger(trigger(random)).sink(counts).threadingMode(ThreadingMode.INVOKER).start();
            TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, events, WRITE);

            final UnionModel model = new UnionModel(size, lowDelay, highDelay, events);
            assertEquals(model.rows, sorted(windowRows(counts)), context);
            assertEquals(model.late, query.progress().lateRecords(), context + ": late records");
            TestQueries.assertRowIdsConsistent(counts);
        }
    }

    @Test
    void shouldAggregateTheFinalRowsOfAWindowedAggregationAgain()
    {
        for (int run = 0; run < RUNS; run++)
        {
            final SplittableRandom random = new SplittableRandom(2000 + run);
            final List<WindowModel.Event> events = events(random);
            final long slide = 1 + random.nextLong(20);
            final long size = slide * (1 + random.nextLong(3));
            final long outer = 1 + random.nextLong(80);
            final long delay = random.nextLong(40);
            final String context = "run " + run + ", window " + size + "/" + slide + " ms, then " + outer +
                " ms, delay " + delay;

            final Publisher publisher = new Publisher(EVENTS);
            final CollectingSink busiest = new CollectingSink();
            final StreamingQuery query = Millrace.readStream(publisher)
                .withWatermark("t", Duration.ofMillis(delay))
                .groupBy(Window.window("t", Duration.ofMillis(size), Duration.ofMillis(slide)), "key").count()
                .groupBy(Window.window("window_start", Duration.ofMillis(outer)))
                .agg(Aggregate.max("count"), Aggregate.sum("count"), Aggregate.count().as("windows"))
                .writeStream().trigger(trigger(random)).sink(busiest).threadingMode(ThreadingMode.INVOKER).start();
            TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, events, WRITE);

            // The first stage's final rows, as the model of one windowed count writes them; then, per window of
            // the first stage's starts, the largest count, their sum and how many rows.
            final WindowModel.Result first = WindowModel.sliding(size, slide, delay).run(events);
            final Map<Long, long[]> second = new TreeMap<>();
            for (final WindowModel.WindowRow row : first.appendRows())
            {
                final long start = Math.floorDiv(row.start(), outer) * outer;
                final long[] aggregates = second.computeIfAbsent(start, s -> new long[] {Long.MIN_VALUE, 0, 0});
                aggregates[0] = Math.max(aggregates[0], row.count());
                aggregates[1] += row.count();
                aggregates[2]++;
            }
            final List<List<Object>> expected = new ArrayList<>();
            second.forEach((start, aggregates) -> expected.add(
                List.of(start, start + outer, aggregates[0], aggregates[1], aggregates[2])));
            final List<List<Object>> actual = new ArrayList<>(busiest.values());
            actual.sort(Comparator.comparingLong(values -> (Long)values.get(0)));
            assertEquals(expected, actual, context);
            // A first-stage row is never late for the second stage: every late record is one of the first's.
            assertEquals(first.lateRecordCount(), query.progress().lateRecords(), context + ": late records");
            assertEquals(first.droppedContributions(), query.progress().droppedContributions(),
                context + ": dropped contributions");
        }
    }

    @Test
    void shouldCloseSecondStageWindowsAsSoonAsTheFirstStageHasWrittenThem()
    {
        // Tumbling 10 ms windows, then windows of 20 ms of their starts: the second stage's [0, 20) can close
        // once the first stage has closed [10, 20), which the watermark 20 does, before the end of input.
        final Publisher publisher = new Publisher(EVENTS);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher)
            .withWatermark("t", Duration.ZERO)
            .groupBy(Window.window("t", Duration.ofMillis(10)), "key").count()
            .groupBy(Window.window("window_start", Duration.ofMillis(20))).agg(Aggregate.sum("count"))
            .writeStream().trigger(TestQueries.ONE_EPOCH).sink(sink).threadingMode(ThreadingMode.INVOKER).start();
        final List<WindowModel.Event> events = List.of(new WindowModel.Event(1, "a"), new WindowModel.Event(12, "a"),
            new WindowModel.Event(13, "b"), new WindowModel.Event(20, "a"), new WindowModel.Event(41, "a"));
        for (final WindowModel.Event event : events)
        {
            assertTrue(publisher.offer(WRITE, event));
            query.invoke();
            if (event.time() == 20)
            {
                assertEquals(List.of(), sink.values(), "nothing closes before the watermark reaches 20");
            }
        }
        // The watermark 20, before the record at 41, closed [10, 20) of the first stage, then [0, 20) of the second.
        assertEquals(List.of(List.of(0L, 20L, 3L)), sink.values());
        publisher.close();
        TestQueries.awaitFinished(query, ThreadingMode.INVOKER);
        assertEquals(List.of(List.of(0L, 20L, 3L), List.of(20L, 40L, 1L), List.of(40L, 60L, 1L)), sink.values());
    }

    @Test
    void shouldRefuseAGraphItCannotRunAndNameTheOperationAtFault()
    {
        final Publisher publisher = new Publisher(EVENTS);
        final Stream events = Millrace.readStream(publisher).withWatermark("t", Duration.ZERO);
        final Stream perKey = events.groupBy("key").count();

        final IllegalArgumentException unbounded = assertThrows(IllegalArgumentException.class,
            () -> perKey.groupBy("count").agg(Aggregate.count().as("keys")).writeStream()
                .outputMode(OutputMode.UPDATE).sink(new CollectingSink()).start());
        assertTrue(unbounded.getMessage().contains("groupBy[count].agg[count() as keys] needs the final rows of " +
            "groupBy[key].agg[count() as count]"), unbounded.getMessage());

        final Stream windowed = events.groupBy(Window.window("t", Duration.ofMillis(10)), "key").count();
        final IllegalArgumentException twoModes = assertThrows(IllegalArgumentException.class,
            () -> windowed.writeStream().outputMode(OutputMode.UPDATE).sink(new CollectingSink())
                .alsoWrite(windowed.groupBy(Window.window("window_start", Duration.ofMillis(20))).count(),
                    OutputMode.APPEND, new CollectingSink())
                .start());
        assertTrue(twoModes.getMessage().startsWith("groupBy(window(t, 10ms), key).agg[count() as count]: output 1 " +
            "reads its rows in update mode and groupBy(window(window_start, 20ms)).agg[count() as count] in append " +
            "mode"), twoModes.getMessage());

        final Stream other = Millrace.readStream(new Publisher(EVENTS));
        final IllegalArgumentException twoInputs = assertThrows(IllegalArgumentException.class,
            () -> events.writeStream().sink(new CollectingSink()).alsoWrite(other, OutputMode.APPEND,
                new CollectingSink()).start());
        assertTrue(twoInputs.getMessage().contains("several inputs reads polled sources only"),
            twoInputs.getMessage());

        final IllegalArgumentException union = assertThrows(IllegalArgumentException.class,
            () -> events.union(events.select("key")));
        assertTrue(union.getMessage().startsWith("union: stream 2 has the schema"), union.getMessage());

        final IllegalArgumentException sessionThenWindow = assertThrows(IllegalArgumentException.class,
            () -> events.groupBy(Window.sessionWindow("t", Duration.ofMillis(10)), "key").count()
                .groupBy(Window.window("session_start", Duration.ofMillis(10))));
        assertTrue(sessionThenWindow.getMessage().contains("'session_start'"), sessionThenWindow.getMessage());

        // Nothing was started, so the input is still free for a query.
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = events.writeStream().sink(sink).threadingMode(ThreadingMode.INVOKER).start();
        TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER,
            List.of(new WindowModel.Event(5, "a")), WRITE);
        assertEquals(List.of(List.of(5L, "a")), sink.values());
    }

    /**
     * The tumbling count of a union of two branches (keys below {@code k3} and the others), each with its own
     * watermark delay: before each record the watermark is the smaller of the branches' (minus infinity for a branch
     * without a record yet); a window closes when it reaches the end, and a record of a closed window is late.
     */
    private static final class UnionModel
    {
        final List<WindowModel.WindowRow> rows = new ArrayList<>();
        long late;

        UnionModel(final long size, final long lowDelay, final long highDelay, final List<WindowModel.Event> events)
        {
            Long lowMax = null;
            Long highMax = null;
            final Map<List<Object>, Long> open = new HashMap<>();
            for (final WindowModel.Event event : events)
            {
                final long watermark = null == lowMax || null == highMax ? Long.MIN_VALUE :
                    Math.min(lowMax - lowDelay, highMax - highDelay);
                close(open, size, watermark);
                final long start = Math.floorDiv(event.time(), size) * size;
                if (watermark >= start + size)
                {
                    late++;
                }
                else
                {
                    open.merge(List.of(start, event.key()), 1L, Long::sum);
                }
                if (event.key().compareTo("k3") < 0)
                {
                    lowMax = null == lowMax ? event.time() : Math.max(lowMax, event.time());
                }
                else
                {
                    highMax = null == highMax ? event.time() : Math.max(highMax, event.time());
                }
            }
            close(open, size, Long.MAX_VALUE);
            rows.sort(WindowModel.ROW_ORDER);
        }

        private void close(final Map<List<Object>, Long> open, final long size, final long watermark)
        {
            open.entrySet().removeIf(entry ->
            {
                final long start = (Long)entry.getKey().get(0);
                if (watermark < start + size)
                {
                    return false;
                }
                rows.add(new WindowModel.WindowRow(start, start + size, (String)entry.getKey().get(1),
                    entry.getValue()));
                return true;
            });
        }
    }

    /**
     * @return 0 to 300 events over a few keys, times mostly rising with disorder and repeats, some far behind.
     */
    private static List<WindowModel.Event> events(final SplittableRandom random)
    {
        final int count = random.nextInt(301);
        final List<WindowModel.Event> events = new ArrayList<>(count);
        long time = random.nextLong(100);
        for (int i = 0; i < count; i++)
        {
            time += random.nextLong(6);
            final long t = random.nextInt(10) == 0 ? time - random.nextLong(120) : time - random.nextLong(8);
            events.add(new WindowModel.Event(Math.max(0, t), "k" + random.nextInt(1 + random.nextInt(6))));
        }
        return events;
    }

    /**
     * @return one epoch for the whole run, or an epoch cut before every record.
     */
    private static Trigger trigger(final SplittableRandom random)
    {
        return random.nextBoolean() ? TestQueries.ONE_EPOCH : Trigger.continuous(Duration.ofNanos(1));
    }

    private static List<WindowModel.WindowRow> windowRows(final CollectingSink sink)
    {
        final List<WindowModel.WindowRow> rows = new ArrayList<>();
        for (final List<Object> values : sink.values())
        {
            rows.add(new WindowModel.WindowRow((Long)values.get(0), (Long)values.get(1), (String)values.get(2),
                (Long)values.get(3)));
        }
        return rows;
    }

    private static List<WindowModel.WindowRow> sorted(final List<WindowModel.WindowRow> rows)
    {
        final List<WindowModel.WindowRow> copy = new ArrayList<>(rows);
        copy.sort(WindowModel.ROW_ORDER);
        return copy;
    }
}
