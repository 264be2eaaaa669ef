package io.millrace.graph;

import io.millrace.Join;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.Stream;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.function.RowTranslator;
import io.millrace.row.IntColumn;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.source.StaticTable;
import io.millrace.testing.TestQueries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * Joins of two branches of one input (rows of side 0 on the left, side 1 on the right, each with its own watermark
 * delay) against plain-Java models of their meaning, on seeded random streams with disorder, repeated keys and
 * times, late rows and empty sides, some with an epoch cut before every record.
 */
class JoinQueryTest
{
    @TempDir
    Path directory;

    private static final Schema EVENTS = Schema.builder().intColumn("side").timestampColumn("t")
        .stringColumn("key", 8).longColumn("v").build();
    private static final IntColumn SIDE = EVENTS.intColumn("side");
    private static final LongColumn TIME = EVENTS.longColumn("t");
    private static final StringColumn KEY = EVENTS.stringColumn("key");
    private static final LongColumn VALUE = EVENTS.longColumn("v");
    private static final RowTranslator<Event> WRITE = (row, event) -> row.putInt(SIDE, event.side)
        .putLong(TIME, event.time).putString(KEY, event.key).putLong(VALUE, event.value);
    private static final int RUNS = 150;

    private record Event(int side, long time, String key, long value)
    {
        List<Object> values()
        {
            return List.of(side, time, key, value);
        }
    }

    @ParameterizedTest(name = "left outer: {0}")
    @ValueSource(booleans = {false, true})
    void shouldJoinEachPairWithinTheBoundOnceWhenItsSecondRowArrives(final boolean outer)
    {
        long pairs = 0;
        long late = 0;
        for (int run = 0; run < RUNS; run++)
        {
            final SplittableRandom random = new SplittableRandom(run);
            final List<Event> events = events(random);
            final long leftDelay = random.nextLong(20);
            final long rightDelay = random.nextLong(20);
            final long before = random.nextLong(15);
            final long after = random.nextLong(15);
            final String context = "run " + run + ", delays " + leftDelay + "/" + rightDelay + ", bound -" + before +
                "/+" + after;

            final Publisher bounded = new Publisher(EVENTS);
            final Stream[] streams = branches(bounded, leftDelay, rightDelay);
            final CollectingSink joined = new CollectingSink();
            final Join bound = Join.on("key", "key").between("t", "t", Duration.ofMillis(before),
                Duration.ofMillis(after));
            final StreamingQuery join = streams[0].join(streams[1], outer ? bound.leftOuter() : bound)
                .writeStream().trigger(trigger(random)).sink(joined).threadingMode(ThreadingMode.INVOKER).start();
            TestQueries.publishAllAndFinish(bounded, join, ThreadingMode.INVOKER, events, WRITE);

            final PairModel model = new PairModel(events, leftDelay, rightDelay, before, after, true);
            if (outer)
            {
                // A lone left row is written when the watermark drops it: compared as a set with the pairs.
                assertEquals(sorted(model.withLoneLeftRows()), sorted(joined.values()), context + ": left outer");
            }
            else
            {
                assertEquals(model.pairs, joined.values(), context + ": pairs, in the order written");
            }
            assertEquals(model.late, join.progress().lateRecords(), context + ": late rows");
            assertEquals(0, join.progress().stateRows(), context + ": every row evicted at the end");
            TestQueries.assertRowIdsConsistent(joined);
            pairs += model.pairs.size();
            late += model.late;
        }
        assertTrue(pairs > 1000 && late > 100, "the streams exercise the join: pairs " + pairs + ", late " + late);
    }

    @ParameterizedTest(name = "left outer: {0}")
    @ValueSource(booleans = {false, true})
    void shouldPassAWatermarkOnTheLeftTimeThatNoRowOfAnIntervalJoinIsLateFor(final boolean outer)
    {
        long windows = 0;
        long closedEarly = 0;
        for (int run = 0; run < RUNS; run++)
        {
            final SplittableRandom random = new SplittableRandom(3000 + run);
            final List<Event> events = events(random);
            final long leftDelay = random.nextLong(20);
            final long rightDelay = random.nextLong(20);
            final long before = random.nextLong(15);
            final long after = random.nextLong(15);
            final long size = 1 + random.nextLong(20);
            final String context = "run " + run + ", delays " + leftDelay + "/" + rightDelay + ", bound -" + before +
                "/+" + after + ", tumbling " + size + " ms";

            final Publisher publisher = new Publisher(EVENTS);
            final Stream[] streams = branches(publisher, leftDelay, rightDelay);
            final Join bound = Join.on("key", "key").between("t", "t", Duration.ofMillis(before),
                Duration.ofMillis(after));
            final CollectingSink counts = new CollectingSink();
            final StreamingQuery query = streams[0].join(streams[1], outer ? bound.leftOuter() : bound)
                .groupBy(Window.window("t", Duration.ofMillis(size)), "key").count()
                .writeStream().outputMode(OutputMode.APPEND).trigger(Trigger.continuous(Duration.ofNanos(1)))
                .sink(counts).threadingMode(ThreadingMode.INVOKER).start();
            TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, events, WRITE);

            // Every joined row counts: the join's output watermark never makes one of its own rows late.
            final PairModel model = new PairModel(events, leftDelay, rightDelay, before, after, true);
            final Map<List<Object>, Long> expected = new TreeMap<>(Comparator.comparing(Object::toString));
            for (final List<Object> row : outer ? model.withLoneLeftRows() : model.pairs)
            {
                final long start = Math.floorDiv((Long)row.get(1), size) * size;
                expected.merge(List.of(start, start + size, row.get(2)), 1L, Long::sum);
            }
            final Map<List<Object>, Long> actual = new TreeMap<>(Comparator.comparing(Object::toString));
            for (final List<Object> row : counts.values())
            {
                assertEquals(null, actual.put(row.subList(0, 3), (Long)row.get(3)), context + ": one row per window");
            }
            assertEquals(expected, actual, context);
            assertEquals(model.late, query.progress().lateRecords(), context + ": only the join's late rows");
            assertEquals(0, query.progress().droppedContributions(), context + ": no contribution dropped");
            final long lastEpoch = counts.rows().isEmpty() ? 0 : counts.rows().get(counts.rows().size() - 1).epoch();
            closedEarly += counts.rows().stream().filter(row -> row.epoch() < lastEpoch).count();
            windows += actual.size();
        }
        assertTrue(windows > 500, "windows counted: " + windows);
        assertTrue(closedEarly > 100, "windows closed by the join's watermark before the end: " + closedEarly);
    }

    @Test
    void shouldJoinEveryPairWithoutABoundAndKeepEveryRow()
    {
        for (int run = 0; run < RUNS; run++)
        {
            final SplittableRandom random = new SplittableRandom(5000 + run);
            final List<Event> events = events(random);
            final Publisher publisher = new Publisher(EVENTS);
            final CollectingSink joined = new CollectingSink();
            final StreamingQuery join = unbounded(publisher)
                .writeStream().trigger(trigger(random)).sink(joined).threadingMode(ThreadingMode.INVOKER).start();
            TestQueries.publishAllAndFinish(publisher, join, ThreadingMode.INVOKER, events, WRITE);

            final PairModel model = new PairModel(events, 0, 0, 0, 0, false);
            assertEquals(model.pairs, joined.values(), "run " + run);
            assertEquals(events.size(), join.progress().stateRows(), "run " + run + ": every row held");
        }
    }

    @ParameterizedTest(name = "left outer: {0}")
    @ValueSource(booleans = {false, true})
    void shouldJoinThePairsOfEachWindowWhenItCloses(final boolean outer)
    {
        long pairs = 0;
        long late = 0;
        for (int run = 0; run < RUNS; run++)
        {
            final SplittableRandom random = new SplittableRandom(9000 + run);
            final List<Event> events = events(random);
            final long leftDelay = random.nextLong(20);
            final long rightDelay = random.nextLong(20);
            final long slide = 1 + random.nextLong(15);
            final long size = slide * (1 + random.nextLong(3));
            final String context = "run " + run + ", delays " + leftDelay + "/" + rightDelay + ", window " + size +
                "/" + slide;

            final Publisher publisher = new Publisher(EVENTS);
            final Stream[] streams = branches(publisher, leftDelay, rightDelay);
            final CollectingSink joined = new CollectingSink();
            final Join windowed = Join.on("key", "key")
                .window(Window.window("t", Duration.ofMillis(size), Duration.ofMillis(slide)), "t");
            final StreamingQuery join = streams[0].join(streams[1], outer ? windowed.leftOuter() : windowed)
                .writeStream().trigger(trigger(random)).sink(joined).threadingMode(ThreadingMode.INVOKER).start();
            TestQueries.publishAllAndFinish(publisher, join, ThreadingMode.INVOKER, events, WRITE);

            final WindowPairModel model = new WindowPairModel(events, leftDelay, rightDelay, size, slide, outer);
            assertEquals(sorted(model.rows), sorted(joined.values()), context);
            assertEquals(model.late, join.progress().lateRecords(), context + ": late rows");
            assertEquals(model.dropped, join.progress().droppedContributions(), context + ": dropped contributions");
            assertEquals(0, join.progress().stateRows(), context + ": every window closed at the end");
            pairs += model.rows.size();
            late += model.late;
        }
        assertTrue(pairs > 1000 && late > 100, "the streams exercise the join: pairs " + pairs + ", late " + late);
    }

    @ParameterizedTest(name = "left outer: {0}")
    @ValueSource(booleans = {false, true})
    void shouldJoinEachRowWithTheRowsOfAStaticTableOfItsKey(final boolean outer) throws Exception
    {
        final Schema labels = Schema.builder().stringColumn("key", 8).stringColumn("label", 16).build();
        final Path file = directory.resolve("labels.csv");
        Files.writeString(file, "key,label\nk1,one\nk3,three\nk1,\"uno, again\"\nk9,nine\n");
        final StaticTable table = StaticTable.readCsv(file, labels, true);
        final Map<String, List<String>> byKey = Map.of("k1", List.of("one", "uno, again"), "k3", List.of("three"),
            "k9", List.of("nine"));
        for (int run = 0; run < 40; run++)
        {
            final SplittableRandom random = new SplittableRandom(700 + run);
            final List<Event> events = events(random);
            final Publisher publisher = new Publisher(EVENTS);
            final CollectingSink joined = new CollectingSink();
            final Join on = Join.on("key", "key");
            final StreamingQuery join = Millrace.readStream(publisher).join(table, outer ? on.leftOuter() : on)
                .writeStream().trigger(trigger(random)).sink(joined).threadingMode(ThreadingMode.INVOKER).start();
            TestQueries.publishAllAndFinish(publisher, join, ThreadingMode.INVOKER, events, WRITE);

            final List<List<Object>> expected = new ArrayList<>();
            for (final Event event : events)
            {
                final List<String> found = byKey.getOrDefault(event.key, List.of());
                for (final String label : found)
                {
                    final List<Object> row = new ArrayList<>(event.values());
                    row.addAll(List.of(event.key, label));
                    if (outer)
                    {
                        row.add(true);
                    }
                    expected.add(row);
                }
                if (outer && found.isEmpty())
                {
                    final List<Object> row = new ArrayList<>(event.values());
                    row.addAll(List.of("", "", false));
                    expected.add(row);
                }
            }
            assertEquals(expected, joined.values(), "run " + run);
        }
        Files.writeString(file, "k1,one\nk2,\"open\n");
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> StaticTable.readCsv(file, labels, false));
        assertTrue(bad.getMessage().startsWith("table " + file + ", line 2: "), bad.getMessage());
        assertTrue(table.toString().matches("table .*labels.csv \\(4 rows, crc32c [0-9a-f]+\\)"), table.toString());
    }

    @Test
    void shouldRefuseAJoinItCannotRunAndNameTheColumnAtFault()
    {
        final Stream[] streams = branches(new Publisher(EVENTS), 0, 0);
        final Stream noWatermark = Millrace.readStream(new Publisher(EVENTS));
        final IllegalArgumentException types = assertThrows(IllegalArgumentException.class,
            () -> streams[0].join(streams[1], Join.on("key", "v")));
        assertTrue(types.getMessage().contains("left column 'key' is STRING and right column 'v' is LONG"),
            types.getMessage());
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> streams[0].join(streams[1], Join.on("key", "nope")));
        assertTrue(missing.getMessage().contains("'nope'"), missing.getMessage());
        final IllegalArgumentException watermark = assertThrows(IllegalArgumentException.class,
            () -> noWatermark.join(noWatermark, Join.on("key", "key").between("t", "t", Duration.ZERO,
                Duration.ZERO)));
        assertTrue(watermark.getMessage().contains("the left stream needs a watermark on 't'"),
            watermark.getMessage());
        final IllegalArgumentException outer = assertThrows(IllegalArgumentException.class,
            () -> streams[0].join(streams[1], Join.on("key", "key").leftOuter()));
        assertTrue(outer.getMessage().startsWith("leftOuterJoin[key]=[key]: a left outer join needs a time bound"),
            outer.getMessage());
        final IllegalArgumentException session = assertThrows(IllegalArgumentException.class,
            () -> streams[0].join(streams[1], Join.on("key", "key")
                .window(Window.sessionWindow("t", Duration.ofMillis(5)), "t")));
        assertTrue(session.getMessage().contains("a join window is tumbling or sliding"), session.getMessage());
        assertEquals(List.of("side", "t", "key", "v", "right_side", "right_t", "right_key", "right_v"),
            names(streams[0].join(streams[1], Join.on("key", "key")).schema()));
        assertEquals(List.of("window_start", "window_end", "side", "t", "key", "v", "r.side", "r.t", "r.key", "r.v"),
            names(streams[0].join(streams[1], Join.on("key", "key").rightPrefix("r.")
                .window(Window.window("t", Duration.ofMillis(5)), "t")).schema()));
    }

    /**
     * The pairs of an interval (or unbounded) join, in the order the engine writes them: before each record the
     * join's watermark is the smaller of the two sides' (each the largest time of its side's rows before the record
     * minus its delay, minus infinity before its first); a bounded join ignores a row whose time is below it; each
     * other row is paired with the earlier such rows of the other side with its key that meet the bound, in their
     * arrival order.
     */
    private static final class PairModel
    {
        final List<List<Object>> pairs = new ArrayList<>();
        final List<Event> lone = new ArrayList<>();
        long late;

        /**
         * @return for a left outer join: the pairs, marked matched, and each kept left row that met no right row,
         * alone and unmatched.
         */
        List<List<Object>> withLoneLeftRows()
        {
            final List<List<Object>> rows = new ArrayList<>();
            for (final List<Object> pair : pairs)
            {
                final List<Object> row = new ArrayList<>(pair);
                row.add(true);
                rows.add(row);
            }
            for (final Event left : lone)
            {
                rows.add(alone(left, List.of()));
            }
            return rows;
        }

        PairModel(
            final List<Event> events,
            final long leftDelay,
            final long rightDelay,
            final long before,
            final long after,
            final boolean bounded)
        {
            final List<Event> kept = new ArrayList<>();
            final java.util.Set<Event> met = new java.util.HashSet<>();
            final Long[] max = new Long[2];
            for (final Event event : events)
            {
                final long watermark = watermark(max, leftDelay, rightDelay);
                if (!bounded || event.time >= watermark)
                {
                    for (final Event partner : kept)
                    {
                        if (partner.side != event.side && partner.key.equals(event.key))
                        {
                            final Event left = event.side == 0 ? event : partner;
                            final Event right = event.side == 0 ? partner : event;
                            if (!bounded ||
                                (left.time >= right.time - before && left.time <= right.time + after))
                            {
                                final List<Object> row = new ArrayList<>(left.values());
                                row.addAll(right.values());
                                pairs.add(row);
                                met.add(left);
                            }
                        }
                    }
                    kept.add(event);
                }
                else
                {
                    late++;
                }
                max[event.side] = null == max[event.side] ? event.time : Math.max(max[event.side], event.time);
            }
            for (final Event event : kept)
            {
                if (event.side == 0 && !met.contains(event))
                {
                    lone.add(event);
                }
            }
        }
    }

    /**
     * @return a left row with zero right columns, unmatched, after {@code window}.
     */
    private static List<Object> alone(final Event left, final List<Object> window)
    {
        final List<Object> row = new ArrayList<>(window);
        row.addAll(left.values());
        row.addAll(List.of(0, 0L, "", 0L));
        row.add(false);
        return row;
    }

    /**
     * The pairs of a windowed join: each row falls in every window holding its time that the watermark (as above)
     * has not closed; a row in none is late; when a window closes (or the input ends) every pair of a left and a
     * right row of one key in it is written.
     */
    private static final class WindowPairModel
    {
        final List<List<Object>> rows = new ArrayList<>();
        long late;
        long dropped;

        WindowPairModel(
            final List<Event> events,
            final long leftDelay,
            final long rightDelay,
            final long size,
            final long slide,
            final boolean outer)
        {
            final Map<Long, List<Event>> windows = new HashMap<>();
            final Long[] max = new Long[2];
            for (final Event event : events)
            {
                final long watermark = watermark(max, leftDelay, rightDelay);
                boolean contributed = false;
                for (long start = Math.floorDiv(event.time, slide) * slide; start > event.time - size;
                     start -= slide)
                {
                    if (watermark >= start + size)
                    {
                        dropped++;
                    }
                    else
                    {
                        contributed = true;
                        windows.computeIfAbsent(start, s -> new ArrayList<>()).add(event);
                    }
                }
                if (!contributed)
                {
                    late++;
                }
                max[event.side] = null == max[event.side] ? event.time : Math.max(max[event.side], event.time);
            }
            windows.forEach((start, held) ->
            {
                for (final Event left : held)
                {
                    boolean met = false;
                    for (final Event right : held)
                    {
                        if (left.side == 0 && right.side == 1 && left.key.equals(right.key))
                        {
                            met = true;
                            final List<Object> row = new ArrayList<>(List.of(start, start + size));
                            row.addAll(left.values());
                            row.addAll(right.values());
                            if (outer)
                            {
                                row.add(true);
                            }
                            rows.add(row);
                        }
                    }
                    if (outer && left.side == 0 && !met)
                    {
                        rows.add(alone(left, List.of(start, start + size)));
                    }
                }
            });
        }
    }

    private static long watermark(final Long[] max, final long leftDelay, final long rightDelay)
    {
        return null == max[0] || null == max[1] ? Long.MIN_VALUE :
            Math.min(max[0] - leftDelay, max[1] - rightDelay);
    }

    private static Stream unbounded(final Publisher publisher)
    {
        final Stream input = Millrace.readStream(publisher);
        return input.filter(row -> SIDE.get(row) == 0).join(input.filter(row -> SIDE.get(row) == 1),
            Join.on("key", "key"));
    }

    private static Stream[] branches(final Publisher publisher, final long leftDelay, final long rightDelay)
    {
        final Stream input = Millrace.readStream(publisher);
        return new Stream[] {
            input.filter(row -> SIDE.get(row) == 0).withWatermark("t", Duration.ofMillis(leftDelay)),
            input.filter(row -> SIDE.get(row) == 1).withWatermark("t", Duration.ofMillis(rightDelay))};
    }

    /**
     * @return 0 to 200 rows on both sides (sometimes all on one), over few keys, times mostly rising with
     * disorder and repeats, some far behind.
     */
    private static List<Event> events(final SplittableRandom random)
    {
        final int count = random.nextInt(201);
        final int leftShare = random.nextInt(5) == 0 ? random.nextInt(2) * 100 : 20 + random.nextInt(61);
        final List<Event> events = new ArrayList<>(count);
        long time = random.nextLong(50);
        for (int i = 0; i < count; i++)
        {
            time += random.nextLong(4);
            final long t = random.nextInt(10) == 0 ? time - random.nextLong(60) : time - random.nextLong(5);
            events.add(new Event(random.nextInt(100) < leftShare ? 0 : 1, Math.max(0, t),
                "k" + random.nextInt(1 + random.nextInt(5)), i));
        }
        return events;
    }

    private static Trigger trigger(final SplittableRandom random)
    {
        return random.nextBoolean() ? TestQueries.ONE_EPOCH : Trigger.continuous(Duration.ofNanos(1));
    }

    private static List<String> names(final Schema schema)
    {
        return schema.columns().stream().map(column -> column.name()).toList();
    }

    private static List<List<Object>> sorted(final List<List<Object>> rows)
    {
        final List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(Object::toString));
        return copy;
    }
}
