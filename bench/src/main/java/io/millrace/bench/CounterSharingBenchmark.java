package io.millrace.bench;

import io.millrace.internal.metrics.Counter;
import io.millrace.internal.metrics.QueryCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * False sharing in {@link QueryCounters} (STYLE 15), two threads at once as in a running query: the source or
 * publisher thread bumps {@code recordsIn} for every record while the operator thread bumps {@code recordsOut}
 * for every output row (every record, in update mode with a continuous trigger). The counters are small objects
 * allocated one after another, so {@code recordsIn} and {@code recordsOut} most likely share a cache line.
 * {@code adjacent}: those two; {@code apart}: {@code recordsIn} and {@code committedEpoch}, allocated 200-odd
 * bytes later; {@code padded}: two counters with a padding array allocated between them. Needs two cores; the
 * figure is each thread's time per increment.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_INTERNAL_MISC, JvmFlags.EXPORT_INTERNAL_REF, JvmFlags.EXPORT_NIO_CH, JvmFlags.EXPORT_SUN_MISC,
    JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.OPEN_LANG, JvmFlags.OPEN_LANG_REFLECT, JvmFlags.OPEN_IO,
    JvmFlags.OPEN_UTIL, JvmFlags.OPEN_NIO, JvmFlags.OPEN_JAVAC})
public class CounterSharingBenchmark
{
    private static final int PADDING_LONGS = 32;

    private QueryCounters counters;
    private Counter paddedFirst;
    @SuppressWarnings("unused") // allocated between the two counters to keep them apart
    private long[] padding;
    private Counter paddedSecond;

    /**
     * Allocates the query's counters, and two counters kept apart by a padding array.
     */
    @Setup
    public void setUp()
    {
        counters = new QueryCounters();
        paddedFirst = new Counter(0);
        padding = new long[PADDING_LONGS];
        paddedSecond = new Counter(0);
    }

    /**
     * Source thread's counter.
     */
    @Benchmark
    @Group("adjacent")
    @GroupThreads(1)
    public void adjacentRecordsIn()
    {
        counters.recordsIn.increment();
    }

    /**
     * Operator thread's counter, allocated right after {@code recordsIn}.
     */
    @Benchmark
    @Group("adjacent")
    @GroupThreads(1)
    public void adjacentRecordsOut()
    {
        counters.recordsOut.increment();
    }

    /**
     * Source thread's counter.
     */
    @Benchmark
    @Group("apart")
    @GroupThreads(1)
    public void apartRecordsIn()
    {
        counters.recordsIn.increment();
    }

    /**
     * A counter allocated well after {@code recordsIn}.
     */
    @Benchmark
    @Group("apart")
    @GroupThreads(1)
    public void apartCommittedEpoch()
    {
        counters.committedEpoch.increment();
    }

    /**
     * One of two counters with 256 bytes of padding between them.
     */
    @Benchmark
    @Group("padded")
    @GroupThreads(1)
    public void paddedFirst()
    {
        paddedFirst.increment();
    }

    /**
     * The other.
     */
    @Benchmark
    @Group("padded")
    @GroupThreads(1)
    public void paddedSecond()
    {
        paddedSecond.increment();
    }
}
