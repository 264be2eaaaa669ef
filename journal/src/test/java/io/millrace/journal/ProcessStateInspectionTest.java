package io.millrace.journal;

import io.millrace.Millrace;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.checkpoint.EpochCut;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.sink.CollectingSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state of a keyed process function as a checkpoint's epoch left it ({@code StreamWriter.writeState}, which
 * {@code journal state} prints): a row per key with its value state in hexadecimal, its list's and its map's sizes
 * and its pending timers, checked for several epochs of a real Chronicle checkpoint against the function's rule applied to the
 * events before the epoch's cut.
 */
class ProcessStateInspectionTest
{
    private static final int EVENTS = 60_000;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final Schema OUTPUT = Schema.builder().longColumn("count").build();

    @TempDir
    Path dir;

    /**
     * Per key: the count and the sum of the times of its rows; a list entry for each row whose time is a multiple
     * of 3; a map entry for each distinct time modulo 7; one timer, at the end of time, registered by the key's first
     * row.
     */
    static final class CountAndSum implements KeyedProcessFunction
    {
        private final UnsafeBuffer mapKey = new UnsafeBuffer(new byte[8]);
        private LongColumn time;

        @Override
        public void open(final Schema input, final Schema output)
        {
            time = input.longColumn(CsvSource.EVENT_TIME_COLUMN);
        }

        @Override
        public int stateBytes()
        {
            return 16;
        }

        @Override
        public int listEntryBytes()
        {
            return 8;
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
        public void processRow(final RowView row, final ProcessContext context)
        {
            mapKey.putLong(0, time.get(row) % 7);
            final int tally = context.mapPut(mapKey, 0);
            context.mapBuffer().putLong(context.mapValueOffset(tally),
                context.mapBuffer().getLong(context.mapValueOffset(tally)) + 1);
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            final long count = state.getLong(at) + 1;
            state.putLong(at, count);
            state.putLong(at + 8, state.getLong(at + 8) + time.get(row));
            if (time.get(row) % 3 == 0)
            {
                final int entry = context.listAppend();
                context.listBuffer().putLong(context.listOffset(entry), time.get(row));
            }
            if (count == 1)
            {
                context.registerTimer(Long.MAX_VALUE - 1);
            }
        }
    }

    @Test
    @Timeout(120)
    @SuppressWarnings("unchecked")
    void shouldShowEachKeysStateAsTheEpochLeftIt() throws Exception
    {
        final Path checkpoint = dir.resolve("checkpoint");
        final StreamingQuery query = writer().throttle(200_000)
            .checkpoint(new ChronicleJournal(checkpoint, QUIET)).start();
        query.awaitTermination();
        assertTrue(query.isFinished());

        final List<EpochCut> cuts = JournalScan.of(checkpoint).cuts();
        assertTrue(cuts.size() > 4, "epochs: " + cuts.size());
        final List<Event> events = events();
        for (final EpochCut cut : List.of(cuts.get(1), cuts.get(cuts.size() / 2), cuts.get(cuts.size() - 2)))
        {
            final CollectingSink state = new CollectingSink();
            writer().writeState(new Replay(checkpoint).stateAt(writer(), cut.epoch()), state);

            final Map<String, List<Object>> expected = new TreeMap<>();
            for (final Event event : events.subList(0, (int)cut.sourceOffset()))
            {
                final List<Object> held = expected.computeIfAbsent(event.key, k -> new ArrayList<>(List.of(0L, 0L, 0,
                    new java.util.TreeSet<Long>(), 1)));
                held.set(0, (Long)held.get(0) + 1);
                held.set(1, (Long)held.get(1) + event.time);
                held.set(2, (Integer)held.get(2) + (event.time % 3 == 0 ? 1 : 0));
                ((java.util.Set<Long>)held.get(3)).add(event.time % 7);
            }
            final Map<String, List<Object>> actual = new TreeMap<>();
            for (final List<Object> row : state.values())
            {
                actual.put((String)row.get(0), row.subList(1, row.size()));
            }
            final Map<String, List<Object>> expectedRows = new TreeMap<>();
            expected.forEach((key, held) -> expectedRows.put(key, List.of(hex((Long)held.get(0), (Long)held.get(1)),
                held.get(2), ((java.util.Set<?>)held.get(3)).size(), held.get(4))));
            assertEquals(expectedRows, actual, "state at the end of epoch " + cut.epoch());
        }
    }

    private static StreamWriter writer()
    {
        return Millrace.readStream(new GeneratorSource(generator(), EVENTS))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
            .keyBy(CsvSource.KEY_COLUMN).process(OUTPUT, CountAndSum::new)
            .writeStream().trigger(Trigger.continuous(Duration.ofMillis(20)))
            .sink((row, epoch, sequence) -> { });
    }

    private static EventGenerator generator()
    {
        return new EventGenerator(9, 40, 20_000, 0, 0, 0);
    }

    private record Event(long time, String key)
    {
    }

    /** Every event, as the source emits them. */
    private static List<Event> events()
    {
        final EventGenerator generator = generator();
        final Schema schema = CsvSource.eventSchema();
        final RowWriter writer = new RowWriter(schema);
        final RowView view = new RowView();
        final List<Event> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++)
        {
            generator.next();
            writer.reset().putLong(schema.longColumn(CsvSource.EVENT_TIME_COLUMN), generator.time());
            final int at = writer.beginString(schema.stringColumn(CsvSource.KEY_COLUMN), 21);
            writer.endString(schema.stringColumn(CsvSource.KEY_COLUMN), generator.writeKey(writer.buffer(), at));
            events.add(new Event(generator.time(),
                schema.stringColumn(CsvSource.KEY_COLUMN).getString(writer.view(view))));
        }
        return events;
    }

    private static String hex(final long count, final long sum)
    {
        return HexFormat.of().formatHex(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(count)
            .putLong(sum).array());
    }
}
