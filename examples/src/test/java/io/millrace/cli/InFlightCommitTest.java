package io.millrace.cli;

import io.millrace.internal.durable.CrashPoints;
import io.millrace.journal.JournalScan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.Runs.rows;
import static io.millrace.cli.Runs.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Epochs are committed behind the operator thread, so a process can die with several epochs' parts written and
 * their commits still to come. A query whose snapshots are large (150,000 window rows) and whose epochs are short
 * (5 ms) makes the committer fall behind once the state has grown, from the fifteenth epoch or so (earlier
 * snapshots are small and commit in time); the child is crashed right after a part is renamed, the test checks
 * that the output then held parts of at least two epochs past the last commit, and the restart must still give
 * exactly an uninterrupted run's rows.
 */
class InFlightCommitTest
{
    private static final List<String> QUERY = List.of("windowed-count", "--generate", "300k", "--keys", "150000",
        "--window", "10s", "--watermark", "2s", "--output-mode", "update");

    @TempDir
    Path dir;

    @Test
    @Timeout(600)
    void shouldResumeExactlyWhenTheProcessDiesWithEpochsStillBeingCommitted() throws Exception
    {
        final Path reference = dir.resolve("reference");
        final Runs.Result once = Runs.inProcess(with(QUERY, "--output", reference.toString()), null);
        assertEquals(0, once.exitCode(), once.err());
        final Map<String, Integer> expected = rows(reference);

        final List<Long> aheadSeen = new ArrayList<>();
        for (int attempt = 0; attempt < 6 && aheadSeen.stream().noneMatch(ahead -> ahead >= 2); attempt++)
        {
            final Path checkpoint = dir.resolve("checkpoint-" + attempt);
            final Path output = dir.resolve("out-" + attempt);
            final List<String> args = with(QUERY, "--output", output.toString(), "--checkpoint",
                checkpoint.toString(), "--epoch-interval", "5ms", "--throttle", "150000");
            final Path stderr = dir.resolve("stderr-" + attempt);
            final ChildCommand child = ChildCommand.startMain(MillraceCommand.class,
                List.of("-Dmillrace.crash-point=part-renamed:" + (15 + 5 * attempt)), stderr, null,
                args.toArray(new String[0]));
            assertEquals(CrashPoints.EXIT_STATUS, child.waitFor(120), () -> read(stderr));
            aheadSeen.add(newestPart(output) - JournalScan.of(checkpoint).lastCommittedEpoch());

            final Runs.Result restart = Runs.inProcess(args, null);
            assertEquals(0, restart.exitCode(), restart.err());
            assertSameRows(expected, rows(output), "restarted after a crash with epochs " + aheadSeen +
                " past the last commit");
        }
        assertTrue(aheadSeen.stream().anyMatch(ahead -> ahead >= 2), "no crash came with two or more epochs " +
            "written and not committed; epochs past the last commit at each crash: " + aheadSeen);
    }

    private static long newestPart(final Path output) throws IOException
    {
        try (Stream<Path> parts = Files.list(output))
        {
            return parts.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("part-"))
                .mapToLong(name -> Long.parseLong(name.substring(5, name.indexOf('.')))).max().orElse(0);
        }
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
