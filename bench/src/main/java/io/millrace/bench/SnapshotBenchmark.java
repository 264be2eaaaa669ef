package io.millrace.bench;

import io.millrace.internal.state.KeyedTable;
import io.millrace.internal.state.StateWriter;
import io.millrace.journal.ChronicleJournal;
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

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An epoch snapshot of {@link #rows} window rows (docs/architecture.md, docs/checkpoints.md): {@link #copy()} is the
 * operator thread's bulk copy of the off-heap table into the snapshot buffer; {@link #commit()} also writes it to its
 * file, forces it to disk and journals the commit, as each epoch of a checkpointed query does. Keys are window-count
 * keys ({@code k} and a number, with a 4-byte length: inline in the table), values a flags word and a count.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_INTERNAL_MISC, JvmFlags.EXPORT_INTERNAL_REF, JvmFlags.EXPORT_NIO_CH, JvmFlags.EXPORT_SUN_MISC,
    JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.OPEN_LANG, JvmFlags.OPEN_LANG_REFLECT, JvmFlags.OPEN_IO,
    JvmFlags.OPEN_UTIL, JvmFlags.OPEN_NIO, JvmFlags.OPEN_JAVAC,
    "-Dchronicle.analytics.disable=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Xmx2g"})
public class SnapshotBenchmark
{
    /** Window rows in the table. */
    @Param("1000000")
    public int rows;

    private final StateWriter snapshot = new StateWriter();
    private KeyedTable table;
    private Path directory;
    private ChronicleJournal journal;
    private long epoch;

    /**
     * Fills the table and opens a checkpoint.
     *
     * @throws IOException when the temporary directory cannot be made.
     */
    @Setup
    public void setUp() throws IOException
    {
        table = new KeyedTable(16, rows);
        final UnsafeBuffer key = new UnsafeBuffer(ByteBuffer.allocateDirect(32));
        for (int i = 0; i < rows; i++)
        {
            key.putByte(4, (byte)'k');
            final int length = 1 + key.putIntAscii(5, i);
            key.putInt(0, length);
            final int id = table.findOrInsert(key, 0, 4 + length, KeyedTable.hash(key, 0, 4 + length));
            table.values().putLong(table.valueOffset(id) + 8, i);
        }
        directory = Files.createTempDirectory("millrace-snapshot-bench");
        journal = new ChronicleJournal(directory, new PrintStream(OutputStream.nullOutputStream()));
        journal.open("snapshot benchmark");
    }

    /**
     * Closes the checkpoint and deletes it.
     *
     * @throws IOException when it cannot be deleted.
     */
    @TearDown
    public void tearDown() throws IOException
    {
        journal.close();
        TemporaryDirectory.delete(directory);
    }

    /**
     * @return the snapshot's length.
     */
    @Benchmark
    public int copy()
    {
        snapshot.reset();
        table.writeTo(snapshot);
        return snapshot.length();
    }

    /**
     * @return the snapshot's length.
     */
    @Benchmark
    public int commit()
    {
        final int length = copy();
        journal.commit(++epoch, snapshot.buffer(), 0, length);
        return length;
    }
}
