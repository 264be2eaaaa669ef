package io.millrace.bench;

import io.millrace.Millrace;
import io.millrace.examples.nexmark.Nexmark;
import io.millrace.examples.nexmark.NexmarkQuery;
import io.millrace.sink.Crc32cSink;
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
 * A NEXMark query per event, as a query in {@link io.millrace.ThreadingMode#INVOKER}: the NEXMark generator's events (its
 * defaults: seed 42, 1,000,000 events per event-time second), written into the ring as they are offered, through the
 * query with a 4 s watermark into a {@link Crc32cSink} (a blackhole that checksums), one thread. The time per event
 * includes generating it: {@code NexmarkGeneratorBenchmark} measures that alone. Setup runs
 * {@value #PREWARM_EVENTS} events first, so that windows, sessions and joins hold their steady state.
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
public class NexmarkBenchmark
{
    /** Events offered per invocation. */
    public static final int BATCH = PublishedEvents.BATCH;
    /** Events run through in setup before measuring. */
    public static final int PREWARM_EVENTS = 2_000_000;

    /** The query: q0, q1, ... */
    @Param({"q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8", "q9", "q11", "q18"})
    public String query;

    private final PublishedEvents events = PublishedEvents.nexmark();
    private final Crc32cSink sink = new Crc32cSink();

    /**
     * Starts the query and runs {@value #PREWARM_EVENTS} events through it.
     */
    @Setup
    public void setUp()
    {
        final NexmarkQuery nexmark = NexmarkQuery.named(query);
        events.start(nexmark.plan(Nexmark.events(Millrace.readStream(events.publisher()), Duration.ofSeconds(4))),
            "nexmark-benchmark-" + nexmark.label(), sink, PREWARM_EVENTS);
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
     * @return rows written so far.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long events()
    {
        events.batch();
        return sink.rows();
    }
}
