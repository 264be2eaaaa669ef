package io.millrace.journal;

import io.millrace.Aggregate;
import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.Stream;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.row.LongColumn;
import io.millrace.sink.PartFileSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A query that is a graph — one input split into a chained aggregation (a windowed count, then the largest and
 * total count per longer window of its rows) and a filtered stream, each written to its own part files — stopped
 * and resumed from its checkpoint again and again writes exactly an uninterrupted run's rows to each output, and a
 * replay of its journal writes every part file of each output byte for byte again.
 */
class GraphCheckpointTest
{
    private static final int EVENTS = 120_000;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void shouldResumeAndReplayEveryOutputOfAGraph() throws Exception
    {
        run(writer(dir.resolve("reference-busiest"), dir.resolve("reference-sampled")));

        final Path busiest = dir.resolve("busiest");
        final Path sampled = dir.resolve("sampled");
        final Path checkpoint = dir.resolve("checkpoint");
        for (int stop = 0; stop < 4; stop++)
        {
            final StreamingQuery query = writer(busiest, sampled).throttle(60_000)
                .checkpoint(new ChronicleJournal(checkpoint, QUIET)).start();
            final long target = query.progress().committedEpoch() + 3 + stop;
            while (query.isActive() && query.progress().committedEpoch() < target)
            {
                Thread.sleep(5);
            }
            query.stop();
        }
        run(writer(busiest, sampled).checkpoint(new ChronicleJournal(checkpoint, QUIET)));

        final List<String> busiestRows = allRows(busiest);
        assertTrue(busiestRows.size() > 20, "second-stage rows: " + busiestRows.size());
        assertEquals(allRows(dir.resolve("reference-busiest")), busiestRows, "the chained aggregation's rows");
        assertEquals(allRows(dir.resolve("reference-sampled")), allRows(sampled), "the filtered rows");

        final Path replayedBusiest = dir.resolve("replayed-busiest");
        final Path replayedSampled = dir.resolve("replayed-sampled");
        new Replay(checkpoint).run(writer(replayedBusiest, replayedSampled));
        assertSameParts(busiest, replayedBusiest);
        assertSameParts(sampled, replayedSampled);
    }

    private static StreamWriter writer(final Path busiest, final Path sampled)
    {
        final Stream events = Millrace.readStream(
                new GeneratorSource(new EventGenerator(5, 300, 20_000, 5, 300, 0), EVENTS))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(200));
        final LongColumn time = events.schema().longColumn(CsvSource.EVENT_TIME_COLUMN);
        final Stream perKey = events
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100)), CsvSource.KEY_COLUMN).count();
        final Stream perThreeWindows = perKey.groupBy(Window.window("window_start", Duration.ofMillis(300)))
            .agg(Aggregate.max("count"), Aggregate.sum("count"));
        return perThreeWindows.writeStream().trigger(Trigger.continuous(Duration.ofMillis(25)))
            .sink(new PartFileSink(busiest))
            .alsoWrite(events.filter(row -> time.get(row) % 97 == 0), OutputMode.APPEND, new PartFileSink(sampled));
    }

    private static void run(final StreamWriter writer) throws InterruptedException
    {
        final StreamingQuery query = writer.start();
        query.awaitTermination();
        assertTrue(query.isFinished());
    }

    private static void assertSameParts(final Path original, final Path replayed) throws IOException
    {
        final List<Path> parts = parts(original);
        assertEquals(parts.stream().map(Path::getFileName).toList(),
            parts(replayed).stream().map(Path::getFileName).toList(), "part files of " + original.getFileName());
        for (final Path part : parts)
        {
            assertArrayEquals(Files.readAllBytes(part), Files.readAllBytes(replayed.resolve(part.getFileName())),
                part.toString());
        }
    }

    private static List<String> allRows(final Path directory) throws IOException
    {
        final List<String> rows = new ArrayList<>();
        for (final Path part : parts(directory))
        {
            rows.addAll(Files.readAllLines(part));
        }
        Collections.sort(rows);
        return rows;
    }

    private static List<Path> parts(final Path directory) throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(directory))
        {
            return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
        }
    }
}
