package io.millrace.bench;

import io.millrace.Millrace;
import io.millrace.function.KeyedProcessFunction;
import io.millrace.function.ProcessContext;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.source.CsvSource;
import org.agrona.MutableDirectBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A keyed process function per record, as a query in {@link io.millrace.ThreadingMode#INVOKER} like
 * {@code WindowedCountBenchmark.query}: the generator's events (10,000 keys, 1,000,000 events per event-time second,
 * watermark 2 s) keyed by their key; {@link IdleCount} adds each row to its key's 16-byte state and sets a timer
 * 10 ms after it (a timer per row), and the timer of a key's latest row writes the key's count and clears it. So
 * each record costs a key lookup, a state update and a timer push and pop. Setup runs {@value #PREWARM_EVENTS}
 * events first, so that the state (keys and timers within the watermark) is at its steady size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_INTERNAL_MISC, JvmFlags.EXPORT_INTERNAL_REF, JvmFlags.EXPORT_NIO_CH, JvmFlags.EXPORT_SUN_MISC,
    JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.OPEN_LANG, JvmFlags.OPEN_LANG_REFLECT, JvmFlags.OPEN_IO,
    JvmFlags.OPEN_UTIL, JvmFlags.OPEN_NIO, JvmFlags.OPEN_JAVAC})
public class KeyedProcessBenchmark
{
    /** Records offered per invocation. */
    public static final int BATCH = PublishedEvents.BATCH;
    /** Events run through in setup before measuring. */
    public static final int PREWARM_EVENTS = 3_000_000;
    /** Idle gap of a key, ms. */
    public static final long GAP = 10;

    private static final Schema OUTPUT = Schema.builder().longColumn("count").timestampColumn("last").build();

    private final PublishedEvents events = new PublishedEvents();
    private CountingSink sink;

    /**
     * Counts a key's rows until it has been idle for {@link #GAP} ms, then writes the count and clears the key.
     */
    public static final class IdleCount implements KeyedProcessFunction
    {
        private LongColumn time;
        private LongColumn count;
        private LongColumn last;

        @Override
        public int stateBytes()
        {
            return 16;
        }

        @Override
        public void open(final Schema input, final Schema output)
        {
            time = input.longColumn(CsvSource.EVENT_TIME_COLUMN);
            count = output.longColumn("count");
            last = output.longColumn("last");
        }

        @Override
        public void processRow(final RowView row, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            final long t = Math.max(state.getLong(at + 8), time.get(row));
            state.putLong(at, state.getLong(at) + 1);
            state.putLong(at + 8, t);
            context.registerTimer(t + GAP);
        }

        @Override
        public void onTimer(final long timer, final ProcessContext context)
        {
            final MutableDirectBuffer state = context.state();
            final int at = context.stateOffset();
            if (timer == state.getLong(at + 8) + GAP)
            {
                context.row().putLong(count, state.getLong(at)).putLong(last, state.getLong(at + 8));
                context.emit();
                context.clearState();
            }
        }
    }

    /**
     * Starts the query and runs {@value #PREWARM_EVENTS} events through it.
     */
    @Setup
    public void setUp()
    {
        sink = new CountingSink("count");
        events.start(Millrace.readStream(events.publisher())
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(2))
            .keyBy(CsvSource.KEY_COLUMN).process(OUTPUT, IdleCount::new), "keyed-process-benchmark", sink,
            PREWARM_EVENTS);
    }

    /**
     * Stops the query.
     */
    @TearDown
    public void tearDown()
    {
        events.stop();
    }

    /**
     * @return the sink's running sum.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long query()
    {
        events.batch();
        return sink.sum();
    }
}
