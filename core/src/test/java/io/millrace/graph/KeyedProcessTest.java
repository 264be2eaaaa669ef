package io.millrace.graph;

import io.millrace.Millrace;
import io.millrace.Publisher;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.testing.TestQueries;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A keyed process function with value state and event-time timers ({@link Idle}: a key's rows are summed until the
 * key has been idle for a gap, then written once and forgotten) against a plain-Java model of the timer contract,
 * on seeded random streams with disorder, repeated times and late rows, some with an epoch cut before every record.
 */
class KeyedProcessTest
{
    private static final Schema EVENTS = Schema.builder().timestampColumn("t").stringColumn("key", 8)
        .longColumn("v").build();
    private static final LongColumn TIME = EVENTS.longColumn("t");
    private static final StringColumn KEY = EVENTS.stringColumn("key");
    private static final LongColumn VALUE = EVENTS.longColumn("v");
    private static final Schema OUTPUT = Schema.builder().stringColumn("key", 8).longColumn("count")
        .longColumn("sum").timestampColumn("last").longColumn("fired").build();
    private static final RowTranslator<long[]> WRITE = (row, event) -> row.putLong(TIME, event[0])
        .putString(KEY, "k" + event[1]).putLong(VALUE, event[2]);
    private static final long GAP = 10;

    /**
     * Sums a key's values while rows keep coming; each row sets a timer at its time plus the gap; the timer of the
     * key's latest time writes the key's count, sum and latest time, and clears the key.
     */
    static class Idle implements KeyedProcessFunction
    {
        private LongColumn time;
        private StringColumn key;
        private LongColumn value;
        private StringColumn outKey;
        private LongColumn count;
        private LongColumn sum;
        private LongColumn last;
        private LongColumn fired;
        private final byte[] keyBytes = new byte[8];
        private final org.agrona.concurrent.UnsafeBuffer keyView = new org.agrona.concurrent.UnsafeBuffer(keyBytes);

        @Override
        public int stateBytes()
        {
            return 8 + 8 + 8 + 1 + 8; // count, sum, last time, key length, key bytes
        }

        @Override
        public void open(final Schema input, final Schema output)
        {
            time = input.longColumn("t");
            key = input.stringColumn("key");
            value = input.longColumn("v");
            outKey = output.stringColumn("key");
            count = output.longColumn("count");
            sum = output.longColumn("sum");
            last = output.longColumn("last");
            fired = output.longColumn("fired");
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            final long t = time.get(row);
            final long latest = state.getLong(at) == 0 ? t : Math.max(state.getLong(at + 16), t);
            state.putLong(at, state.getLong(at) + 1);
            state.putLong(at + 8, state.getLong(at + 8) + value.get(row));
            state.putLong(at + 16, latest);
            final int length = key.length(row);
            state.putByte(at + 24, (byte)length);
            state.putBytes(at + 25, row.buffer(), key.bytesOffset(row), length);
            context.registerTimer(t + GAP);
        }

        @Override
        public void onTimer(final long timer, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            if (state.getLong(at) == 0 || timer != state.getLong(at + 16) + GAP)
            {
                return; // a later row moved the key's end
            }
            final int length = state.getByte(at + 24);
            state.getBytes(at + 25, keyBytes, 0, length);
            context.row().putString(outKey, keyView, 0, length).putLong(count, state.getLong(at))
                .putLong(sum, state.getLong(at + 8)).putLong(last, state.getLong(at + 16)).putLong(fired, timer);
            context.emit();
            context.clearState();
        }
    }

    @Test
    void shouldFireEachKeysTimersInTimeOrderAsTheWatermarkPassesThem()
    {
        long written = 0;
        for (int run = 0; run < 200; run++)
        {
            final SplittableRandom random = new SplittableRandom(run);
            final List<long[]> events = events(random);
            final long delay = random.nextLong(15);
            final String context = "run " + run + ", delay " + delay;

            final CollectingSink sink = new CollectingSink();
            final StreamingQuery query = run(events, delay, OUTPUT, Idle::new, random, sink);

            final List<List<Object>> expected = model(events, delay);
            final List<List<Object>> actual = new ArrayList<>(sink.values());
            // Rows come out in the order their timers fire: by time, then by key.
            assertEquals(expected, actual, context);
            assertEquals(0, query.progress().stateRows(), context + ": every key forgotten at the end");
            written += actual.size();
        }
        assertTrue(written > 2000, "rows written: " + written);
    }

    /**
     * Keeps each row's value in its key's list, in arrival order, until the key has been idle for the gap; then
     * writes how many values there were, their sum, the first and the last, and clears the key.
     */
    static final class Buffered implements KeyedProcessFunction
    {
        private LongColumn time;
        private LongColumn value;
        private LongColumn count;
        private LongColumn sum;
        private LongColumn first;
        private LongColumn last;

        @Override
        public int stateBytes()
        {
            return 8; // latest time
        }

        @Override
        public int listEntryBytes()
        {
            return 8; // a value
        }

        @Override
        public void open(final Schema input, final Schema output)
        {
            time = input.longColumn("t");
            value = input.longColumn("v");
            count = output.longColumn("count");
            sum = output.longColumn("sum");
            first = output.longColumn("first");
            last = output.longColumn("last");
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final long t = time.get(row);
            final long latest = context.listSize() == 0 ? t :
                Math.max(context.state().getLong(context.stateOffset()), t);
            context.state().putLong(context.stateOffset(), latest);
            final int entry = context.listAppend();
            context.listBuffer().putLong(context.listOffset(entry), value.get(row));
            context.registerTimer(t + GAP);
        }

        @Override
        public void onTimer(final long timer, final ProcessContext context)
        {
            if (context.listSize() == 0 || timer != context.state().getLong(context.stateOffset()) + GAP)
            {
                return;
            }
            long total = 0;
            long firstValue = 0;
            long lastValue = 0;
            int seen = 0;
            for (int entry = context.listFirst(); entry >= 0; entry = context.listNext(entry))
            {
                final long v = context.listBuffer().getLong(context.listOffset(entry));
                firstValue = seen == 0 ? v : firstValue;
                lastValue = v;
                total += v;
                seen++;
            }
            assertEquals(context.listSize(), seen, "list size");
            context.row().putLong(count, seen).putLong(sum, total).putLong(first, firstValue)
                .putLong(last, lastValue);
            context.emit();
            context.clearState();
        }
    }

    /**
     * Tallies each row's value modulo 10 in its key's map, removing a tally when it reaches 3, until the key has been
     * idle for the gap; then writes the map's size, the sum of its tallies, its first key in insertion order (-1 when
     * empty) and the tallies removed, and clears the key.
     */
    static final class Tally implements KeyedProcessFunction
    {
        private final UnsafeBuffer mapKey = new UnsafeBuffer(new byte[8]);
        private LongColumn time;
        private LongColumn value;
        private LongColumn size;
        private LongColumn sum;
        private LongColumn first;
        private LongColumn removed;

        @Override
        public int stateBytes()
        {
            return 16; // latest time, tallies removed
        }

        @Override
        public int mapKeyBytes()
        {
            return 8;
        }

        @Override
        public int mapValueBytes()
        {
            return 8;
        }

        @Override
        public void open(final Schema input, final Schema output)
        {
            time = input.longColumn("t");
            value = input.longColumn("v");
            size = output.longColumn("size");
            sum = output.longColumn("sum");
            first = output.longColumn("first");
            removed = output.longColumn("removed");
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            final long t = time.get(row);
            final boolean fresh = context.mapSize() == 0 && state.getLong(at + 8) == 0 && state.getLong(at) == 0;
            state.putLong(at, fresh ? t : Math.max(state.getLong(at), t));
            mapKey.putLong(0, value.get(row) % 10);
            final int existing = context.mapGet(mapKey, 0);
            final int entry = context.mapPut(mapKey, 0);
            assertEquals(existing < 0, context.mapBuffer().getLong(context.mapValueOffset(entry)) == 0, "new is zero");
            assertEquals(value.get(row) % 10, context.mapBuffer().getLong(context.mapKeyOffset(entry)), "its key");
            final long tally = context.mapBuffer().getLong(context.mapValueOffset(entry)) + 1;
            if (tally == 3)
            {
                context.mapRemove(entry);
                state.putLong(at + 8, state.getLong(at + 8) + 1);
                assertEquals(-1, context.mapGet(mapKey, 0), "removed");
            }
            else
            {
                context.mapBuffer().putLong(context.mapValueOffset(entry), tally);
            }
            context.registerTimer(t + GAP);
        }

        @Override
        public void onTimer(final long timer, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            if (timer != state.getLong(at) + GAP)
            {
                return;
            }
            long total = 0;
            int seen = 0;
            for (int entry = context.mapFirst(); entry >= 0; entry = context.mapNext(entry))
            {
                total += context.mapBuffer().getLong(context.mapValueOffset(entry));
                seen++;
            }
            assertEquals(context.mapSize(), seen, "map size");
            final int head = context.mapFirst();
            context.row().putLong(size, seen).putLong(sum, total)
                .putLong(first, head < 0 ? -1 : context.mapBuffer().getLong(context.mapKeyOffset(head)))
                .putLong(removed, state.getLong(at + 8));
            context.emit();
            context.clearState();
        }
    }

    @Test
    void shouldKeepEachKeysMapInInsertionOrderUntilItIsCleared()
    {
        final Schema output = Schema.builder().longColumn("size").longColumn("sum").longColumn("first")
            .longColumn("removed").build();
        long removals = 0;
        long written = 0;
        for (int run = 0; run < 150; run++)
        {
            final SplittableRandom random = new SplittableRandom(7000 + run);
            final List<long[]> events = events(random);
            final long delay = random.nextLong(15);
            final CollectingSink sink = new CollectingSink();
            final StreamingQuery query = run(events, delay, output, Tally::new, random, sink);

            // Idle's timers; what a fire writes comes from the key's map since its last clear.
            final List<List<Object>> expected = new ArrayList<>();
            final Map<Long, LinkedHashMap<Long, Long>> maps = new HashMap<>();
            final Map<Long, long[]> held = new HashMap<>();
            final TreeMap<Long, TreeSet<Long>> timers = new TreeMap<>();
            Long max = null;
            for (final long[] event : events)
            {
                final long watermark = null == max ? Long.MIN_VALUE : max - delay;
                fireTally(timers, maps, held, watermark, expected);
                final long[] state = held.computeIfAbsent(event[1], k -> new long[] {event[0], 0});
                state[0] = Math.max(state[0], event[0]);
                final LinkedHashMap<Long, Long> map = maps.computeIfAbsent(event[1], k -> new LinkedHashMap<>());
                final long tally = map.getOrDefault(event[2] % 10, 0L) + 1;
                if (tally == 3)
                {
                    map.remove(event[2] % 10);
                    state[1]++;
                    removals++;
                }
                else
                {
                    map.put(event[2] % 10, tally);
                }
                timers.computeIfAbsent(event[0] + GAP, t -> new TreeSet<>(Comparator.comparing(k -> "k" + k)))
                    .add(event[1]);
                fireTally(timers, maps, held, watermark, expected);
                max = null == max ? event[0] : Math.max(max, event[0]);
            }
            fireTally(timers, maps, held, Long.MAX_VALUE, expected);
            assertEquals(expected, sink.values(), "run " + run);
            assertEquals(0, query.progress().stateRows(), "run " + run + ": keys and map entries forgotten");
            written += expected.size();
        }
        assertTrue(written > 2000 && removals > 300, "rows written: " + written + ", removals " + removals);
    }

    private static void fireTally(
        final TreeMap<Long, TreeSet<Long>> timers,
        final Map<Long, LinkedHashMap<Long, Long>> maps,
        final Map<Long, long[]> held,
        final long watermark,
        final List<List<Object>> out)
    {
        while (!timers.isEmpty() && timers.firstKey() <= watermark)
        {
            final Map.Entry<Long, TreeSet<Long>> due = timers.pollFirstEntry();
            for (final long key : due.getValue())
            {
                final long[] state = held.get(key);
                if (null != state && due.getKey() == state[0] + GAP)
                {
                    final LinkedHashMap<Long, Long> map = maps.remove(key);
                    out.add(List.of((long)map.size(), map.values().stream().mapToLong(Long::longValue).sum(),
                        map.isEmpty() ? -1L : map.keySet().iterator().next(), state[1]));
                    held.remove(key);
                }
            }
        }
    }

    /**
     * Sums a key's values; a row of value 1 arms it with timers at its time plus 10 and plus 20, and the first of them
     * writes the sum and clears the key, the second finding nothing to do.
     */
    static final class ArmedSum implements KeyedProcessFunction
    {
        private LongColumn time;
        private LongColumn value;
        private LongColumn sum;

        @Override
        public int stateBytes()
        {
            return 16; // sum, time of the armed timer
        }

        @Override
        public void open(final Schema input, final Schema output)
        {
            time = input.longColumn("t");
            value = input.longColumn("v");
            sum = output.longColumn("sum");
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            state.putLong(at, state.getLong(at) + value.get(row));
            if (value.get(row) == 1)
            {
                state.putLong(at + 8, time.get(row) + 10);
                context.registerTimer(time.get(row) + 10);
                context.registerTimer(time.get(row) + 20);
            }
        }

        @Override
        public void onTimer(final long timer, final ProcessContext context)
        {
            if (timer == context.state().getLong(context.stateOffset() + 8))
            {
                context.row().putLong(sum, context.state().getLong(context.stateOffset()));
                context.emit();
                context.clearState();
            }
        }
    }

    @Test
    void shouldKeepTheStateARowWritesAfterAClearWhileAnOlderTimerIsPending()
    {
        // k1 is armed at 0 and cleared by its timer at 10 while its timer at 20 is pending; a row at 15 then writes
        // 7 without a timer of its own, and must still be there when k1 is armed again at 40, after 20 has fired.
        final List<long[]> events = List.of(new long[] {0, 1, 1}, new long[] {12, 2, 5}, new long[] {15, 1, 7},
            new long[] {25, 2, 5}, new long[] {30, 2, 5}, new long[] {40, 1, 1});
        final Publisher publisher = new Publisher(EVENTS);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher)
            .withWatermark("t", Duration.ZERO)
            .keyBy("key").process(Schema.builder().longColumn("sum").build(), ArmedSum::new)
            .writeStream().trigger(TestQueries.ONE_EPOCH).sink(sink).threadingMode(ThreadingMode.INVOKER).start();
        TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, events, WRITE);
        assertEquals(List.of(List.of(1L), List.of(8L)), sink.values());
    }

    @Test
    void shouldKeepEachKeysListInAppendOrderUntilItIsCleared()
    {
        final Schema output = Schema.builder().longColumn("count").longColumn("sum").longColumn("first")
            .longColumn("last").build();
        long written = 0;
        for (int run = 0; run < 150; run++)
        {
            final SplittableRandom random = new SplittableRandom(3000 + run);
            final List<long[]> events = events(random);
            final long delay = random.nextLong(15);
            final CollectingSink sink = new CollectingSink();
            final StreamingQuery query = run(events, delay, output, Buffered::new, random, sink);

            // The same timers as Idle's model; what a fire writes comes from the key's values since its last clear.
            final List<List<Object>> expected = new ArrayList<>();
            final Map<Long, List<Long>> values = new HashMap<>();
            final Map<Long, Long> latest = new HashMap<>();
            final TreeMap<Long, TreeSet<Long>> timers = new TreeMap<>();
            Long max = null;
            for (final long[] event : events)
            {
                final long watermark = null == max ? Long.MIN_VALUE : max - delay;
                fireBuffered(timers, values, latest, watermark, expected);
                latest.merge(event[1], event[0], Math::max);
                values.computeIfAbsent(event[1], k -> new ArrayList<>()).add(event[2]);
                // Keys of one time fire in the order of the key column's bytes, "k" + the number.
                timers.computeIfAbsent(event[0] + GAP, t -> new TreeSet<>(Comparator.comparing(k -> "k" + k)))
                    .add(event[1]);
                fireBuffered(timers, values, latest, watermark, expected);
                max = null == max ? event[0] : Math.max(max, event[0]);
            }
            fireBuffered(timers, values, latest, Long.MAX_VALUE, expected);
            assertEquals(expected, sink.values(), "run " + run);
            assertEquals(0, query.progress().stateRows(), "run " + run + ": keys and entries forgotten");
            written += expected.size();
        }
        assertTrue(written > 2000, "rows written: " + written);
    }

    private static void fireBuffered(
        final TreeMap<Long, TreeSet<Long>> timers,
        final Map<Long, List<Long>> values,
        final Map<Long, Long> latest,
        final long watermark,
        final List<List<Object>> out)
    {
        while (!timers.isEmpty() && timers.firstKey() <= watermark)
        {
            final Map.Entry<Long, TreeSet<Long>> due = timers.pollFirstEntry();
            for (final long key : due.getValue())
            {
                final List<Long> held = values.get(key);
                if (null != held && due.getKey() == latest.get(key) + GAP)
                {
                    out.add(List.of((long)held.size(), held.stream().mapToLong(Long::longValue).sum(), held.get(0),
                        held.get(held.size() - 1)));
                    values.remove(key);
                    latest.remove(key);
                }
            }
        }
    }

    /**
     * An event-time timer that a processing-time timer sets for a time the watermark has reached fires right after
     * it, at the same epoch end, as any timer set for a passed time fires right after the call that set it: an idle
     * query does not hold it until another row comes.
     */
    @Test
    void shouldFireADueTimerThatAProcessingTimeTimerSetsAtTheSameEpochEnd() throws InterruptedException
    {
        final Publisher publisher = new Publisher(EVENTS);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(publisher).withWatermark("t", Duration.ZERO)
            .keyBy("key").process(SetsDueTimer.OUTPUT, SetsDueTimer::new)
            .writeStream().trigger(Trigger.continuous(Duration.ofMillis(5))).sink(sink).start();
        assertTrue(publisher.offerBlocking(WRITE, new long[] {100, 1, 7}), () -> "offer: " + query.lastError());
        // The processing-time timer is due at the end of the epoch holding the row, which the idle query ends.
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (sink.rows().size() < 2 && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        final List<CollectingSink.Row> rows = sink.rows();
        publisher.close();
        TestQueries.awaitFinished(query, ThreadingMode.DEDICATED);
        assertEquals(2, rows.size(), () -> "rows before the input ended: " + rows);
        // The watermark before a record: the one row has not moved it yet.
        assertEquals(List.of(0L, Long.MIN_VALUE), rows.get(0).values(), "the processing-time timer's row");
        assertEquals(List.of(1L, Long.MIN_VALUE), rows.get(1).values(), "the event-time timer's row");
        assertEquals(rows.get(0).epoch(), rows.get(1).epoch(), "both rows in the epoch whose end fired them");
    }

    /**
     * At the first epoch end after a key's row, writes (0, watermark) and sets an event-time timer at the watermark,
     * which writes (1, its time).
     */
    static final class SetsDueTimer implements KeyedProcessFunction
    {
        static final Schema OUTPUT = Schema.builder().longColumn("kind").longColumn("time").build();
        private static final LongColumn KIND = OUTPUT.longColumn("kind");
        private static final LongColumn AT = OUTPUT.longColumn("time");

        @Override
        public int stateBytes()
        {
            return 0;
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            context.registerProcessingTimer(Long.MIN_VALUE + 1);
        }

        @Override
        public void onProcessingTimer(final long time, final ProcessContext context)
        {
            context.row().putLong(KIND, 0).putLong(AT, context.watermark());
            context.emit();
            context.registerTimer(context.watermark());
        }

        @Override
        public void onTimer(final long time, final ProcessContext context)
        {
            context.row().putLong(KIND, 1).putLong(AT, time);
            context.emit();
        }
    }

    @Test
    void shouldRefuseAFunctionWithoutAnInstanceOrWithANegativeStateSize()
    {
        final io.millrace.Stream events = Millrace.readStream(new Publisher(EVENTS));
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> events.keyBy("nope"));
        assertTrue(missing.getMessage().startsWith("keyBy[nope]: no column 'nope'"), missing.getMessage());
        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
            () -> events.keyBy("key").process(OUTPUT, () -> null));
        assertTrue(none.getMessage().contains("the factory returned null"), none.getMessage());
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> events.keyBy("key").process(OUTPUT, () -> new Idle()
            {
                @Override
                public int stateBytes()
                {
                    return -1;
                }
            }));
        assertTrue(negative.getMessage().contains("stateBytes() is -1"), negative.getMessage());
    }

    /**
     * Runs the function keyed by {@code key} over the events with a watermark of the given delay, in one epoch or
     * with an epoch cut before every record, into the sink.
     */
    private static StreamingQuery run(
        final List<long[]> events,
        final long delay,
        final Schema output,
        final Supplier<? extends KeyedProcessFunction> function,
        final SplittableRandom random,
        final CollectingSink sink)
    {
        final Publisher publisher = new Publisher(EVENTS);
        final StreamingQuery query = Millrace.readStream(publisher)
            .withWatermark("t", Duration.ofMillis(delay))
            .keyBy("key").process(output, function)
            .writeStream().trigger(random.nextBoolean() ? TestQueries.ONE_EPOCH :
                Trigger.continuous(Duration.ofNanos(1)))
            .sink(sink).threadingMode(ThreadingMode.INVOKER).start();
        TestQueries.publishAllAndFinish(publisher, query, ThreadingMode.INVOKER, events, WRITE);
        return query;
    }

    /**
     * The timer contract, worked out apart from the engine: before each record the watermark advances (the largest
     * time before it minus the delay) and fires, in time order, every timer it reaches; the record then updates its
     * key and registers a timer at its time plus the gap, which fires at once if the watermark has reached it; a
     * key's timer of one time fires once. At the end every timer left fires. {@link Idle}'s rule decides what a fire
     * writes.
     */
    private static List<List<Object>> model(final List<long[]> events, final long delay)
    {
        final Map<String, long[]> state = new HashMap<>();
        final TreeMap<Long, TreeSet<String>> timers = new TreeMap<>();
        final List<List<Object>> out = new ArrayList<>();
        Long max = null;
        for (final long[] event : events)
        {
            final long watermark = null == max ? Long.MIN_VALUE : max - delay;
            fire(timers, state, watermark, out);
            final String key = "k" + event[1];
            final long[] s = state.computeIfAbsent(key, k -> new long[3]);
            s[2] = s[0] == 0 ? event[0] : Math.max(s[2], event[0]);
            s[0]++;
            s[1] += event[2];
            timers.computeIfAbsent(event[0] + GAP, t -> new TreeSet<>()).add(key);
            fire(timers, state, watermark, out);
            max = null == max ? event[0] : Math.max(max, event[0]);
        }
        fire(timers, state, Long.MAX_VALUE, out);
        return out;
    }

    private static void fire(
        final TreeMap<Long, TreeSet<String>> timers,
        final Map<String, long[]> state,
        final long watermark,
        final List<List<Object>> out)
    {
        while (!timers.isEmpty() && timers.firstKey() <= watermark)
        {
            final Map.Entry<Long, TreeSet<String>> due = timers.pollFirstEntry();
            for (final String key : due.getValue())
            {
                final long[] s = state.get(key);
                if (null != s && s[0] > 0 && due.getKey() == s[2] + GAP)
                {
                    out.add(List.of(key, s[0], s[1], s[2], due.getKey()));
                    state.remove(key);
                }
            }
        }
    }

    /**
     * @return up to 300 events {time, key, value} over a few keys, times rising with gaps, disorder and late ones.
     */
    private static List<long[]> events(final SplittableRandom random)
    {
        final int count = random.nextInt(301);
        final List<long[]> events = new ArrayList<>(count);
        long time = random.nextLong(50);
        for (int i = 0; i < count; i++)
        {
            time += random.nextInt(8) == 0 ? random.nextLong(30) : random.nextLong(3);
            final long t = random.nextInt(10) == 0 ? time - random.nextLong(40) : time - random.nextLong(4);
            events.add(new long[] {Math.max(0, t), random.nextInt(1 + random.nextInt(14)), random.nextLong(100)});
        }
        return events;
    }
}
