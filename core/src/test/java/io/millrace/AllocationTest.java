package io.millrace;

import io.millrace.function.RowTranslator;
import io.millrace.row.LongColumn;
import io.millrace.row.RowView;
import io.millrace.row.Schema;
import io.millrace.row.StringColumn;
import io.millrace.sink.CollectingSink;
import io.millrace.sink.Sink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import io.millrace.testing.ReferenceEvents;
import io.millrace.testing.TestQueries;
import io.millrace.testing.TimeRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path allocates nothing per record in steady state (docs/architecture.md): a query driven on the test thread
 * ({@link ThreadingMode#INVOKER}) is warmed up, then the bytes the thread allocates over the next million
 * records are measured with {@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}.
 */
class AllocationTest
{
    private static final long WARMUP_RECORDS = 500_000;
    private static final long MEASURED_RECORDS = 1_000_000;
    private static final long TOTAL_RECORDS = WARMUP_RECORDS + MEASURED_RECORDS + 20_000;
    private static final double MAX_BYTES_PER_RECORD = 0.01;
    private static final int KEYS = 10_000;

    private static final Schema EVENTS = CsvSource.eventSchema();
    private static final LongColumn TIME = EVENTS.longColumn(CsvSource.EVENT_TIME_COLUMN);
    private static final StringColumn KEY = EVENTS.stringColumn(CsvSource.KEY_COLUMN);
    private static final Schema DOUBLED = Schema.builder()
        .stringColumn("key", CsvSource.KEY_MAX_LENGTH).longColumn("twice").build();
    private static final StringColumn DOUBLED_KEY = DOUBLED.stringColumn("key");
    private static final LongColumn TWICE = DOUBLED.longColumn("twice");

    /** Sums a column without allocating; the query's only consumer of rows in the stateless test. */
    static final class SummingSink implements Sink
    {
        long rows;
        long sum;
        private LongColumn column;

        @Override
        public void open(final Schema schema)
        {
            column = schema.longColumn("twice");
        }

        @Override
        public void onRow(final RowView row, final long epoch, final long sequence)
        {
            rows++;
            sum += column.get(row);
        }
    }

    @Test
    @Timeout(120)
    void shouldNotAllocatePerRecordWhenCountingByKey()
    {
        final com.sun.management.ThreadMXBean threads = allocationCounter();
        final EventGenerator generator = new EventGenerator(42, KEYS, 1_000_000, 1, 2_000, 1_700_000_000_000L);
        final CollectingSink sink = new CollectingSink();
        final StreamingQuery query = Millrace.readStream(new GeneratorSource(generator, TOTAL_RECORDS))
            .groupBy("key").count()
            .writeStream().outputMode(OutputMode.COMPLETE).trigger(Trigger.availableNow())
            .threadingMode(ThreadingMode.INVOKER).sink(sink).start();

        driveUntil(query, generator, WARMUP_RECORDS);
        assertEquals(KEYS, query.progress().stateRows(), "every key is in the table before measuring");
        final double bytesPerRecord = measure(threads, query, generator, "groupBy(key).count()");
        TestQueries.awaitFinished(query, ThreadingMode.INVOKER);

        final Map<String, Long> expected = new HashMap<>();
        ReferenceEvents.forEach(42, KEYS, 1_000_000, 1, 2_000, 1_700_000_000_000L, TOTAL_RECORDS,
            event -> expected.merge(event.key(), 1L, Long::sum));
        final Map<String, Long> actual = new HashMap<>();
        for (final List<Object> row : sink.values())
        {
            assertEquals(null, actual.put((String)row.get(0), (Long)row.get(1)), "key twice: " + row);
        }
        assertEquals(expected, actual);
        assertTrue(bytesPerRecord < MAX_BYTES_PER_RECORD, bytesPerRecord + " bytes allocated per record");
    }

    @Test
    @Timeout(120)
    void shouldNotAllocatePerRecordInAStatelessChain()
    {
        final com.sun.management.ThreadMXBean threads = allocationCounter();
        final EventGenerator generator = new EventGenerator(7, KEYS, 1_000_000, 1, 2_000, 1_700_000_000_000L);
        final SummingSink sink = new SummingSink();
        final StreamingQuery query = Millrace.readStream(new GeneratorSource(generator, TOTAL_RECORDS))
            .filter(row -> (TIME.get(row) & 3) != 0)
            .map(DOUBLED, (in, out) ->
            {
                KEY.copy(in, out, DOUBLED_KEY);
                out.putLong(TWICE, TIME.get(in) * 2);
            })
            .select("twice", "key")
            .writeStream().trigger(Trigger.availableNow())
            .threadingMode(ThreadingMode.INVOKER).sink(sink).start();

        driveUntil(query, generator, WARMUP_RECORDS);
        final double bytesPerRecord = measure(threads, query, generator, "filter.map.select");
        TestQueries.awaitFinished(query, ThreadingMode.INVOKER);

        final long[] expected = new long[2];
        ReferenceEvents.forEach(7, KEYS, 1_000_000, 1, 2_000, 1_700_000_000_000L, TOTAL_RECORDS, event ->
        {
            if ((event.time() & 3) != 0)
            {
                expected[0]++;
                expected[1] += event.time() * 2;
            }
        });
        assertEquals(expected[0], sink.rows);
        assertEquals(expected[1], sink.sum);
        assertTrue(bytesPerRecord < MAX_BYTES_PER_RECORD, bytesPerRecord + " bytes allocated per record");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tumbling", "sliding", "session", "tumbling, user-defined", "session, user-defined"})
    @Timeout(120)
    void shouldNotAllocatePerRecordInAWindowedCount(final String kind)
    {
        final com.sun.management.ThreadMXBean threads = allocationCounter();
        final EventGenerator generator = new EventGenerator(11, KEYS, 1_000_000, 1, 2_000, 1_700_000_000_000L);
        final Window window = switch (kind.split(",")[0])
        {
            case "tumbling" -> Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(10));
            case "sliding" -> Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(10), Duration.ofSeconds(5));
            default -> Window.sessionWindow(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(50));
        };
        // A user-defined aggregate beside the count: its calls must allocate nothing either.
        final Aggregate[] aggregates = kind.endsWith("user-defined") ?
            new Aggregate[] {Aggregate.count(), Aggregate.of("range", TimeRange::new)} :
            new Aggregate[] {Aggregate.count()};
        final CountingSink sink = new CountingSink();
        final StreamingQuery query = Millrace.readStream(new GeneratorSource(generator, TOTAL_RECORDS))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
            .groupBy(window, CsvSource.KEY_COLUMN).agg(aggregates)
            .writeStream().outputMode(OutputMode.APPEND).trigger(Trigger.availableNow())
            .threadingMode(ThreadingMode.INVOKER).sink(sink).start();

        driveUntil(query, generator, WARMUP_RECORDS);
        final double bytesPerRecord = measure(threads, query, generator, "windowed count, " + kind);
        TestQueries.awaitFinished(query, ThreadingMode.INVOKER);

        assertTrue(sink.count > 0, "windows were written");
        assertTrue(bytesPerRecord < MAX_BYTES_PER_RECORD, bytesPerRecord + " bytes allocated per record");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"interval join", "windowed join", "latest per key", "top 3 per key", "map state per key"})
    @Timeout(120)
    void shouldNotAllocatePerRecordInAJoinOrAProcessFunction(final String kind)
    {
        final com.sun.management.ThreadMXBean threads = allocationCounter();
        final EventGenerator generator = new EventGenerator(13, KEYS, 1_000_000, 1, 2_000, 1_700_000_000_000L);
        final Stream input = Millrace.readStream(new GeneratorSource(generator, TOTAL_RECORDS));
        final Stream even = input.filter(row -> (TIME.get(row) & 1) == 0)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100));
        final Stream odd = input.filter(row -> (TIME.get(row) & 1) == 1)
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100));
        final Join on = Join.on(CsvSource.KEY_COLUMN, CsvSource.KEY_COLUMN);
        final Stream result = switch (kind)
        {
            case "interval join" -> even.join(odd, on.between(CsvSource.EVENT_TIME_COLUMN,
                CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(5), Duration.ofMillis(5)));
            case "windowed join" -> even.join(odd, on.window(
                Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(10)), CsvSource.EVENT_TIME_COLUMN));
            case "latest per key" -> even.keyBy(CsvSource.KEY_COLUMN).latest(CsvSource.EVENT_TIME_COLUMN);
            case "map state per key" -> even.keyBy(CsvSource.KEY_COLUMN)
                .process(Schema.builder().longColumn("size").build(), TimeTally::new);
            default -> even.keyBy(CsvSource.KEY_COLUMN).top(3, CsvSource.EVENT_TIME_COLUMN);
        };
        final CountingSink sink = new CountingSink();
        final StreamingQuery query = result.writeStream().outputMode(OutputMode.APPEND).trigger(Trigger.availableNow())
            .threadingMode(ThreadingMode.INVOKER).sink(sink).start();

        driveUntil(query, generator, WARMUP_RECORDS);
        final double bytesPerRecord = measure(threads, query, generator, kind);
        TestQueries.awaitFinished(query, ThreadingMode.INVOKER);

        assertTrue(sink.count > 100_000, "rows written: " + sink.count);
        assertTrue(bytesPerRecord < MAX_BYTES_PER_RECORD, bytesPerRecord + " bytes allocated per record");
    }

    /**
     * Tallies each row's time modulo 4 in its key's map state, dropping a tally at 3, and writes the map's size.
     */
    static final class TimeTally implements io.millrace.function.KeyedProcessFunction
    {
        private final org.agrona.concurrent.UnsafeBuffer mapKey = new org.agrona.concurrent.UnsafeBuffer(new byte[8]);
        private LongColumn size;

        @Override
        public void open(final Schema input, final Schema output)
        {
            size = output.longColumn("size");
        }

        @Override
        public int stateBytes()
        {
            return 0;
        }

        @Override
        public int mapKeyBytes()
        {
            return 8;
        }

        @Override
        public int mapValueBytes()
        {
            return 8;
        }

        @Override
        public void processRow(final io.millrace.row.RowView row, final io.millrace.function.ProcessContext context)
        {
            mapKey.putLong(0, TIME.get(row) & 3);
            final int entry = context.mapPut(mapKey, 0);
            final long tally = context.mapBuffer().getLong(context.mapValueOffset(entry)) + 1;
            if (tally == 3)
            {
                context.mapRemove(entry);
            }
            else
            {
                context.mapBuffer().putLong(context.mapValueOffset(entry), tally);
            }
            context.row().putLong(size, context.mapSize());
            context.emit();
        }
    }

    @Test
    @Timeout(120)
    void shouldNotAllocatePerRecordForRowsLongerThanASlot()
    {
        final com.sun.management.ThreadMXBean threads = allocationCounter();
        final Schema lines = Schema.builder().longColumn("n").stringColumn("text", 2048).build();
        final LongColumn n = lines.longColumn("n");
        final StringColumn text = lines.stringColumn("text");
        final String padding = "x".repeat(600);
        final SummingSink sink = new SummingSink();
        final Publisher publisher = new Publisher(lines);
        final StreamingQuery query = Millrace.readStream(publisher)
            .map(Schema.builder().longColumn("twice").build(), (in, out) ->
                out.putLong(out.schema().longColumn("twice"), n.get(in) * 2 + text.length(in)))
            .writeStream().trigger(TestQueries.ONE_EPOCH).threadingMode(ThreadingMode.INVOKER).sink(sink).start();
        final RowTranslator<long[]> write = (row, counter) ->
            row.putLong(n, counter[0]++).putString(text, padding);
        final long[] counter = new long[1];

        while (counter[0] < WARMUP_RECORDS)
        {
            publisher.offer(write, counter);
            query.invoke();
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long start = counter[0];
        while (counter[0] - start < MEASURED_RECORDS)
        {
            publisher.offer(write, counter);
            query.invoke();
        }
        final double bytesPerRecord = (double)(threads.getCurrentThreadAllocatedBytes() - before) / MEASURED_RECORDS;
        System.out.printf("millrace allocation: 616-byte rows through the ring: %.6f bytes/record%n", bytesPerRecord);
        publisher.close();
        TestQueries.awaitFinished(query, ThreadingMode.INVOKER);

        assertEquals(counter[0], sink.rows);
        assertEquals(counter[0] * (counter[0] - 1) + counter[0] * 600, sink.sum);
        assertTrue(bytesPerRecord < MAX_BYTES_PER_RECORD, bytesPerRecord + " bytes allocated per record");
    }

    @Test
    @Timeout(120)
    void shouldNotAllocatePerRecordReadingUnquotedCsvOfEpochMilliseconds(@TempDir final Path dir) throws IOException
    {
        final com.sun.management.ThreadMXBean threads = allocationCounter();
        final Path file = dir.resolve("events.csv");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII))
        {
            for (long i = 0; i < TOTAL_RECORDS; i++)
            {
                out.write(Long.toString(1_700_000_000_000L + i));
                out.write(",k");
                out.write(Long.toString(i % KEYS));
                out.write('\n');
            }
        }
        final CountingSink sink = new CountingSink();
        final StreamingQuery query = Millrace.readStream(new CsvSource(List.of(file), EVENTS, 1024, false))
            .writeStream().trigger(Trigger.availableNow()).threadingMode(ThreadingMode.INVOKER).sink(sink).start();

        while (sink.count < WARMUP_RECORDS)
        {
            query.invoke();
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long start = sink.count;
        while (sink.count - start < MEASURED_RECORDS)
        {
            query.invoke();
        }
        final double bytesPerRecord = (double)(threads.getCurrentThreadAllocatedBytes() - before) / MEASURED_RECORDS;
        System.out.printf("millrace allocation: CSV of epoch milliseconds: %.6f bytes/record%n", bytesPerRecord);
        TestQueries.awaitFinished(query, ThreadingMode.INVOKER);

        assertEquals(TOTAL_RECORDS, sink.count);
        assertTrue(bytesPerRecord < MAX_BYTES_PER_RECORD, bytesPerRecord + " bytes allocated per record");
    }

    /** Counts rows without allocating. */
    /**
     * A query of several tasks, each on a thread of its own, and its committer writing each epoch's rows: the bytes
     * every thread of the query allocates, read while it runs, over a million records once its buffers have grown.
     * With "then max", the counts cross an exchange to the task computing each window's largest.
     */
    @ParameterizedTest(name = "{0} tasks")
    @ValueSource(strings = {"1", "3", "3, then max"})
    @Timeout(120)
    void shouldNotAllocatePerRecordInAnyThreadOfAQueryOfSeveralTasks(final String kind) throws InterruptedException
    {
        final int tasks = Integer.parseInt(kind.substring(0, 1));
        final com.sun.management.ThreadMXBean threads = allocationCounter();
        final long records = 3 * TOTAL_RECORDS;
        final EventGenerator generator = new EventGenerator(13, KEYS, 1_000_000, 1, 2_000, 1_700_000_000_000L);
        final CountingSink sink = new CountingSink();
        final Stream counts = Millrace.readStream(new GeneratorSource(generator, records))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100)), CsvSource.KEY_COLUMN).count();
        final StreamingQuery query = (kind.endsWith("max") ?
            counts.groupBy(Window.window("window_start", Duration.ofMillis(100))).agg(Aggregate.max("count")) : counts)
            .writeStream().outputMode(OutputMode.APPEND).trigger(Trigger.continuous(Duration.ofMillis(20)))
            .queryName("allocation-tasks").parallelism(tasks).sink(sink).start();

        awaitRecordsIn(query, records / 3);
        final long[] ids = queryThreads("allocation-tasks");
        assertEquals(tasks == 1 ? 2 : 2 + tasks, ids.length, "a source, an operator thread per task, and a committer " +
            "for several");
        final long startRecords = query.progress().recordsIn();
        final long before = allocated(threads, ids);
        awaitRecordsIn(query, startRecords + MEASURED_RECORDS);
        final long after = allocated(threads, ids);
        final long measured = query.progress().recordsIn() - startRecords;
        final double perRecord = (double)(after - before) / measured;
        System.out.printf("millrace allocation: %d tasks allocated %d bytes over %d records: %.6f bytes/record%n",
            tasks, after - before, measured, perRecord);
        assertTrue(query.isActive(), "the query is still running after the measurement");
        TestQueries.awaitFinished(query, ThreadingMode.DEDICATED);
        assertTrue(sink.count > 0, "windows were written");
        assertTrue(perRecord < MAX_BYTES_PER_RECORD, perRecord + " bytes allocated per record");
    }

    private static void awaitRecordsIn(final StreamingQuery query, final long records) throws InterruptedException
    {
        while (query.progress().recordsIn() < records)
        {
            assertTrue(query.isActive(), "the query ended before " + records + " records");
            Thread.sleep(1);
        }
    }

    private static long[] queryThreads(final String query)
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().startsWith("millrace-") && thread.getName().endsWith("-" + query))
            .mapToLong(Thread::getId).toArray();
    }

    private static long allocated(final com.sun.management.ThreadMXBean threads, final long[] ids)
    {
        long bytes = 0;
        for (final long allocated : threads.getThreadAllocatedBytes(ids))
        {
            bytes += allocated;
        }
        return bytes;
    }

    static final class CountingSink implements Sink
    {
        long count;

        @Override
        public void onRow(final RowView row, final long epoch, final long sequence)
        {
            count++;
        }
    }

    private static com.sun.management.ThreadMXBean allocationCounter()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        // HotSpot, which CI runs, has both; a JVM without them fails here rather than skipping the check.
        assertTrue(bean instanceof com.sun.management.ThreadMXBean, "no com.sun.management.ThreadMXBean");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        assertTrue(threads.isThreadAllocatedMemorySupported(), "allocated memory not measurable on this JVM");
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }

    private static void driveUntil(final StreamingQuery query, final EventGenerator generator, final long records)
    {
        while (generator.index() + 1 < records)
        {
            query.invoke();
        }
    }

    private static double measure(
        final com.sun.management.ThreadMXBean threads,
        final StreamingQuery query,
        final EventGenerator generator,
        final String what)
    {
        // The counter's own cost, if any, is taken off.
        final long calibrateStart = threads.getCurrentThreadAllocatedBytes();
        final long calibrateEnd = threads.getCurrentThreadAllocatedBytes();
        final long overhead = calibrateEnd - calibrateStart;

        final long startIndex = generator.index();
        final long before = threads.getCurrentThreadAllocatedBytes();
        while (generator.index() - startIndex < MEASURED_RECORDS)
        {
            query.invoke();
        }
        final long after = threads.getCurrentThreadAllocatedBytes();
        final long records = generator.index() - startIndex;
        final long bytes = after - before - overhead;
        final double perRecord = (double)bytes / records;
        System.out.printf("millrace allocation: %s allocated %d bytes over %d records: %.6f bytes/record%n",
            what, bytes, records, perRecord);
        assertTrue(query.isActive(), "the query is still running after the measurement");
        return perRecord;
    }
}
