package io.millrace.bench;

import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.function.RowMapper;
import io.millrace.function.RowPredicate;
import io.millrace.function.RowTranslator;
import io.millrace.internal.metrics.QueryCounters;
import io.millrace.internal.operator.AggregateOperator;
import io.millrace.internal.state.AggregateSpec;
import io.millrace.internal.operator.EmissionPolicy;
import io.millrace.internal.operator.FilterOperator;
import io.millrace.internal.operator.MapOperator;
import io.millrace.internal.operator.Operator;
import io.millrace.internal.operator.OperatorContext;
import io.millrace.internal.operator.SinkOperator;
import io.millrace.row.Column;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fused stateless-plus-keyed operator chain (docs/architecture.md) per record:
 * {@code filter(event_time >= 0) -> map(key, event_second) -> groupBy(key).count()} in update mode with a
 * continuous trigger, so every record updates its group and writes one row to the sink. Input is 65,536
 * generated events (the generator's defaults, 10,000 keys) replayed in a cycle.
 * <ul>
 *   <li>{@link #operators()}: the operators chained directly, one row per call: the chain alone.</li>
 *   <li>{@link #query()}: the same plan as a query in {@link ThreadingMode#INVOKER}: {@value #BATCH} offers
 *       through a {@link Publisher} (row written, copied into the ingress ring) and one {@code invoke()} that
 *       drains them through the chain, on the benchmark thread.</li>
 * </ul>
 * Zero allocation expected.
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
public class OperatorChainBenchmark
{
    /** Records offered per invocation of {@link #query()}. */
    public static final int BATCH = 256;
    /** Name of the mapped rows' second column. */
    public static final String EVENT_SECOND = "event_second";

    private static final int EVENTS = 1 << 16;
    private static final int EVENT_MASK = EVENTS - 1;
    private static final int ROW_STRIDE = 64;
    private static final RowTranslator<OperatorChainBenchmark> NEXT_EVENT =
        (row, benchmark) -> benchmark.writeNext(row);

    private final RowView view = new RowView();
    private final long[] times = new long[EVENTS];
    private final int[] keyNumbers = new int[EVENTS];
    private final int[] rowLengths = new int[EVENTS];
    private UnsafeBuffer rows;
    private LongColumn time;
    private StringColumn key;
    private Operator chain;
    private CountingSink chainSink;
    private Publisher publisher;
    private StreamingQuery query;
    private CountingSink querySink;
    private int next;

    /**
     * Generates the events, builds the direct chain and starts the query.
     */
    @Setup
    public void setUp()
    {
        final Schema events = CsvSource.eventSchema();
        time = events.longColumn(CsvSource.EVENT_TIME_COLUMN);
        key = events.stringColumn(CsvSource.KEY_COLUMN);
        generateEvents(events);

        final Schema mapped = Schema.builder()
            .like(events.column(CsvSource.KEY_COLUMN))
            .longColumn(EVENT_SECOND)
            .build();
        final RowPredicate filter = new NonNegativeTime(time);
        final RowMapper mapper = new KeyAndSecond(events, mapped);

        final QueryCounters counters = new QueryCounters();
        final OperatorContext context = new OperatorContext(counters, (position, reason, buffer, index, length) ->
        {
        }, null);
        final Schema counted = Schema.builder().like(mapped.column(CsvSource.KEY_COLUMN)).longColumn("count").build();
        chainSink = new CountingSink("count");
        chainSink.open(counted);
        chain = new FilterOperator(filter, context);
        chain.then(new MapOperator(mapper, mapped, context))
            .then(new AggregateOperator(mapped, List.of(CsvSource.KEY_COLUMN),
                List.of(new AggregateSpec(AggregateSpec.Kind.COUNT, null, "count", null, null)), counted,
                EmissionPolicy.of(EmissionPolicy.Mode.UPDATE, true), counters))
            .then(new SinkOperator(chainSink, counters, 1));

        publisher = new Publisher(events);
        querySink = new CountingSink("count");
        query = Millrace.readStream(publisher)
            .filter(filter)
            .map(mapped, mapper)
            .groupBy(CsvSource.KEY_COLUMN).count()
            .writeStream()
            .queryName("operator-chain-benchmark")
            .outputMode(OutputMode.UPDATE)
            .trigger(Trigger.continuous(Duration.ofSeconds(1)))
            .threadingMode(ThreadingMode.INVOKER)
            .sink(querySink)
            .start();
    }

    /**
     * Stops the query.
     */
    @TearDown
    public void tearDown()
    {
        query.stop();
    }

    /**
     * @return the sink's running sum.
     */
    @Benchmark
    public long operators()
    {
        final int i = next++ & EVENT_MASK;
        chain.onRow(view.wrap(rows, i * ROW_STRIDE, rowLengths[i]));
        return chainSink.sum();
    }

    /**
     * @return the sink's running sum.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long query()
    {
        for (int i = 0; i < BATCH; i++)
        {
            publisher.offer(NEXT_EVENT, this);
        }
        query.invoke();
        return querySink.sum();
    }

    private void writeNext(final RowWriter row)
    {
        final int i = next++ & EVENT_MASK;
        row.putLong(time, times[i]);
        final int at = row.beginString(key, EventRows.KEY_MAX_BYTES);
        row.buffer().putByte(at, (byte)'k');
        row.endString(key, 1 + row.buffer().putIntAscii(at + 1, keyNumbers[i]));
    }

    private void generateEvents(final Schema events)
    {
        rows = new UnsafeBuffer(ByteBuffer.allocateDirect(EVENTS * ROW_STRIDE));
        final RowWriter writer = new RowWriter(events);
        final EventRows eventRows = new EventRows(events);
        final EventGenerator generator = EventGenerator.withDefaults();
        for (int i = 0; i < EVENTS; i++)
        {
            generator.next();
            eventRows.write(generator, writer.reset());
            rows.putBytes(i * ROW_STRIDE, writer.buffer(), 0, writer.length());
            rowLengths[i] = writer.length();
            times[i] = generator.time();
            keyNumbers[i] = (int)generator.keyNumber();
        }
    }

    /** Keeps rows with a non-negative event time: all of them, but not provably so. */
    static final class NonNegativeTime implements RowPredicate
    {
        private final LongColumn time;

        NonNegativeTime(final LongColumn time)
        {
            this.time = time;
        }

        @Override
        public boolean test(final RowView row)
        {
            return time.get(row) >= 0;
        }
    }

    /** Maps an event to {@code (key, event_second)}. */
    static final class KeyAndSecond implements RowMapper
    {
        private final LongColumn time;
        private final Column key;
        private final Column outKey;
        private final LongColumn second;

        KeyAndSecond(final Schema in, final Schema out)
        {
            time = in.longColumn(CsvSource.EVENT_TIME_COLUMN);
            key = in.column(CsvSource.KEY_COLUMN);
            outKey = out.column(CsvSource.KEY_COLUMN);
            second = out.longColumn(EVENT_SECOND);
        }

        @Override
        public void map(final RowView in, final RowWriter out)
        {
            key.copy(in, out, outKey);
            out.putLong(second, time.get(in) / 1000);
        }
    }
}
