package io.millrace.graph;

import io.millrace.Aggregate;
import io.millrace.Join;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.Stream;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.ArrivalRank;
import io.millrace.testing.ListSource;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graph queries of every kind of keyed stateful operation (windowed and plain aggregations, a global one, a
 * deduplication, a keyed process function, a join of two branches), of stateful operations after keyed ones, and of
 * branches that meet none, run as 2 to 5
 * tasks on seeded random streams, the source on a thread of its own or on task 0's: each writes exactly the rows of
 * the same query run as one task, in the same epochs, numbered consistently. A publisher feeds several tasks,
 * its idle cuts included. What the tasks cannot run is refused, naming why.
 */
class ParallelGraphTest
{
    private static final Schema EVENTS =
        Schema.builder().timestampColumn("t").stringColumn("key", 12).longColumn("price").build();
    private static final LongColumn TIME = EVENTS.longColumn("t");
    private static final StringColumn KEY = EVENTS.stringColumn("key");
    private static final LongColumn PRICE = EVENTS.longColumn("price");
    private static final int RUNS = 100;

    /** A query over a stream of events, of a run's size and delay, writing to one sink or two. */
    private interface Query
    {
        StreamWriter writer(Stream events, SplittableRandom random, CollectingSink first, CollectingSink second);
    }

    @Test
    void shouldAggregateByWindowAndKeyAsOneTaskDoes()
    {
        check("windowed aggregates", (events, random, first, second) -> watermarked(events, random)
            .groupBy(Window.window("t", Duration.ofMillis(1 + random.nextLong(40))), "key")
            .agg(Aggregate.count(), Aggregate.sum("price"), Aggregate.max("price"))
            .writeStream().outputMode(OutputMode.APPEND).sink(first));
    }

    @Test
    void shouldUpdateAggregatesWithoutAWindowAsOneTaskDoes()
    {
        check("plain aggregates in update mode", (events, random, first, second) -> events
            .groupBy("key").agg(Aggregate.count(), Aggregate.min("price"))
            .writeStream().outputMode(OutputMode.UPDATE).sink(first));
    }

    @Test
    void shouldAggregateAllKeysInOneTask()
    {
        check("a global windowed count", (events, random, first, second) -> watermarked(events, random)
            .groupBy(Window.window("t", Duration.ofMillis(1 + random.nextLong(30)))).count()
            .writeStream().outputMode(OutputMode.APPEND).sink(first));
    }

    @Test
    void shouldDeduplicateAndKeepTheLatestRowAsOneTaskDoes()
    {
        check("deduplication, and each key's latest row", (events, random, first, second) -> events
            .dropDuplicates("key", "price")
            .writeStream().outputMode(OutputMode.APPEND).sink(first)
            .alsoWrite(events.keyBy("key").latest("t"), OutputMode.APPEND, second));
    }

    @Test
    void shouldJoinTwoBranchesOfOneInputAsOneTaskDoes()
    {
        check("interval join of two branches", (events, random, first, second) ->
        {
            final Stream stream = watermarked(events, random);
            final Stream cheap = stream.filter(row -> PRICE.get(row) % 2 == 0);
            final Stream dear = stream.filter(row -> PRICE.get(row) % 2 == 1);
            final Duration bound = Duration.ofMillis(random.nextLong(20));
            return cheap.join(dear, Join.on("key", "key").between("t", "t", bound, bound))
                .select("key", "t", "price", "right_price")
                .writeStream().outputMode(OutputMode.APPEND).sink(first);
        });
    }

    @Test
    void shouldWriteRowsThatMeetNoKeyedOperationOnce()
    {
        check("a windowed count beside a filtered branch, and a union of two counts",
            (events, random, first, second) ->
            {
                final Stream stream = watermarked(events, random);
                final Stream small = stream.groupBy(Window.window("t", Duration.ofMillis(5)), "key").count();
                final Stream large = stream.groupBy(Window.window("t", Duration.ofMillis(17)), "key").count();
                return small.union(large).writeStream().outputMode(OutputMode.APPEND).sink(first)
                    .alsoWrite(stream.filter(row -> PRICE.get(row) > 50).select("key", "price"), OutputMode.APPEND,
                        second);
            });
    }

    @Test
    void shouldRunAStatefulOperationAfterAKeyedOneAsOneTaskDoes()
    {
        check("a count per key and window, then the largest count per window and each key's latest count",
            (events, random, first, second) ->
            {
                final long size = 1 + random.nextLong(20);
                final Stream counts = watermarked(events, random)
                    .groupBy(Window.window("t", Duration.ofMillis(size)), "key").count();
                return counts.groupBy(Window.window("window_start", Duration.ofMillis(size)))
                    .agg(Aggregate.max("count"), Aggregate.count())
                    .writeStream().outputMode(OutputMode.APPEND).sink(first)
                    .alsoWrite(counts.keyBy("key").latest("window_start"), OutputMode.APPEND, second);
            });
    }

    /**
     * A stateful operation whose rows depend on the order it gets its input: per window, each price's count with
     * the order in which the counts arrived. The counts are split among the tasks and cross to the task owning
     * their window, merged into the order one task writes them; any other order numbers them otherwise.
     */
    @Test
    void shouldPassRowsThroughAnExchangeInTheOrderOfOneTask()
    {
        check("a count per price and window, then each window's counts numbered in arrival order",
            (events, random, first, second) ->
            {
                final long size = 1 + random.nextLong(20);
                final Window window = random.nextBoolean() ? Window.window("t", Duration.ofMillis(size)) :
                    Window.window("t", Duration.ofMillis(size * 3), Duration.ofMillis(size));
                final Stream counts = watermarked(events, random).groupBy(window, "price").count();
                final LongColumn count = counts.schema().longColumn("count");
                return counts.filter(row -> count.get(row) % 7 != 3)
                    .keyBy("window_start").process(ArrivalRank.outputOf(counts.schema()), ArrivalRank::new)
                    .writeStream().outputMode(OutputMode.APPEND).sink(first);
            });
    }

    /**
     * A join reading counts through an exchange: the counts are split by key and cross to the task owning their
     * count, where they meet the events of that price, partitioned as the join's other input.
     */
    @Test
    void shouldJoinCountsThatCrossAnExchangeAsOneTaskDoes()
    {
        check("a count per key and window joined with the events whose price is the count",
            (events, random, first, second) ->
            {
                final long size = 1 + random.nextLong(20);
                final Stream stream = watermarked(events, random);
                final Stream counts = stream.groupBy(Window.window("t", Duration.ofMillis(size)), "key").count();
                final Duration bound = Duration.ofMillis(random.nextLong(2 * size + 1));
                return counts.join(stream, Join.on("count", "price").between("window_start", "t", bound, bound))
                    .writeStream().outputMode(OutputMode.APPEND).sink(first);
            });
    }

    /**
     * Keyed process functions whose rows cross an exchange: rows written for an input row (each key's latest), and
     * rows written by timers, for a row or at a watermark (each key's sum per period); then ranked per price or
     * per period in arrival order, which the merge must give as one task does.
     */
    @Test
    void shouldPassProcessFunctionRowsThroughAnExchangeInTheOrderOfOneTask()
    {
        check("each key's latest row, ranked per price in arrival order", (events, random, first, second) ->
        {
            final Stream latest = events.keyBy("key").latest("t");
            return latest.keyBy("price").process(ArrivalRank.outputOf(latest.schema()), ArrivalRank::new)
                .writeStream().outputMode(OutputMode.APPEND).sink(first);
        });
        check("each key's sums per period, ranked per period in arrival order", (events, random, first, second) ->
        {
            final long period = 1 + random.nextLong(20);
            final Stream sums = watermarked(events, random).keyBy("key")
                .process(PeriodSum.OUTPUT, () -> new PeriodSum(period));
            return sums.keyBy("period_end").process(ArrivalRank.outputOf(sums.schema()), ArrivalRank::new)
                .writeStream().outputMode(OutputMode.APPEND).sink(first);
        });
    }

    /**
     * Sums each key's prices per period of event time, writing the sum when the watermark passes the period's end
     * (or at once for a row already behind it, and for a price that is a multiple of 25).
     */
    static final class PeriodSum implements KeyedProcessFunction
    {
        static final Schema OUTPUT = Schema.builder().longColumn("key_hash").timestampColumn("period_end")
            .longColumn("sum").build();
        private static final LongColumn OUT_KEY = OUTPUT.longColumn("key_hash");
        private static final LongColumn OUT_END = OUTPUT.longColumn("period_end");
        private static final LongColumn OUT_SUM = OUTPUT.longColumn("sum");
        private final long period;

        PeriodSum(final long period)
        {
            this.period = period;
        }

        @Override
        public int stateBytes()
        {
            return 2 * Long.BYTES;
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final int at = context.stateOffset();
            final long end = Math.floorDiv(TIME.get(row), period) * period + period;
            context.state().putLong(at, context.state().getLong(at) + PRICE.get(row));
            context.state().putLong(at + Long.BYTES, KEY.getString(row).hashCode());
            if (PRICE.get(row) % 25 == 0)
            {
                context.row().putLong(OUT_KEY, context.state().getLong(at + Long.BYTES))
                    .putLong(OUT_END, -end).putLong(OUT_SUM, PRICE.get(row));
                context.emit();
            }
            context.registerTimer(end);
        }

        @Override
        public void onTimer(final long time, final ProcessContext context)
        {
            final int at = context.stateOffset();
            context.row().putLong(OUT_KEY, context.state().getLong(at + Long.BYTES))
                .putLong(OUT_END, time).putLong(OUT_SUM, context.state().getLong(at));
            context.emit();
            context.clearState();
        }
    }

    /**
     * A publisher feeding several tasks: epochs are cut by the offers and, while the offering thread pauses, by the
     * idle cut, whose marker every task must see; the rows are those of one task fed the same way.
     */
    @Test
    void shouldWriteWhatAPublisherOffersAsOneTaskDoes() throws InterruptedException
    {
        final List<long[]> events = events(new SplittableRandom(77));
        final List<String> expected = published(events, 1);
        assertTrue(expected.size() > 100, "rows to compare: " + expected.size());
        for (final int tasks : new int[] {2, 3})
        {
            assertEquals(expected, published(events, tasks), tasks + " tasks");
        }
    }

    private static List<String> published(final List<long[]> events, final int tasks) throws InterruptedException
    {
        final Publisher publisher = new Publisher(EVENTS);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher).withWatermark("t", Duration.ofMillis(10))
            .groupBy(Window.window("t", Duration.ofMillis(20)), "key").count()
            .writeStream().outputMode(OutputMode.APPEND).trigger(Trigger.continuous(Duration.ofMillis(2)))
            .parallelism(tasks).sink(sink).start();
        final long[] offered = new long[3];
        int pauses = 0;
        for (int i = 0; i < events.size(); i++)
        {
            System.arraycopy(events.get(i), 0, offered, 0, 3);
            final int at = i;
            assertTrue(publisher.offerBlocking((row, event) -> row.putLong(TIME, event[0])
                .putString(KEY, "k" + event[1]).putLong(PRICE, event[2]), offered), () -> tasks + " tasks, offer " +
                at + ": " + query.lastError());
            if (i % 400 == 399)
            {
                // Long enough for the ring to drain and the epoch's interval to pass: an idle cut ends the epoch.
                Thread.sleep(15);
                pauses++;
            }
        }
        final long epochsBeforeClose = query.progress().committedEpoch();
        publisher.close();
        TestQueries.awaitFinished(query, ThreadingMode.DEDICATED);
        assertTrue(epochsBeforeClose >= pauses / 2, tasks + " tasks: epochs committed while offers paused: " +
            epochsBeforeClose + " for " + pauses + " pauses");
        TestQueries.assertRowIdsConsistent(sink);
        final List<String> rows = new ArrayList<>();
        for (final List<Object> values : sink.values())
        {
            rows.add(values.toString());
        }
        Collections.sort(rows);
        return rows;
    }

    @Test
    void shouldRefuseWhatTheTasksCannotRun()
    {
        final Stream events = Millrace.readStream(source(List.of()));
        final IllegalArgumentException invoked = assertThrows(IllegalArgumentException.class, () ->
            events.groupBy("key").count().writeStream().outputMode(OutputMode.UPDATE).sink(new CollectingSink())
                .threadingMode(ThreadingMode.INVOKER).parallelism(2).start());
        assertEquals("parallelism 2 runs each task on a thread of its own: use ThreadingMode.DEDICATED or SHARED",
            invoked.getMessage());

        for (final int tasks : new int[] {0, 129})
        {
            final IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> events.writeStream().parallelism(tasks));
            assertEquals("parallelism must be 1 to 128: " + tasks, range.getMessage());
        }
    }

    private static Stream watermarked(final Stream events, final SplittableRandom random)
    {
        return events.withWatermark("t", Duration.ofMillis(random.nextLong(30)));
    }

    /**
     * Runs the query on random streams as one task and as several, and compares what the sinks got.
     */
    private static void check(final String what, final Query query)
    {
        long rows = 0;
        for (int run = 0; run < RUNS; run++)
        {
            final long seed = what.hashCode() * 1_000L + run;
            final List<long[]> events = events(new SplittableRandom(seed));
            final int tasks = 2 + run % 4;
            // Every other run has the source on task 0's thread.
            final ThreadingMode threads = run % 2 == 0 ? ThreadingMode.DEDICATED : ThreadingMode.SHARED;
            final String context = what + ", seed " + seed + ", " + events.size() + " events, " + tasks + " tasks, " +
                threads;
            final List<CollectingSink> one = run(query, seed, events, 1, ThreadingMode.DEDICATED);
            final List<CollectingSink> several = run(query, seed, events, tasks, threads);
            for (int output = 0; output < one.size(); output++)
            {
                final CollectingSink expected = one.get(output);
                final CollectingSink actual = several.get(output);
                assertEquals(sorted(expected), sorted(actual), context + ": rows of output " + (output + 1));
                assertEquals(expected.commits(), actual.commits(), context + ": epochs of output " + (output + 1));
                TestQueries.assertRowIdsConsistent(actual);
                rows += expected.rows().size();
            }
        }
        assertTrue(rows > RUNS * 20L, what + ": too few rows to compare: " + rows);
    }

    private static List<CollectingSink> run(
        final Query query, final long seed, final List<long[]> events, final int tasks, final ThreadingMode threads)
    {
        final CollectingSink first = new CollectingSink();
        final CollectingSink second = new CollectingSink();
        // The same random choices for both runs.
        final StreamWriter writer = query.writer(Millrace.readStream(source(events)),
            new SplittableRandom(seed), first, second);
        TestQueries.runToEnd(writer.trigger(Trigger.continuous(Duration.ofHours(1))).parallelism(tasks), threads);
        return List.of(first, second);
    }

    private static ListSource<long[]> source(final List<long[]> events)
    {
        return new ListSource<>(EVENTS, events, (row, event, index) ->
            row.putLong(TIME, event[0]).putString(KEY, "k" + event[1]).putLong(PRICE, event[2]));
    }

    private static List<String> sorted(final CollectingSink sink)
    {
        final List<String> rows = new ArrayList<>();
        for (final CollectingSink.Row row : sink.rows())
        {
            rows.add(row.epoch() + ": " + row.values());
        }
        Collections.sort(rows);
        return rows;
    }

    /**
     * @return events {time, key, price}: times rising with some disorder, a few to a few hundred keys.
     */
    private static List<long[]> events(final SplittableRandom random)
    {
        final int n = 200 + random.nextInt(3_000);
        final int keys = 1 + random.nextInt(random.nextBoolean() ? 5 : 300);
        final List<long[]> events = new ArrayList<>(n);
        long time = random.nextLong(1_000);
        for (int i = 0; i < n; i++)
        {
            time += random.nextInt(3);
            events.add(new long[] {time - random.nextInt(25), random.nextInt(keys), random.nextInt(100)});
        }
        return events;
    }
}
