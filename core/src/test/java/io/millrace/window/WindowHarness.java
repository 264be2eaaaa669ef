package io.millrace.window;

import io.millrace.sink.DeadLetterHandler;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.QueryProgress;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.function.RowTranslator;
import io.millrace.reference.WindowModel;
import io.millrace.reference.WindowModel.Event;
import io.millrace.reference.WindowModel.WindowId;
import io.millrace.reference.WindowModel.WindowRow;
import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.row.RowView;
import io.millrace.sink.CollectingSink;
import io.millrace.sink.Sink;
import io.millrace.source.Source;
import io.millrace.testing.ListSource;
import io.millrace.testing.TestQueries;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the engine's windowed count over a list of {@link Event}s and compares what it wrote with the reference
 * {@link WindowModel} (docs/semantics.md). Shared by the window tests.
 * <p>
 * Events enter the engine as rows {@code (event_time, key, index)}: {@code index} is the event's position in the
 * input, so late records written to the late-data sink can be matched with the model's late record indices.
 */
public final class WindowHarness
{
    /** Longest one engine run may take. */
    public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(60);
    /** Event-time column of {@link #EVENT_SCHEMA}. */
    public static final String TIME = "event_time";
    /** Key column of {@link #EVENT_SCHEMA}. */
    public static final String KEY = "key";
    /** Input-index column of {@link #EVENT_SCHEMA}. */
    public static final String INDEX = "index";
    /** The rows the engine reads: event time, key, and the event's index in the input. */
    public static final Schema EVENT_SCHEMA =
        Schema.builder().timestampColumn(TIME).stringColumn(KEY, 256).longColumn(INDEX).build();
    /** A continuous trigger whose only epoch is the one ended by the end of input. */
    public static final Trigger CONTINUOUS = Trigger.continuous(Duration.ofHours(1));

    private static final int RING_SIZE = 1024;
    private static final LongColumn TIME_COLUMN = EVENT_SCHEMA.longColumn(TIME);
    private static final StringColumn KEY_COLUMN = EVENT_SCHEMA.stringColumn(KEY);
    private static final LongColumn INDEX_COLUMN = EVENT_SCHEMA.longColumn(INDEX);
    private static final RowTranslator<IndexedEvent> TRANSLATOR = WindowHarness::write;

    private WindowHarness()
    {
    }

    /**
     * A windowed count's window and watermark delay, for the engine and the model alike.
     *
     * @param kind  of window.
     * @param size  window size, or the session gap, ms.
     * @param slide between window starts (the size for tumbling windows, 0 for sessions), ms.
     * @param delay of the watermark, ms.
     */
    public record Spec(WindowModel.Kind kind, long size, long slide, long delay)
    {
        /**
         * @return tumbling windows of {@code size} ms.
         */
        public static Spec tumbling(final long size, final long delay)
        {
            return new Spec(WindowModel.Kind.TUMBLING, size, size, delay);
        }

        /**
         * @return sliding windows of {@code size} ms every {@code slide} ms.
         */
        public static Spec sliding(final long size, final long slide, final long delay)
        {
            return new Spec(WindowModel.Kind.SLIDING, size, slide, delay);
        }

        /**
         * @return session windows with gap {@code gap} ms.
         */
        public static Spec sessions(final long gap, final long delay)
        {
            return new Spec(WindowModel.Kind.SESSION, gap, 0, delay);
        }

        /**
         * @return the reference model of these windows.
         */
        public WindowModel model()
        {
            switch (kind)
            {
                case TUMBLING: return WindowModel.tumbling(size, delay);
                case SLIDING: return WindowModel.sliding(size, slide, delay);
                default: return WindowModel.sessions(size, delay);
            }
        }

        /**
         * @return the engine's window over {@link #TIME}.
         */
        public Window window()
        {
            switch (kind)
            {
                case TUMBLING: return Window.window(TIME, Duration.ofMillis(size));
                case SLIDING: return Window.window(TIME, Duration.ofMillis(size), Duration.ofMillis(slide));
                default: return Window.sessionWindow(TIME, Duration.ofMillis(size));
            }
        }

        @Override
        public String toString()
        {
            switch (kind)
            {
                case TUMBLING: return "tumbling(" + size + ", delay " + delay + ")";
                case SLIDING: return "sliding(" + size + ", " + slide + ", delay " + delay + ")";
                default: return "sessions(" + size + ", delay " + delay + ")";
            }
        }
    }

    /**
     * What the engine wrote in one run.
     *
     * @param rows        output rows in the order written.
     * @param rowEpochs   the epoch of each output row.
     * @param lateIndices input indices of the records written to the late-data sink, in the order written.
     * @param lateEvents  those records.
     * @param deadLetters input indices of the records sent to the dead-letter output, in the order sent.
     * @param deadEvents  those records.
     * @param progress    the query's figures at its end.
     * @param commits     the epochs the sink committed.
     * @param steps       with {@link #runStepwise}: the rows written while record {@code i} was processed, and last
     *                    those written at the end of input; otherwise empty.
     * @param commitSteps with {@link #runStepwise}: for each committed epoch, how many records it had been cut
     *                    after, so that its output reflects exactly {@code events.subList(0, commitSteps[j])};
     *                    otherwise empty.
     */
    public record EngineRun(
        List<WindowRow> rows,
        List<Long> rowEpochs,
        List<Integer> lateIndices,
        List<Event> lateEvents,
        List<Integer> deadLetters,
        List<Event> deadEvents,
        QueryProgress progress,
        List<Long> commits,
        List<List<WindowRow>> steps,
        List<Integer> commitSteps)
    {
        /**
         * @return the rows of the last committed epoch (complete mode: the final table), sorted.
         */
        public List<WindowRow> lastEpochRows()
        {
            assertTrue(!commits.isEmpty(), "no epoch committed");
            return epochRows(commits.get(commits.size() - 1));
        }

        /**
         * @param epoch an epoch id.
         * @return the rows written in that epoch, sorted.
         */
        public List<WindowRow> epochRows(final long epoch)
        {
            final List<WindowRow> table = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++)
            {
                if (rowEpochs.get(i) == epoch)
                {
                    table.add(rows.get(i));
                }
            }
            return sorted(table);
        }

        /**
         * @return for each window, the last row written for it, sorted.
         */
        public List<WindowRow> lastRowPerWindow()
        {
            final Map<WindowId, WindowRow> last = new HashMap<>();
            for (final WindowRow row : rows)
            {
                last.put(row.id(), row);
            }
            return sorted(new ArrayList<>(last.values()));
        }
    }

    /**
     * Runs a windowed count over {@code events}, read by a bounded source, to the end of its input.
     *
     * @param spec      window and watermark delay.
     * @param events    the input, in order.
     * @param mode      output mode.
     * @param trigger   trigger.
     * @param threading threading mode; in {@link ThreadingMode#INVOKER} the calling thread drives the query.
     * @return what the engine wrote.
     */
    public static EngineRun run(
        final Spec spec,
        final List<Event> events,
        final OutputMode mode,
        final Trigger trigger,
        final ThreadingMode threading)
    {
        return run(spec, eventSource(events), mode, trigger, threading);
    }

    /**
     * Runs a windowed count over any bounded source of rows with {@link #TIME} and {@link #KEY} columns, such as a
     * {@link io.millrace.source.GeneratorSource}. Without an {@link #INDEX} column, late records' indices are -1.
     *
     * @return what the engine wrote.
     */
    public static EngineRun run(
        final Spec spec,
        final Source source,
        final OutputMode mode,
        final Trigger trigger,
        final ThreadingMode threading)
    {
        return run(spec, source, mode, trigger, threading, 1);
    }

    /**
     * Runs a windowed count over {@code events}, read by a bounded source, to the end of its input, as several tasks
     * on threads of their own.
     *
     * @param parallelism tasks of the query.
     * @return what the engine wrote.
     */
    public static EngineRun runParallel(
        final Spec spec, final List<Event> events, final OutputMode mode, final Trigger trigger,
        final int parallelism)
    {
        return run(spec, eventSource(events), mode, trigger, ThreadingMode.DEDICATED, parallelism);
    }

    private static EngineRun run(
        final Spec spec,
        final Source source,
        final OutputMode mode,
        final Trigger trigger,
        final ThreadingMode threading,
        final int parallelism)
    {
        final RowSink sink = new RowSink();
        final CollectingSink late = new CollectingSink();
        final RowDeadLetters deadLetters = new RowDeadLetters(source.schema());
        final StreamingQuery query = writer(Millrace.readStream(source), spec, mode, trigger, sink, late, deadLetters)
            .threadingMode(threading).parallelism(parallelism).start();
        TestQueries.awaitFinished(query, threading);
        return result(query, sink, late, deadLetters, List.of(), List.of());
    }

    /**
     * Runs a windowed count over {@code events}, offered one at a time through a {@link Publisher} with the query
     * in {@link ThreadingMode#INVOKER}, and records which rows each record's processing wrote.
     *
     * @param spec    window and watermark delay.
     * @param events  the input, in order.
     * @param mode    output mode.
     * @param trigger trigger.
     * @return what the engine wrote, with {@link EngineRun#steps()}.
     */
    public static EngineRun runStepwise(
        final Spec spec, final List<Event> events, final OutputMode mode, final Trigger trigger)
    {
        final Publisher publisher = new Publisher(EVENT_SCHEMA);
        final RowSink sink = new RowSink();
        final CollectingSink late = new CollectingSink();
        final RowDeadLetters deadLetters = new RowDeadLetters(EVENT_SCHEMA);
        final StreamingQuery query = writer(Millrace.readStream(publisher), spec, mode, trigger, sink, late, deadLetters)
            .threadingMode(ThreadingMode.INVOKER).start();
        final List<List<WindowRow>> steps = new ArrayList<>(events.size() + 1);
        final List<Integer> commitSteps = new ArrayList<>();
        final IndexedEvent next = new IndexedEvent();
        // Rows written after record i, when the idle publisher's epoch was ended on the operator's thread: they
        // belong to the step of record i + 1, as if that epoch had been cut by the next offer.
        final List<WindowRow> carried = new ArrayList<>();
        int written = 0;
        for (int i = 0; i < events.size(); i++)
        {
            next.event = events.get(i);
            next.index = i;
            assertTrue(publisher.offer(TRANSLATOR, next), "ring full at record " + i);
            // One duty cycle drains the marker of a cut before record i, if the offer cut one, and record i.
            query.invoke();
            final List<WindowRow> rows = new ArrayList<>(carried);
            final List<WindowRow> processing = sink.rowsFrom(written);
            rows.addAll(processing);
            steps.add(rows);
            written += processing.size();
            // An epoch cut by this offer was cut before record i: it holds records 0..i-1.
            while (commitSteps.size() < sink.commitCount())
            {
                commitSteps.add(i);
            }
            while (query.invoke() > 0)
            {
                Thread.onSpinWait();
            }
            carried.clear();
            carried.addAll(sink.rowsFrom(written));
            written += carried.size();
            // An epoch ended after record i, with the ring drained, holds records 0..i.
            while (commitSteps.size() < sink.commitCount())
            {
                commitSteps.add(i + 1);
            }
        }
        publisher.close();
        TestQueries.awaitFinished(query, ThreadingMode.INVOKER);
        carried.addAll(sink.rowsFrom(written));
        steps.add(carried);
        while (commitSteps.size() < sink.commitCount())
        {
            commitSteps.add(events.size());
        }
        return result(query, sink, late, deadLetters, steps, commitSteps);
    }

    /**
     * Runs a windowed count over {@code events} offered by the calling thread through a {@link Publisher}, with
     * the operators on a thread of their own ({@link ThreadingMode#DEDICATED}): offers race the operator thread.
     *
     * @return what the engine wrote.
     */
    public static EngineRun runPublished(
        final Spec spec, final List<Event> events, final OutputMode mode, final Trigger trigger)
    {
        final Publisher publisher = new Publisher(EVENT_SCHEMA);
        final RowSink sink = new RowSink();
        final CollectingSink late = new CollectingSink();
        final RowDeadLetters deadLetters = new RowDeadLetters(EVENT_SCHEMA);
        final StreamingQuery query = writer(Millrace.readStream(publisher), spec, mode, trigger, sink, late, deadLetters)
            .threadingMode(ThreadingMode.DEDICATED).start();
        final IndexedEvent next = new IndexedEvent();
        for (int i = 0; i < events.size(); i++)
        {
            next.event = events.get(i);
            next.index = i;
            assertTrue(publisher.offerBlocking(TRANSLATOR, next), "query ended at record " + i);
        }
        publisher.close();
        TestQueries.awaitFinished(query, ThreadingMode.DEDICATED);
        return result(query, sink, late, deadLetters, List.of(), List.of());
    }

    /**
     * Asserts what every append-mode run must show: the rows are the model's append rows (as a multiset), the late
     * records are the model's, in input order, and so are the late and dropped counts; state is empty at the end.
     *
     * @param context names the case in failure messages.
     */
    public static void assertAppendMatches(
        final String context, final List<Event> events, final WindowModel.Result model, final EngineRun engine)
    {
        assertEquals(model.sortedAppendRows(), sorted(engine.rows()), context + ": append rows");
        assertLateMatches(context, events, model, engine);
        assertEquals(0, engine.progress().stateRows(), context + ": state rows after the end of input");
    }

    /**
     * Asserts that the late records written, the late and dropped counts, and the records sent to the dead-letter
     * output (those whose windows do not fit in a long) are the model's.
     *
     * @param context names the case in failure messages.
     */
    public static void assertLateMatches(
        final String context, final List<Event> events, final WindowModel.Result model, final EngineRun engine)
    {
        assertEquals(model.lateRecordIndices(), engine.lateIndices(), context + ": indices of late records");
        assertEquals(model.lateRecords(), engine.lateEvents(), context + ": late records");
        assertEquals(model.lateRecordCount(), engine.progress().lateRecords(), context + ": late record count");
        assertEquals(model.droppedContributions(), engine.progress().droppedContributions(),
            context + ": dropped contributions");
        assertEquals(model.deadLetterIndices(), engine.deadLetters(), context + ": indices of dead letters");
        assertEquals(model.deadLetters(), engine.deadEvents(), context + ": dead letters");
        assertEquals(model.deadLetters().size(), engine.progress().deadLetters(), context + ": dead letter count");
        assertEquals(events.size(), engine.progress().recordsIn(), context + ": records in");
    }

    /**
     * @return a copy of {@code rows} sorted by {@link WindowModel#ROW_ORDER}.
     */
    public static List<WindowRow> sorted(final List<WindowRow> rows)
    {
        final List<WindowRow> copy = new ArrayList<>(rows);
        copy.sort(WindowModel.ROW_ORDER);
        return copy;
    }

    /**
     * @return the rows of the model's updates in {@code result}, sorted.
     */
    public static List<WindowRow> sortedUpdateRows(final WindowModel.Result result)
    {
        final List<WindowRow> rows = new ArrayList<>();
        for (final WindowModel.Update update : result.updates())
        {
            rows.add(update.row());
        }
        return sorted(rows);
    }

    /**
     * @return a short text of {@code events}, for failure messages: {@code time key} pairs, at most 60 of them.
     */
    public static String describe(final List<Event> events)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size() && i < 60; i++)
        {
            text.append(i == 0 ? "" : ", ").append(events.get(i).time()).append(' ').append(events.get(i).key());
        }
        return events.size() > 60 ? text + ", ... (" + events.size() + " events)" : text.toString();
    }

    // ---------------------------------------------------------------- random input

    /** How event times of a random stream are drawn. */
    public enum Disorder
    {
        /** Ascending times, a tenth of them moved back a little. */
        JITTER,
        /** Times uniform over the span, in no order at all. */
        UNIFORM,
        /** Times drawn from a handful of values: many duplicates, exact window ends and starts. */
        DUPLICATES,
        /** Mostly ascending, with jumps far forward and far back that move the watermark in steps. */
        JUMPS
    }

    /**
     * A random stream of events.
     *
     * @param seed     of the random generator.
     * @param n        events.
     * @param keys     distinct keys {@code k0..k(keys-1)}.
     * @param disorder how times are drawn.
     * @param base     the lowest time (about), ms; may be negative.
     * @param span     the range of times, ms; at least 1.
     * @return the events, in input order.
     */
    public static List<Event> randomEvents(
        final long seed, final int n, final int keys, final Disorder disorder, final long base, final long span)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Event> events = new ArrayList<>(n);
        final long[] choices = new long[1 + random.nextInt(8)];
        for (int i = 0; i < choices.length; i++)
        {
            choices[i] = base + random.nextLong(span);
        }
        final String[] names = keyNames(random, keys);
        long clock = base;
        for (int i = 0; i < n; i++)
        {
            final long t;
            switch (disorder)
            {
                case JITTER:
                    clock = base + (long)((double)span * i / n);
                    t = random.nextInt(10) == 0 ? clock - random.nextLong(1 + span / 20) : clock;
                    break;
                case UNIFORM:
                    t = base + random.nextLong(span);
                    break;
                case DUPLICATES:
                    t = choices[random.nextInt(choices.length)];
                    break;
                default:
                    final int what = random.nextInt(50);
                    if (what == 0)
                    {
                        clock += random.nextLong(1 + span / 5);
                        t = clock;
                    }
                    else if (what < 4)
                    {
                        t = clock - random.nextLong(1 + span / 4);
                    }
                    else
                    {
                        clock += random.nextLong(1 + 2 * span / Math.max(1, n));
                        t = clock;
                    }
            }
            events.add(new Event(t, names[random.nextInt(keys)]));
        }
        return events;
    }

    /**
     * Key names: mostly {@code k0, k1, ...}; for some seeds long keys of up to 256 bytes (the key column's maximum)
     * that differ only in their last characters, or keys with multi-byte UTF-8 characters.
     */
    private static String[] keyNames(final SplittableRandom random, final int keys)
    {
        final int style = random.nextInt(8);
        final String[] names = new String[keys];
        for (int i = 0; i < keys; i++)
        {
            final String plain = "k" + i;
            if (style == 0)
            {
                final int length = 200 + random.nextInt(57);
                names[i] = "x".repeat(length - plain.length()) + plain;
            }
            else if (style == 1)
            {
                names[i] = "clé-" + i + (i % 2 == 0 ? "-Ωμ" : "");
            }
            else
            {
                names[i] = plain;
            }
        }
        return names;
    }

    // ---------------------------------------------------------------- internals

    private static StreamWriter writer(
        final io.millrace.Stream input,
        final Spec spec,
        final OutputMode mode,
        final Trigger trigger,
        final RowSink sink,
        final CollectingSink late,
        final RowDeadLetters deadLetters)
    {
        return input
            .withWatermark(TIME, Duration.ofMillis(spec.delay()))
            .groupBy(spec.window(), KEY)
            .count()
            .writeStream()
            .queryName("window-test")
            .outputMode(mode)
            .trigger(trigger)
            .ringSize(RING_SIZE)
            .sink(sink)
            .lateRecords(late)
            .deadLetter(deadLetters);
    }

    private static EngineRun result(
        final StreamingQuery query,
        final RowSink sink,
        final CollectingSink late,
        final RowDeadLetters deadLetters,
        final List<List<WindowRow>> steps,
        final List<Integer> commitSteps)
    {
        final List<Integer> lateIndices = new ArrayList<>();
        final List<Event> lateEvents = new ArrayList<>();
        for (final List<Object> values : late.values())
        {
            lateEvents.add(new Event((Long)values.get(0), (String)values.get(1)));
            lateIndices.add(values.size() > 2 ? ((Long)values.get(2)).intValue() : -1);
        }
        return new EngineRun(sink.rows(), sink.epochs(), lateIndices, lateEvents, deadLetters.indices(),
            deadLetters.events(), query.progress(), sink.commits(), steps, commitSteps);
    }

    /**
     * @return a bounded source of the events, each with its index; its position is the number of events emitted.
     */
    private static Source eventSource(final List<Event> events)
    {
        final IndexedEvent current = new IndexedEvent();
        return new ListSource<>(EVENT_SCHEMA, events, (row, event, index) ->
        {
            current.event = event;
            current.index = index;
            write(row, current);
        });
    }

    private static void write(final RowWriter row, final IndexedEvent next)
    {
        final byte[] key = next.event.key().getBytes(StandardCharsets.UTF_8);
        final int at = row.putLong(TIME_COLUMN, next.event.time()).putLong(INDEX_COLUMN, next.index)
            .beginString(KEY_COLUMN, key.length);
        row.buffer().putBytes(at, key);
        row.endString(KEY_COLUMN, key.length);
    }

    /**
     * Keeps the output rows {@code (window_start, window_end, key, count)} as {@link WindowRow}s, with their epochs,
     * and the committed epochs. Reading returns a snapshot; thread-safe.
     */
    private static final class RowSink implements Sink
    {
        private final List<WindowRow> rows = new ArrayList<>();
        private final List<Long> epochs = new ArrayList<>();
        private final List<Long> commits = new ArrayList<>();
        private LongColumn start;
        private LongColumn end;
        private StringColumn key;
        private LongColumn count;

        @Override
        public synchronized void open(final Schema schema)
        {
            start = schema.longColumn("window_start");
            end = schema.longColumn("window_end");
            key = schema.stringColumn(KEY);
            count = schema.longColumn("count");
        }

        @Override
        public synchronized void onRow(final RowView row, final long epoch, final long sequence)
        {
            rows.add(new WindowRow(start.get(row), end.get(row), key.getString(row), count.get(row)));
            epochs.add(epoch);
        }

        @Override
        public synchronized void commitEpoch(final long epoch)
        {
            commits.add(epoch);
        }

        synchronized List<WindowRow> rows()
        {
            return new ArrayList<>(rows);
        }

        synchronized List<Long> epochs()
        {
            return new ArrayList<>(epochs);
        }

        synchronized List<Long> commits()
        {
            return new ArrayList<>(commits);
        }

        synchronized List<WindowRow> rowsFrom(final int from)
        {
            return new ArrayList<>(rows.subList(from, rows.size()));
        }

        synchronized int commitCount()
        {
            return commits.size();
        }
    }

    /**
     * Keeps the rows the window sends to the dead-letter output, decoded as events with their input index (-1
     * without an {@link #INDEX} column). Thread-safe.
     */
    private static final class RowDeadLetters implements DeadLetterHandler
    {
        private final LongColumn time;
        private final StringColumn key;
        private final LongColumn index;
        private final List<Integer> indices = new ArrayList<>();
        private final List<Event> events = new ArrayList<>();

        RowDeadLetters(final Schema schema)
        {
            time = schema.longColumn(TIME);
            key = schema.stringColumn(KEY);
            index = schema.contains(INDEX) ? schema.longColumn(INDEX) : null;
        }

        @Override
        public synchronized void onDeadLetter(
            final long position, final CharSequence reason, final DirectBuffer buffer, final int at, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(at, bytes);
            final RowView row = new RowView().wrap(new UnsafeBuffer(bytes), 0, length);
            events.add(new Event(time.get(row), key.getString(row)));
            indices.add(null == index ? -1 : (int)index.get(row));
        }

        synchronized List<Integer> indices()
        {
            return new ArrayList<>(indices);
        }

        synchronized List<Event> events()
        {
            return new ArrayList<>(events);
        }
    }

    /** The event being offered and its index; reused. */
    private static final class IndexedEvent
    {
        Event event;
        long index;
    }
}
