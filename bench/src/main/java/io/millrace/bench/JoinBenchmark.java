package io.millrace.bench;

import io.millrace.Join;
import io.millrace.Millrace;
import io.millrace.Stream;
import io.millrace.Window;
import io.millrace.row.LongColumn;
import io.millrace.row.Schema;
import io.millrace.source.CsvSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A join per record, as a query in {@link io.millrace.ThreadingMode#INVOKER} like {@code WindowedCountBenchmark.query}: the
 * generator's events (10,000 keys, 1,000,000 events per event-time second) split by the parity of their time, even
 * times on the left, odd on the right, each side with a 100 ms watermark, joined on the key, and the joined rows
 * counted by the sink. {@link #join}: {@code interval-5ms} (left time within 5 ms either side of the right's: about
 * one pair per record), {@code window-10ms} (both in one tumbling 10 ms window). Setup runs
 * {@value #PREWARM_EVENTS} events first, so that the state (the rows of the last 100 ms or so) is at its steady
 * size. Each operation is one record: its generation and row writing, the split, both filters, both watermarks and
 * the join; compare with {@code WindowedCountBenchmark.query} for the windowed count over the same events.
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
public class JoinBenchmark
{
    /** Records offered per invocation. */
    public static final int BATCH = PublishedEvents.BATCH;
    /** Events run through in setup before measuring. */
    public static final int PREWARM_EVENTS = 1_000_000;


    /** {@code interval-5ms} or {@code window-10ms}. */
    @Param({"interval-5ms", "window-10ms"})
    public String join;

    private final PublishedEvents events = new PublishedEvents();
    private CountingSink sink;

    /**
     * Starts the query and runs {@value #PREWARM_EVENTS} events through it.
     */
    @Setup
    public void setUp()
    {
        final Schema input = events.schema();
        final LongColumn time = input.longColumn(CsvSource.EVENT_TIME_COLUMN);
        final Stream all = Millrace.readStream(events.publisher());
        final Stream even = all.filter(row -> (time.get(row) & 1) == 0)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100));
        final Stream odd = all.filter(row -> (time.get(row) & 1) == 1)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100));
        final Join on = Join.on(CsvSource.KEY_COLUMN, CsvSource.KEY_COLUMN);
        final Join condition = switch (join)
        {
            case "interval-5ms" -> on.between(CsvSource.EVENT_TIME_COLUMN, CsvSource.EVENT_TIME_COLUMN,
                Duration.ofMillis(5), Duration.ofMillis(5));
            case "window-10ms" -> on.window(
                Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(10)), CsvSource.EVENT_TIME_COLUMN);
            default -> throw new IllegalArgumentException("unknown join: " + join);
        };
        sink = new CountingSink(CsvSource.EVENT_TIME_COLUMN);
        events.start(even.join(odd, condition), "join-benchmark", sink, PREWARM_EVENTS);
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
