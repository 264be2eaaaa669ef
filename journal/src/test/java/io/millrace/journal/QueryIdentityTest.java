package io.millrace.journal;

import io.millrace.Millrace;
import io.millrace.OutputMode;
import io.millrace.StreamWriter;
import io.millrace.StreamingQuery;
import io.millrace.Trigger;
import io.millrace.Window;
import io.millrace.checkpoint.CheckpointException;
import io.millrace.sink.PartFileSink;
import io.millrace.source.CsvSource;
import io.millrace.source.EventGenerator;
import io.millrace.source.GeneratorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint records its query's identity, and a restart with another query is refused rather than resumed
 * from state another query built: another version of the query's code, or a source with other parameters.
 */
class QueryIdentityTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAnotherVersionOfTheQuery() throws Exception
    {
        final Path checkpoint = dir.resolve("checkpoint");
        run(writer(42, checkpoint).version(3)).awaitTermination();
        final CheckpointException refused = assertThrows(CheckpointException.class,
            () -> run(writer(42, checkpoint).version(4)));
        assertEquals(CheckpointException.Reason.MISMATCH, refused.reason());
        assertTrue(refused.getMessage().contains("version 3") && refused.getMessage().contains("version 4"),
            refused.getMessage());
        run(writer(42, checkpoint).version(3)).awaitTermination();
    }

    @Test
    void shouldRefuseASourceWithOtherParameters() throws Exception
    {
        final Path checkpoint = dir.resolve("checkpoint");
        run(writer(42, checkpoint)).awaitTermination();
        final CheckpointException refused = assertThrows(CheckpointException.class,
            () -> run(writer(43, checkpoint)));
        assertEquals(CheckpointException.Reason.MISMATCH, refused.reason());
        assertTrue(refused.getMessage().contains("seed=42") && refused.getMessage().contains("seed=43"),
            refused.getMessage());
    }

    private StreamWriter writer(final long seed, final Path checkpoint)
    {
        return Millrace.readStream(new GeneratorSource(new EventGenerator(seed, 10, 1000, 1, 50, 0), 2_000))
            .withWatermark(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(10))
            .groupBy(Window.window(CsvSource.EVENT_TIME_COLUMN, Duration.ofMillis(100)), CsvSource.KEY_COLUMN)
            .count()
            .writeStream().outputMode(OutputMode.APPEND).trigger(Trigger.continuous(Duration.ofMillis(5)))
            .sink(new PartFileSink(dir.resolve("out-" + seed)))
            .checkpoint(new ChronicleJournal(checkpoint, new PrintStream(new ByteArrayOutputStream())));
    }

    private static StreamingQuery run(final StreamWriter writer)
    {
        return writer.start();
    }
}
