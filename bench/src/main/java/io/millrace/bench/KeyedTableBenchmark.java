package io.millrace.bench;

import io.millrace.internal.state.KeyedTable;
import io.millrace.source.EventGenerator;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The off-heap {@link KeyedTable} (docs/architecture.md) as the aggregation uses it: hash a key encoded as the key
 * codec encodes a string column (4-byte length, then {@code k} and the key number in ASCII), find or insert its entry,
 * add one to an 8-byte count. Keys are the generator's (seed 42) over {@link #keys} distinct keys,
 * all inserted in setup, so the figure is the steady-state update; {@link #hash()} is the hash alone. Zero
 * allocation expected.
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
public class KeyedTableBenchmark
{
    private static final int SEQUENCE_LENGTH = 1 << 16;
    private static final int SEQUENCE_MASK = SEQUENCE_LENGTH - 1;
    private static final int KEY_STRIDE = 32;

    /** Distinct keys in the table. */
    @Param("10000")
    public int keys;

    private final int[] sequence = new int[SEQUENCE_LENGTH];
    private UnsafeBuffer encodedKeys;
    private int[] keyLengths;
    private KeyedTable table;
    private int next;

    /**
     * Encodes every key, draws the key sequence from the generator and inserts every key.
     */
    @Setup
    public void setUp()
    {
        encodedKeys = new UnsafeBuffer(ByteBuffer.allocateDirect(keys * KEY_STRIDE));
        keyLengths = new int[keys];
        for (int k = 0; k < keys; k++)
        {
            final int at = k * KEY_STRIDE;
            encodedKeys.putByte(at + Integer.BYTES, (byte)'k');
            final int length = 1 + encodedKeys.putIntAscii(at + Integer.BYTES + 1, k);
            encodedKeys.putInt(at, length, ByteOrder.LITTLE_ENDIAN);
            keyLengths[k] = Integer.BYTES + length;
        }
        final EventGenerator generator = new EventGenerator(EventGenerator.SEED_DEFAULT, keys,
            EventGenerator.RATE_DEFAULT, 0, 0, EventGenerator.START_DEFAULT);
        for (int i = 0; i < SEQUENCE_LENGTH; i++)
        {
            generator.next();
            sequence[i] = (int)generator.keyNumber();
        }
        table = new KeyedTable(Long.BYTES, 1024);
        for (int k = 0; k < keys; k++)
        {
            update(k);
        }
    }

    /**
     * Frees the table's memory.
     */
    @TearDown
    public void tearDown()
    {
        table.close();
    }

    /**
     * @return the entry id updated.
     */
    @Benchmark
    public int findOrInsertAndCount()
    {
        return update(sequence[next++ & SEQUENCE_MASK]);
    }

    /**
     * @return the hash of the next key.
     */
    @Benchmark
    public int hash()
    {
        final int k = sequence[next++ & SEQUENCE_MASK];
        return KeyedTable.hash(encodedKeys, k * KEY_STRIDE, keyLengths[k]);
    }

    private int update(final int k)
    {
        final int offset = k * KEY_STRIDE;
        final int length = keyLengths[k];
        final int id = table.findOrInsert(encodedKeys, offset, length, KeyedTable.hash(encodedKeys, offset, length));
        final MutableDirectBuffer values = table.values();
        final int at = table.valueOffset(id);
        values.putLong(at, values.getLong(at) + 1);
        return id;
    }
}
