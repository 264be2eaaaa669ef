package io.millrace.bench;

import io.millrace.Aggregate;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Publisher;
import io.millrace.StreamingQuery;
import io.millrace.ThreadingMode;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.function.RowTranslator;
import io.millrace.internal.metrics.QueryCounters;
import io.millrace.internal.operator.EmissionPolicy;
import io.millrace.internal.operator.Operator;
import io.millrace.internal.operator.OperatorContext;
import io.millrace.internal.operator.SessionWindowOperator;
import io.millrace.internal.operator.SinkOperator;
import io.millrace.internal.operator.WatermarkOperator;
import io.millrace.internal.operator.WindowOperator;
import io.millrace.internal.operator.WindowOperators;
import io.millrace.internal.state.AggregateSpec;
import io.millrace.row.RowView;
import io.millrace.row.RowWriter;
import io.millrace.row.Schema;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Windowed count per record (docs/semantics.md) over the generator's events (the generator's defaults: seed 42, 10,000
 * keys, 1,000,000 events per event-time second, 1% disorder up to 2 s), watermark 2 s, append mode, so a window's
 * 10,000 rows go to the sink when it closes. {@link #window}: {@code tumbling-10s}, {@code sliding-10s-5s} (two
 * windows per record), {@code session-10ms} (a key recurs every 10 ms on average, so sessions are opened,
 * extended, merged and closed all the time) and {@code session-1s} (a key's events keep extending one session).
 * {@link #aggregates}: the count alone, or with a user-defined aggregate beside it. The generator runs on, so event
 * time advances and windows keep closing. Setup first runs
 * {@value #PREWARM_EVENTS} events (3 s of event time, past the watermark delay) so that measurement starts with
 * the state at its steady size. Each operation generates its event and writes its row first: subtract
 * {@code RowBenchmark.generateAndWrite} for the operators alone.
 * <ul>
 *   <li>{@link #operators()}: watermark and window operators chained directly, one row per call.</li>
 *   <li>{@link #query()}: {@code withWatermark + groupBy(window, key).count()} as a query in
 *       {@link ThreadingMode#INVOKER}: {@value #BATCH} offers through a {@link Publisher}, one {@code invoke()}.</li>
 * </ul>
 * Near-zero allocation expected: a window's table is allocated when it opens (once per 10 million records
 * tumbling), not per record.
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
public class WindowedCountBenchmark
{
    /** Records offered per invocation of {@link #query()}. */
    public static final int BATCH = 256;
    /** Watermark delay, ms. */
    public static final long WATERMARK_MS = 2_000;
    /** Events run through in setup before measuring. */
    public static final int PREWARM_EVENTS = 3_000_000;

    private static final RowTranslator<WindowedCountBenchmark> NEXT_EVENT =
        (row, benchmark) -> benchmark.writeNext(row);

    /** The window, by {@link #window(String)}'s names. */
    @Param({"tumbling-10s", "sliding-10s-5s", "session-10ms", "session-1s"})
    public String window;

    /**
     * {@code count}, or {@code count+range}: a user-defined aggregate ({@link EventTimeRange}) beside it, for the
     * cost of one.
     */
    @Param({"count", "count+range"})
    public String aggregates;

    private final RowView view = new RowView();
    private EventGenerator generator;
    private EventRows events;
    private RowWriter writer;
    private Operator chain;
    private OperatorContext context;
    private CountingSink chainSink;
    private Publisher publisher;
    private StreamingQuery query;
    private CountingSink querySink;

    /**
     * Builds the direct chain and starts the query (they share the generator: JMH runs each benchmark method in
     * forks of its own), then runs {@value #PREWARM_EVENTS} events through the one measured.
     *
     * @param params of the benchmark run, naming the method measured.
     */
    @Setup
    public void setUp(final BenchmarkParams params)
    {
        final Schema input = CsvSource.eventSchema();
        generator = EventGenerator.withDefaults();
        events = new EventRows(input);
        writer = new RowWriter(input);
        final Window spec = window(window);
        final boolean range = "count+range".equals(aggregates);
        final AggregateSpec count = new AggregateSpec(AggregateSpec.Kind.COUNT, null, "count", null, null);
        final List<AggregateSpec> functions = range ? List.of(count,
            new AggregateSpec(AggregateSpec.Kind.CUSTOM, null, "range", "range", EventTimeRange::new)) : List.of(count);
        final Aggregate[] aggregated = range ?
            new Aggregate[] {Aggregate.count(), Aggregate.of("range", EventTimeRange::new)} :
            new Aggregate[] {Aggregate.count()};
        final Schema.Builder columns = Schema.builder()
            .timestampColumn(WindowOperators.WINDOW_START)
            .timestampColumn(WindowOperators.WINDOW_END)
            .like(input.column(CsvSource.KEY_COLUMN))
            .longColumn("count");
        final Schema output = (range ? columns.longColumn("range") : columns).build();

        final QueryCounters counters = new QueryCounters();
        context = new OperatorContext(counters, (position, reason, buffer, index, length) ->
        {
        }, null);
        final WindowOperators.Spec operatorSpec = new WindowOperators.Spec(spec.timeColumn(), spec.sizeMs(),
            spec.slideMs(), List.of(CsvSource.KEY_COLUMN), functions);
        chainSink = new CountingSink("count");
        chainSink.open(output);
        chain = new WatermarkOperator(
            input.longColumn(CsvSource.EVENT_TIME_COLUMN), WATERMARK_MS, counters.watermark, context);
        final EmissionPolicy append = EmissionPolicy.of(EmissionPolicy.Mode.APPEND, false);
        chain.then(spec.kind() == Window.Kind.SESSION ?
                new SessionWindowOperator(input, operatorSpec, output, append, context) :
                new WindowOperator(input, operatorSpec, output, append, context))
            .then(new SinkOperator(chainSink, counters, 1));

        publisher = new Publisher(input);
        querySink = new CountingSink("count");
        query = Millrace.readStream(publisher)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(WATERMARK_MS))
            .groupBy(spec, CsvSource.KEY_COLUMN).agg(aggregated)
            .writeStream()
            .queryName("windowed-count-benchmark")
            .outputMode(OutputMode.APPEND)
            .trigger(Trigger.continuous(Duration.ofSeconds(1)))
            .threadingMode(ThreadingMode.INVOKER)
            .sink(querySink)
            .start();

        final boolean measuringQuery = params.getBenchmark().endsWith(".query");
        for (int i = 0; i < PREWARM_EVENTS / BATCH; i++)
        {
            if (measuringQuery)
            {
                query();
            }
            else
            {
                for (int j = 0; j < BATCH; j++)
                {
                    operators();
                }
            }
        }
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
        generator.next();
        context.beforeRecord();
        chain.onRow(events.write(generator, writer.reset()).view(view));
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

    /**
     * @param name {@code tumbling-10s}, {@code sliding-10s-5s}, {@code session-10ms} or {@code session-1s}.
     * @return the window of that name over the event time.
     */
    public static Window window(final String name)
    {
        switch (name)
        {
            case "tumbling-10s": return Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(10));
            case "sliding-10s-5s":
                return Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(10), Duration.ofSeconds(5));
            case "session-10ms": return Window.sessionWindow(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(10));
            case "session-1s": return Window.sessionWindow(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(1));
            default: throw new IllegalArgumentException("unknown window: " + name);
        }
    }

    private void writeNext(final RowWriter row)
    {
        generator.next();
        events.write(generator, row);
    }
}
