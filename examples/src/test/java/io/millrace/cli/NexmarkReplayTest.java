package io.millrace.cli;

import io.millrace.examples.nexmark.NexmarkModel;
import io.millrace.examples.nexmark.NexmarkQuery;
import io.millrace.testing.Cli;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.millrace.testing.PartFiles.rowsInOrder;
import static io.millrace.testing.PartFiles.assertSameParts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every NEXMark query with a checkpoint: its part files, read in epoch order, hold exactly the query's rows in order
 * ({@link NexmarkModel}; q11's sessions closing together in any order); {@code journal verify} finds the checkpoint intact; {@code journal replay} writes every
 * part file again byte for byte; and a second run on the finished checkpoint changes nothing.
 */
class NexmarkReplayTest
{
    private static final long EVENTS = 40_000;
    private static final long RATE = 2_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(NexmarkQuery.class)
    void shouldReplayEveryPartFileByteForByte(final NexmarkQuery query) throws IOException
    {
        final Path output = dir.resolve("out");
        final Path checkpoint = dir.resolve("checkpoint");
        final String[] args = {"nexmark", "--query", query.label(), "--events", "" + EVENTS, "--rate", "" + RATE,
            "--seed", "3", "--output", output.toString(), "--checkpoint", checkpoint.toString(),
            "--epoch-interval", "10ms", "--throttle", "400000"};
        final Cli.Run run = Cli.run(args);
        assertEquals(0, run.exitCode(), run::toString);
        final List<String> expected = new ArrayList<>(NexmarkModel.of(3, RATE, EVENTS, 4_000).rows(query.label()));
        final List<String> actual = new ArrayList<>(rowsInOrder(output));
        if (query == NexmarkQuery.Q11)
        {
            // Sessions closing at one watermark step come out in an order q11 leaves open.
            expected.sort(null);
            actual.sort(null);
        }
        assertEquals(expected, actual, query.label() + ": the rows, in order");
        final Cli.Run epochs = Cli.run("journal", "epochs", "--checkpoint", checkpoint.toString());
        assertEquals(0, epochs.exitCode(), epochs::toString);
        assertTrue(epochs.outText().lines().count() >= 3, query.label() + " ran in too few epochs: " + epochs);

        final Cli.Run verify = Cli.run("journal", "verify", "--checkpoint", checkpoint.toString());
        assertEquals(0, verify.exitCode(), verify::toString);

        final Path replayed = dir.resolve("replayed");
        final Cli.Run replay = Cli.run("journal", "replay", "--checkpoint", checkpoint.toString(), "--output",
            replayed.toString());
        assertEquals(0, replay.exitCode(), replay::toString);
        assertSameParts(output, replayed);

        final List<String> before = rowsInOrder(output);
        final Cli.Run again = Cli.run(args);
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals(before, rowsInOrder(output), query.label() + ": a run on the finished checkpoint");
    }
}
