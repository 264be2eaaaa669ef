package io.millrace.bench;

import io.millrace.StreamWriter;
import io.millrace.internal.IngressRing;
import io.millrace.row.RowWriter;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import org.agrona.DirectBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * Hand-off through the {@link IngressRing} (docs/architecture.md) on one thread: publish a copy of an event row into a
 * slot, then drain it to a handler that reads it, as the operator agent does. {@link #publishAndDrain()} hands over one
 * row at a time (the latency path: every row crosses alone); {@link #publishAndDrainBatch()} publishes
 * {@value #BATCH} rows then drains them in one call (the throughput path: the consumer catches up in batches).
 * Cross-thread cost (cache-line transfer of the cursor and the slot) is not in these figures; the latency harness
 * measures it. Zero allocation expected.
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
public class RingBenchmark
{
    /** Rows per invocation of {@link #publishAndDrainBatch()}. */
    public static final int BATCH = 256;

    private final Consumer consumer = new Consumer();
    private IngressRing ring;
    private RowWriter row;
    private long position;

    /**
     * Builds a ring of the default size and slot capacity and one generated event row.
     */
    @Setup
    public void setUp()
    {
        ring = new IngressRing(
            StreamWriter.RING_SIZE_DEFAULT, StreamWriter.SLOT_CAPACITY_DEFAULT, StreamWriter.OVERSIZE_BUDGET_DEFAULT, 1, false);
        row = new RowWriter(CsvSource.eventSchema());
        final EventGenerator generator = EventGenerator.withDefaults();
        generator.next();
        new EventRows(row.schema()).write(generator, row);
    }

    /**
     * @return what the consumer read, so the work is not eliminated.
     */
    @Benchmark
    public long publishAndDrain()
    {
        ring.tryPublishRow(row.buffer(), 0, row.length(), ++position, 0);
        ring.drain(0, consumer, 1);
        return consumer.sum;
    }

    /**
     * @return what the consumer read, so the work is not eliminated.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long publishAndDrainBatch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            ring.tryPublishRow(row.buffer(), 0, row.length(), ++position, 0);
        }
        ring.drain(0, consumer, BATCH);
        return consumer.sum;
    }

    /** Reads the event time of each row, as the first operator would. */
    static final class Consumer implements IngressRing.SlotHandler
    {
        long sum;

        @Override
        public void onRow(
            final DirectBuffer buffer, final int offset, final int length, final long position, final int input)
        {
            sum += buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN) + length + position;
        }

        @Override
        public void onMarker(final long epoch, final long position, final long time)
        {
        }

        @Override
        public void onEnd()
        {
        }
    }
}
