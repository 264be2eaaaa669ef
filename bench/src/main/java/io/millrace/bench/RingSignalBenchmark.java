package io.millrace.bench;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Two designs side by side (STYLE 14) for the Disruptor ring under {@code IngressRing}: publish one 8-byte event
 * and consume it by polling the cursor, as {@code IngressRing.drain} does, with the wait strategy that
 * {@code RingBuffer.createSingleProducer(factory, size)} picks by default ({@code blocking}: every
 * {@code publish} enters a monitor and calls {@code notifyAll}, though nothing ever waits on it because the
 * consumer polls) and with one whose publish signals nothing ({@code busy-spin}; the strategy is never used for
 * waiting either). The difference is what every row pays today for a signal nobody receives.
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
public class RingSignalBenchmark
{
    private static final int RING_SIZE = 4096;

    /** {@code blocking} (the default of {@code createSingleProducer}) or {@code busy-spin}. */
    @Param({"blocking", "busy-spin"})
    public String waitStrategy;

    private final Sequence consumed = new Sequence();
    private RingBuffer<Slot> ring;
    private long value;

    /**
     * Builds the ring with the chosen wait strategy.
     */
    @Setup
    public void setUp()
    {
        final WaitStrategy strategy = waitStrategy.equals("blocking") ?
            new BlockingWaitStrategy() : new BusySpinWaitStrategy();
        ring = RingBuffer.createSingleProducer(Slot::new, RING_SIZE, strategy);
        ring.addGatingSequences(consumed);
    }

    /**
     * @return the value consumed.
     */
    @Benchmark
    public long publishAndConsume()
    {
        final long sequence = ring.next();
        try
        {
            ring.get(sequence).value = ++value;
        }
        finally
        {
            ring.publish(sequence);
        }
        final long available = ring.getCursor();
        final long read = ring.get(available).value;
        consumed.set(available);
        return read;
    }

    /** One pre-allocated event. */
    static final class Slot
    {
        long value;
    }
}
