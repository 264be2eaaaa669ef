package io.millrace.cli;

import io.millrace.Aggregate;
import io.millrace.Join;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Stream;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.journal.ChronicleJournal;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.PartFileSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import io.millrace.testing.ProcessingTimeouts;
import org.agrona.MutableDirectBuffer;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A query that is a graph, for the crash tests: generated events split three ways. Events whose time is a multiple
 * of three are joined with the others of the same key within 20 ms of them (an interval join); all of them are
 * counted per key in 100 ms windows, and the counts aggregated again per 300 ms (the largest and the total).
 * A keyed process function writes each key's count when the key has been idle for 30 ms of event time
 * ({@link IdleKeys}), another when it has been for {@link #QUIET_TIMEOUT} ms of processing time
 * ({@link ProcessingTimeouts.Timeout}). Each result goes to part files of its own. Arguments: {@code CHECKPOINT OUTPUT EVENTS [THROTTLE]}; without a
 * checkpoint ({@code -}) it runs once, uninterrupted.
 */
public final class GraphQueryApplication
{
    /** Directory of the join's part files, under the output. */
    public static final String JOINED = "joined";
    /** Directory of the chained aggregation's part files, under the output. */
    public static final String BUSIEST = "busiest";
    /** Directory of the process function's part files, under the output. */
    public static final String IDLE = "idle";
    /** Directory of the processing-time function's part files, under the output. */
    public static final String QUIET = "quiet";
    /** The processing-time timeout of {@link ProcessingTimeouts.Timeout}, ms. */
    public static final long QUIET_TIMEOUT = 20;
    /** The generator's parameters: seed, keys, rate, disorder, max delay, start. */
    public static final long[] GENERATOR = {5, 300, 20_000, 5, 300, 0};
    /** The idle gap of {@link IdleKeys}, ms. */
    public static final long GAP = 30;
    private static final Schema IDLE_ROWS = Schema.builder().stringColumn(CsvSource.KEY_COLUMN, 16)
        .longColumn("count").timestampColumn("first").timestampColumn("last").build();

    private GraphQueryApplication()
    {
    }

    /**
     * @param args checkpoint directory or {@code -}, output directory, events, records per second (0: no limit).
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final StreamWriter writer = writer(Path.of(args[1]), Integer.parseInt(args[2]))
            .throttle(args.length > 3 ? Long.parseLong(args[3]) : 0);
        if (!"-".equals(args[0]))
        {
            writer.checkpoint(new ChronicleJournal(Path.of(args[0]), System.err));
        }
        final StreamingQuery query = writer.start();
        query.awaitTermination();
        System.exit(query.isFinished() ? 0 : 1);
    }

    /**
     * @param output directory holding a directory per result.
     * @param events to generate.
     * @return the query, ready to start.
     */
    public static StreamWriter writer(final Path output, final int events)
    {
        final Stream input = Millrace.readStream(
            new GeneratorSource(new EventGenerator(GENERATOR[0], GENERATOR[1], GENERATOR[2], GENERATOR[3],
                GENERATOR[4], GENERATOR[5]), events));
        final LongColumn time = input.schema().longColumn(CsvSource.EVENT_TIME_COLUMN);
        final Stream thirds = input.filter(row -> time.get(row) % 3 == 0)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100));
        final Stream others = input.filter(row -> time.get(row) % 3 != 0)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100));
        final Stream joined = thirds.join(others, Join.on(CsvSource.KEY_COLUMN, CsvSource.KEY_COLUMN)
                .between(CsvSource.EVENT_TIME_COLUMN, CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(20),
                    Duration.ofMillis(20)))
            .select(CsvSource.KEY_COLUMN, CsvSource.EVENT_TIME_COLUMN, "right_" + CsvSource.EVENT_TIME_COLUMN);
        final Stream busiest = input.withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100)), CsvSource.KEY_COLUMN).count()
            .groupBy(Window.window("window_start", Duration.ofMillis(300)))
            .agg(Aggregate.max("count"), Aggregate.sum("count"));
        final Stream idle = input.withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
            .keyBy(CsvSource.KEY_COLUMN).process(IDLE_ROWS, IdleKeys::new);
        return joined.writeStream().queryName("graph").trigger(Trigger.continuous(Duration.ofMillis(40)))
            .sink(new PartFileSink(output.resolve(JOINED)))
            .alsoWrite(busiest, OutputMode.APPEND, new PartFileSink(output.resolve(BUSIEST)))
            .alsoWrite(idle, OutputMode.APPEND, new PartFileSink(output.resolve(IDLE)))
            .alsoWrite(input.keyBy(CsvSource.KEY_COLUMN).process(ProcessingTimeouts.OUTPUT,
                () -> new ProcessingTimeouts.Timeout(CsvSource.KEY_COLUMN, QUIET_TIMEOUT)),
                OutputMode.APPEND, new PartFileSink(output.resolve(QUIET)));
    }

    /**
     * Counts a key's rows until no row of it has come for {@link #GAP} ms of event time, then writes the count, the
     * first row's time (kept in the key's list with every row's time) and the latest, and forgets the key.
     */
    static final class IdleKeys implements KeyedProcessFunction
    {
        private LongColumn time;
        private StringColumn key;
        private StringColumn outKey;
        private LongColumn count;
        private LongColumn first;
        private LongColumn last;

        @Override
        public int stateBytes()
        {
            return 8 + 8 + 4 + 16; // count, latest time, key length, key
        }

        @Override
        public int listEntryBytes()
        {
            return 8; // a row's time
        }

        @Override
        public void open(final Schema input, final Schema output)
        {
            time = input.longColumn(CsvSource.EVENT_TIME_COLUMN);
            key = input.stringColumn(CsvSource.KEY_COLUMN);
            outKey = output.stringColumn(CsvSource.KEY_COLUMN);
            count = output.longColumn("count");
            first = output.longColumn("first");
            last = output.longColumn("last");
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            final long t = time.get(row);
            final long latest = state.getLong(at) == 0 ? t : Math.max(state.getLong(at + 8), t);
            state.putLong(at, state.getLong(at) + 1);
            state.putLong(at + 8, latest);
            final int length = Math.min(16, key.length(row));
            state.putInt(at + 16, length);
            state.putBytes(at + 20, row.buffer(), key.bytesOffset(row), length);
            final int entry = context.listAppend();
            context.listBuffer().putLong(context.listOffset(entry), t);
            context.registerTimer(latest + GAP);
        }

        @Override
        public void onTimer(final long timer, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            if (state.getLong(at) > 0 && timer == state.getLong(at + 8) + GAP)
            {
                context.row().putString(outKey, state, at + 20, state.getInt(at + 16))
                    .putLong(count, state.getLong(at))
                    .putLong(first, context.listBuffer().getLong(context.listOffset(context.listFirst())))
                    .putLong(last, state.getLong(at + 8));
                context.emit();
                context.clearState();
            }
        }
    }
}
