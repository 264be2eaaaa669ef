package io.millrace.journal;

import io.millrace.Aggregate;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Stream;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.sink.PartFileSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import io.millrace.testing.ArrivalRank;
import io.millrace.testing.TimeRange;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream.Builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every stateful operator, and a user-defined aggregate's accumulator, survives a stop and a restart from its checkpoint: the query is stopped several times
 * after some epochs have committed and restarted with the same journal, and the union of its part files equals
 * an uninterrupted run's (for complete mode, its last part, the final table, equals the uninterrupted run's).
 */
class StopAndResumeTest
{
    private static final int EVENTS = 120_000;

    @TempDir
    Path dir;

    static java.util.stream.Stream<Arguments> queries()
    {
        final Builder<Arguments> queries = java.util.stream.Stream.builder();
        queries.add(Arguments.of("groupBy(key).count() in update mode", OutputMode.UPDATE,
            (Supplier<Stream>)() -> events().groupBy(CsvSource.KEY_COLUMN).count(), 1));
        queries.add(Arguments.of("dropDuplicates then tumbling windows", OutputMode.APPEND,
            (Supplier<Stream>)() -> events().withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(200))
                .dropDuplicates(CsvSource.EVENT_TIME_COLUMN, CsvSource.KEY_COLUMN)
                .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(500)), CsvSource.KEY_COLUMN)
                .count(), 1));
        queries.add(Arguments.of("sliding windows in complete mode", OutputMode.COMPLETE,
            (Supplier<Stream>)() -> events().withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
                .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(1), Duration.ofMillis(300)),
                    CsvSource.KEY_COLUMN).count(), 1));
        queries.add(Arguments.of("sessions in append mode", OutputMode.APPEND,
            (Supplier<Stream>)() -> events().withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
                .groupBy(Window.sessionWindow(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(30)),
                    CsvSource.KEY_COLUMN).count(), 1));
        queries.add(Arguments.of("a user-defined aggregate in sessions", OutputMode.APPEND,
            (Supplier<Stream>)() -> events().withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
                .groupBy(Window.sessionWindow(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(30)),
                    CsvSource.KEY_COLUMN).agg(Aggregate.count(), Aggregate.of("range", TimeRange::new)), 1));
        queries.add(Arguments.of("counts per key and sliding window, then each window's counts ranked in arrival " +
            "order, as 3 tasks", OutputMode.APPEND, (Supplier<Stream>)() ->
            {
                // Many keys, so that windows open at a stop still get new keys after the restart.
                final Stream counts = events(20_000).withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100))
                    .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofSeconds(1), Duration.ofMillis(300)),
                        CsvSource.KEY_COLUMN).count();
                return counts.keyBy("window_start").process(ArrivalRank.outputOf(counts.schema()), ArrivalRank::new);
            }, 3));
        return queries.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    @Timeout(180)
    void shouldResumeFromTheCheckpointWithoutLosingOrRepeatingRows(
        final String name, final OutputMode mode, final Supplier<Stream> plan, final int tasks) throws Exception
    {
        final Path reference = dir.resolve("reference");
        run(plan.get().writeStream().outputMode(mode).trigger(Trigger.continuous(Duration.ofMillis(25)))
            .sink(new PartFileSink(reference)));

        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        for (int stop = 0; stop < 4; stop++)
        {
            final StreamingQuery query = writer(plan.get(), mode, output).throttle(60_000).parallelism(tasks)
                .checkpoint(new ChronicleJournal(checkpoint, quiet)).start();
            final long target = query.progress().committedEpoch() + 3 + stop;
            while (query.isActive() && query.progress().committedEpoch() < target)
            {
                Thread.sleep(5);
            }
            query.stop();
        }
        run(writer(plan.get(), mode, output).parallelism(tasks).checkpoint(new ChronicleJournal(checkpoint, quiet)));

        if (mode == OutputMode.COMPLETE)
        {
            assertEquals(sorted(lastPart(reference)), sorted(lastPart(output)), "final table");
        }
        else
        {
            assertEquals(allRows(reference), allRows(output), "union of part files");
        }
    }

    private static Stream events()
    {
        return events(300);
    }

    private static Stream events(final int keys)
    {
        return Millrace.readStream(new GeneratorSource(new EventGenerator(5, keys, 20_000, 5, 300, 0), EVENTS));
    }

    private static StreamWriter writer(final Stream plan, final OutputMode mode, final Path output)
    {
        return plan.writeStream().outputMode(mode).trigger(Trigger.continuous(Duration.ofMillis(25)))
            .sink(new PartFileSink(output));
    }

    private static void run(final StreamWriter writer) throws InterruptedException
    {
        final StreamingQuery query = writer.start();
        query.awaitTermination();
        assertTrue(query.isFinished());
    }

    private static List<String> allRows(final Path directory) throws IOException
    {
        final List<String> rows = new ArrayList<>();
        for (final Path part : parts(directory))
        {
            rows.addAll(Files.readAllLines(part));
        }
        return sorted(rows);
    }

    private static List<String> lastPart(final Path directory) throws IOException
    {
        final List<Path> parts = parts(directory);
        return Files.readAllLines(parts.get(parts.size() - 1));
    }

    private static List<Path> parts(final Path directory) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(directory))
        {
            return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
        }
    }

    private static List<String> sorted(final List<String> rows)
    {
        final List<String> copy = new ArrayList<>(rows);
        Collections.sort(copy);
        return copy;
    }
}
