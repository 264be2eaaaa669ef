package io.millrace.bench;

import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import org.agrona.AsciiSequenceView;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Off-heap rows (docs/architecture.md) of the event schema {@code (event_time TIMESTAMP, key STRING)}: writing one
 * through a reused {@link RowWriter}, reading it through a {@link RowView} flyweight and the column accessors, and
 * generating one from the event generator (the per-record work of the generator source, to subtract from the
 * windowed-count figures). Zero allocation expected.
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
public class RowBenchmark
{
    private static final String KEY = "k4242";

    private final RowView view = new RowView();
    private final AsciiSequenceView chars = new AsciiSequenceView();
    private Schema schema;
    private LongColumn time;
    private StringColumn key;
    private RowWriter writer;
    private RowWriter written;
    private UnsafeBuffer keyBytes;
    private EventGenerator generator;
    private EventRows events;
    private long eventTime = EventGenerator.START_DEFAULT;

    /**
     * Resolves the columns, builds the writers and one written row to read.
     */
    @Setup
    public void setUp()
    {
        schema = CsvSource.eventSchema();
        time = schema.longColumn(CsvSource.EVENT_TIME_COLUMN);
        key = schema.stringColumn(CsvSource.KEY_COLUMN);
        writer = new RowWriter(schema);
        keyBytes = new UnsafeBuffer(ByteBuffer.allocateDirect(KEY.length()));
        keyBytes.putStringWithoutLengthAscii(0, KEY);
        written = new RowWriter(schema);
        written.putLong(time, eventTime).putString(key, KEY);
        written.view(view);
        generator = EventGenerator.withDefaults();
        events = new EventRows(schema);
    }

    /**
     * @return the row's length.
     */
    @Benchmark
    public int write()
    {
        return writer.reset()
            .putLong(time, ++eventTime)
            .putString(key, keyBytes, 0, KEY.length())
            .length();
    }

    /**
     * @return a combination of the values read.
     */
    @Benchmark
    public long read()
    {
        return time.get(view) + key.length(view) + view.buffer().getByte(key.bytesOffset(view) + 1);
    }

    /**
     * @return a character of the key read through a reused {@link AsciiSequenceView}.
     */
    @Benchmark
    public char readKeyAsCharSequence()
    {
        return key.wrap(view, chars).charAt(1);
    }

    /**
     * @return the row's length.
     */
    @Benchmark
    public int generateAndWrite()
    {
        generator.next();
        return events.write(generator, writer.reset()).length();
    }
}
