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
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.millrace.testing.PartFiles.sortedRows;
import static io.millrace.testing.PartFiles.assertSameParts;
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

        final List<String> busiestRows = sortedRows(busiest);
        assertTrue(busiestRows.size() > 20, "second-stage rows: " + busiestRows.size());
        assertEquals(sortedRows(dir.resolve("reference-busiest")), busiestRows, "the chained aggregation's rows");
        assertEquals(sortedRows(dir.resolve("reference-sampled")), sortedRows(sampled), "the filtered rows");

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
}
