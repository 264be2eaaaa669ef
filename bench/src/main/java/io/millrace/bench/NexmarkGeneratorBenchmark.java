package io.millrace.bench;

import io.millrace.row.RowWriter;
import io.millrace.source.NexmarkGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The NEXMark generator's cost per event: its sixteen draws and its row written (2% persons, 6% auctions, 92%
 * bids, in the generator's order). Zero allocation expected.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.EXPORT_INTERNAL_MISC})
public class NexmarkGeneratorBenchmark
{
    private final NexmarkGenerator generator = NexmarkGenerator.withDefaults();
    private final RowWriter writer = new RowWriter(NexmarkGenerator.EVENT);
    private long next;

    /**
     * @return the length of the row written.
     */
    @Benchmark
    public int generate()
    {
        final long i = next++;
        generator.write(i, writer.reset());
        return writer.length();
    }
}
