package io.millrace.cli;

import io.millrace.internal.durable.CrashPoints;
import io.millrace.journal.JournalScan;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.millrace.cli.Runs.assertSameRows;
import static io.millrace.cli.Runs.rows;
import static io.millrace.cli.Runs.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Epochs are committed behind the operator thread, so a process can die with several epochs' parts written and
 * their commits still to come. The committer is held at each of its durable steps in turn (a stall point, as a disk
 * that stops answering) from the first epoch on, the operator thread writes on until every snapshot buffer is taken,
 * and the process dies right there, when the operator thread finds no free buffer; so each crash has the most epochs
 * in flight that the engine allows, whatever the timing. (Held any later, the operator thread could find the buffers
 * taken earlier, while the committer is free to commit one more epoch before the halt takes effect.) The test checks that the output then held parts of at least two epochs past
 * the last commit, and that the restart gives exactly an uninterrupted run's rows.
 */
class InFlightCommitTest
{
    private static final List<String> QUERY = List.of("windowed-count", "--generate", "100k", "--keys", "5000",
        "--window", "10s", "--watermark", "2s", "--output-mode", "update");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "committer held at {0}")
    @ValueSource(strings = {"snapshot-written", "snapshot-renamed", "commit-appended"})
    @Timeout(300)
    void shouldResumeExactlyWhenTheProcessDiesWithEpochsStillBeingCommitted(final String step) throws Exception
    {
        final Path reference = dir.resolve("reference");
        final Runs.Result once = Runs.inProcess(with(QUERY, "--output", reference.toString()), null);
        assertEquals(0, once.exitCode(), once.err());

        final Path checkpoint = dir.resolve("checkpoint");
        final Path output = dir.resolve("out");
        final List<String> args = with(QUERY, "--output", output.toString(), "--checkpoint", checkpoint.toString(),
            "--epoch-interval", "5ms", "--throttle", "200000");
        final Path stderr = dir.resolve("stderr");
        final ChildCommand child = ChildCommand.startMain(MillraceCommand.class,
            List.of("-Dmillrace.stall-point=" + step + ":1", "-Dmillrace.crash-point=snapshot-buffer-awaited"),
            stderr, null, args.toArray(new String[0]));
        assertEquals(CrashPoints.EXIT_STATUS, child.waitFor(120), () -> read(stderr));
        final long ahead = newestPart(output) - JournalScan.of(checkpoint).lastCommittedEpoch();
        assertTrue(ahead >= 2, "epochs past the last commit at the crash: " + ahead);

        final Runs.Result restart = Runs.inProcess(args, null);
        assertEquals(0, restart.exitCode(), restart.err());
        assertSameRows(rows(reference), rows(output), "restarted after a crash with " + ahead +
            " epochs past the last commit");
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
