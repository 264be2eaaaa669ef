package io.millrace.bench;

import io.millrace.checkpoint.EpochCut;
import io.millrace.checkpoint.RecordBatch;
import io.millrace.journal.ChronicleJournal;
import io.millrace.row.LongColumn;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.source.CsvSource;
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

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The journal's per-record cost (docs/checkpoints.md), into a real Chronicle Queue checkpoint, checksum included:
 * {@link #appendRecord()} journals one event row as its own entry (what each offer to a journaled publisher
 * does), {@link #appendBatch()} gathers {@value #BATCH} rows into one entry (what a poll of a journaled source
 * does), reported per row; {@link #appendEpochCut()} logs an epoch cut. Zero allocation expected.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    JvmFlags.EXPORT_INTERNAL_MISC, JvmFlags.EXPORT_INTERNAL_REF, JvmFlags.EXPORT_NIO_CH, JvmFlags.EXPORT_SUN_MISC,
    JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.OPEN_LANG, JvmFlags.OPEN_LANG_REFLECT, JvmFlags.OPEN_IO,
    JvmFlags.OPEN_UTIL, JvmFlags.OPEN_NIO, JvmFlags.OPEN_JAVAC,
    "-Dchronicle.analytics.disable=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class JournalBenchmark
{
    private Path directory;
    private ChronicleJournal journal;
    static final int BATCH = 1024;

    private final RecordBatch single = new RecordBatch();
    private final RecordBatch batch = new RecordBatch();
    private RowWriter row;
    private long offset;
    private long epoch;

    /**
     * Opens a new checkpoint and writes one event row to journal again and again.
     *
     * @throws IOException when the temporary directory cannot be made.
     */
    @Setup
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("millrace-journal-bench");
        journal = new ChronicleJournal(directory, new PrintStream(OutputStream.nullOutputStream()));
        journal.open("journal benchmark");
        final Schema events = CsvSource.eventSchema();
        final LongColumn time = events.longColumn(CsvSource.EVENT_TIME_COLUMN);
        final StringColumn key = events.stringColumn(CsvSource.KEY_COLUMN);
        row = new RowWriter(events);
        row.putLong(time, 1_700_000_000_000L).putString(key, "k5413");
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
     * @return the record's offset.
     */
    @Benchmark
    public long appendRecord()
    {
        offset += 20;
        single.clear();
        single.add(row.buffer(), 0, row.length());
        return journal.appendRecords(offset, offset, single);
    }

    /**
     * @return the first record's offset.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long appendBatch()
    {
        batch.clear();
        for (int i = 0; i < BATCH; i++)
        {
            batch.add(row.buffer(), 0, row.length());
        }
        offset += 20 * BATCH;
        return journal.appendRecords(offset, offset, batch);
    }

    /**
     * @return the cut's journal index.
     */
    @Benchmark
    public long appendEpochCut()
    {
        epoch++;
        return journal.appendEpochCut(new EpochCut(epoch, epoch * 20, epoch, 1000, epoch, epoch + 999, false, epoch));
    }
}
